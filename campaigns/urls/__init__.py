"""The campaigns app's pages, one route list per part, all under ``campaigns/``: competitions and their
approval (federation staff), entries and stage reports (clerks), judging (judges), prizes and
certificates, documents, and the public results and certificate check (no sign-in); honours: kinds,
rounds and quotas, nominations, reviews and vetting, the public notice and objections, the decision and
the register, care and studios, their documents, and the public notice and honour check."""

from . import (
    awards,
    care,
    competitions,
    documents,
    entries,
    honour_documents,
    judging,
    nominations,
    notices,
    public,
    register,
    reviews,
    rounds,
)

app_name = "campaigns"

urlpatterns = [
    *competitions.urlpatterns,
    *entries.urlpatterns,
    *judging.urlpatterns,
    *awards.urlpatterns,
    *documents.urlpatterns,
    *public.urlpatterns,
    *rounds.urlpatterns,
    *nominations.urlpatterns,
    *reviews.urlpatterns,
    *notices.urlpatterns,
    *register.urlpatterns,
    *care.urlpatterns,
    *honour_documents.urlpatterns,
]
