"""Routes of warning education: sessions, attendance (by hand, sheets, the QR poster), coverage, and
the cadre's check-in page the session's code opens."""

from django.urls import path

from ..views import education as views

urlpatterns = [
    path("education/", views.education_list, name="education_list"),
    path("education/new/", views.education_create, name="education_create"),
    path("education/coverage/", views.education_coverage, name="education_coverage"),
    path("education/sheet-template/", views.education_sheet_template, name="education_sheet_template"),
    path("education/<int:pk>/", views.education_detail, name="education_detail"),
    path("education/<int:pk>/sheets/", views.education_sheet_list, name="education_sheet_list"),
    path("education/<int:pk>/sheets/new/", views.education_sheet_upload, name="education_sheet_upload"),
    path("education/<int:pk>/qr/", views.education_qr, name="education_qr"),
    path("education/<int:pk>/qr/renew/", views.education_qr_renew, name="education_qr_renew"),
    path("check-in/<str:token>/", views.education_check_in, name="education_check_in"),
]
