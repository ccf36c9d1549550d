"""Routes of the sheets pages."""

urlpatterns: list = []
