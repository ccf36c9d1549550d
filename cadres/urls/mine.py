"""Routes of the mine pages."""

urlpatterns: list = []
