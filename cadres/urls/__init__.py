"""The cadres app's pages, one route list per part. Staff pages live under ``cadres/``; a cadre's own
pages (phone-first) under ``my/cadre/``; the QR check-in under ``cadres/check-in/<token>/``."""

from . import assessments, ledger, mine, postings, profiles, sheets, taskforces, training

app_name = "cadres"

urlpatterns = [
    *profiles.urlpatterns,
    *training.urlpatterns,
    *sheets.urlpatterns,
    *ledger.urlpatterns,
    *postings.urlpatterns,
    *taskforces.urlpatterns,
    *assessments.urlpatterns,
    *mine.urlpatterns,
]
