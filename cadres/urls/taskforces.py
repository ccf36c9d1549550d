"""Routes of the taskforces pages."""

urlpatterns: list = []
