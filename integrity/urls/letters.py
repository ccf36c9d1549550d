"""Routes of the responsibility letters (党风廉政责任书)."""

from django.urls import path

from ..views import letters as views

urlpatterns = [
    path("letters/", views.letter_list, name="letter_list"),
    path("letters/template/", views.letter_template, name="letter_template"),
    path("letters/template/download/", views.letter_template_download, name="letter_template_download"),
    path("letters/generate/", views.letter_generate, name="letter_generate"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/docx/", views.letter_docx, name="letter_docx"),
    path("letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("letters/<int:pk>/send/", views.letter_send, name="letter_send"),
    path("letters/<int:pk>/chase/", views.letter_chase, name="letter_chase"),
    path("letters/<int:pk>/sign/", views.letter_sign, name="letter_sign"),
    path("letters/<int:pk>/scan/", views.letter_scan, name="letter_scan"),
    path("letters/batches/new/", views.letter_batch_create, name="letter_batch_create"),
    path("letters/batches/<int:pk>/", views.letter_batch_detail, name="letter_batch_detail"),
    path("letters/batches/<int:pk>/download/", views.letter_batch_download, name="letter_batch_download"),
]
