"""Pages: cards (being written)."""

urlpatterns: list = []
