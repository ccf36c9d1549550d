from django.urls import path

from . import views, views_inbox, views_preferences

app_name = "accounts"

urlpatterns = [
    # Outside the staff pages: reached before an authenticator exists (see accounts.middleware).
    path("enrol/", views.mfa_enrolment_needed, name="mfa_enrolment_needed"),
    path("enrol/<str:token>/", views.mfa_enrol, name="mfa_enrol"),
    *views_inbox.urlpatterns,
    *views_preferences.urlpatterns,
]
