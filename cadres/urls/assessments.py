"""Routes of the assessments pages."""

urlpatterns: list = []
