"""Pages: transfers (being written)."""

urlpatterns: list = []
