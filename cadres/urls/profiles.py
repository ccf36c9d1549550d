"""Routes of the profiles pages."""

urlpatterns: list = []
