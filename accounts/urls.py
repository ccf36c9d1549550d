from django.urls import path

from . import views, views_inbox, views_preferences

app_name = "accounts"

urlpatterns = [
    path("roles/", views.role_list, name="roles"),
    path("roles/grant/<int:union_pk>/", views.role_grant, name="role_grant"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("audit/", views.audit_list, name="audit"),
    path("roles/authenticator-reset/<int:user_pk>/", views.mfa_reset, name="mfa_reset"),
    # Outside the staff pages: reached before an authenticator exists (see accounts.middleware).
    path("enrol/", views.mfa_enrolment_needed, name="mfa_enrolment_needed"),
    path("enrol/<str:token>/", views.mfa_enrol, name="mfa_enrol"),
    *views_inbox.urlpatterns,
    *views_preferences.urlpatterns,
]
