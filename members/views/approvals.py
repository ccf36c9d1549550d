"""Pages: approvals (being written)."""

urlpatterns: list = []
