"""The integrity app's pages, one route list per part, all under ``integrity/``. Every page is for
discipline officers in scope (anyone else: 404), but the talk pages of a talk's recorder, the
requester's view of an opinion letter, and the cadre's QR check-in of warning education."""

from . import education, home, letters, opinions, records, rectifications, register, talks, tracker

app_name = "integrity"

urlpatterns = [
    *home.urlpatterns,
    *talks.urlpatterns,
    *rectifications.urlpatterns,
    *tracker.urlpatterns,
    *education.urlpatterns,
    *letters.urlpatterns,
    *opinions.urlpatterns,
    *register.urlpatterns,
    *records.urlpatterns,
]
