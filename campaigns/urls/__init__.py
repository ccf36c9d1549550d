"""The campaigns app's pages, one route list per part, all under ``campaigns/``: competitions and their
approval (federation staff), entries and stage reports (clerks), judging (judges), prizes and
certificates, documents, and the public results and certificate check (no sign-in)."""

from . import awards, competitions, documents, entries, judging, public

app_name = "campaigns"

urlpatterns = [
    *competitions.urlpatterns,
    *entries.urlpatterns,
    *judging.urlpatterns,
    *awards.urlpatterns,
    *documents.urlpatterns,
    *public.urlpatterns,
]
