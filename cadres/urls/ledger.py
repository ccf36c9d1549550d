"""Routes of the ledger pages."""

urlpatterns: list = []
