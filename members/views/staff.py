"""Pages: staff (being written)."""

urlpatterns: list = []
