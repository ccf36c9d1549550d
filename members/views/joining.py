"""Pages: joining (being written)."""

urlpatterns: list = []
