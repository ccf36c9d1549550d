"""Routes of the postings pages."""

urlpatterns: list = []
