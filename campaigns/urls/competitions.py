"""Routes of this part; filled in by the part."""

urlpatterns: list = []
