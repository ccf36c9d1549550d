"""Routes of the training pages: classes (staff), the QR check-in, and the cadre's own hub."""

from django.urls import path

from ..views import training as views

urlpatterns = [
    path("cadres/classes/", views.ClassListView.as_view(), name="class_list"),
    path("cadres/classes/new/", views.ClassCreateView.as_view(), name="class_create"),
    path("cadres/classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("cadres/classes/<int:pk>/edit/", views.ClassEditView.as_view(), name="class_edit"),
    path("cadres/classes/<int:pk>/enrol/", views.class_enrol, name="class_enrol"),
    path("cadres/classes/<int:pk>/unenrol/", views.class_unenrol, name="class_unenrol"),
    path("cadres/classes/<int:pk>/cancel/", views.class_cancel, name="class_cancel"),
    path("cadres/classes/<int:pk>/attendance/", views.class_attendance, name="class_attendance"),
    path("cadres/classes/<int:pk>/finish/", views.class_finish, name="class_finish"),
    path("cadres/classes/<int:pk>/qr/", views.class_qr, name="class_qr"),
    path("cadres/classes/<int:pk>/qr/renew/", views.class_qr_renew, name="class_qr_renew"),
    path("cadres/check-in/<str:token>/", views.check_in, name="check_in"),
    path("my/cadre/", views.my_home, name="my_home"),
]
