"""Routes of the honours' documents: the nomination approval form (Word and PDF), the notice for posting, the round's summary."""

from django.urls import path

from ..views import honour_documents as views

urlpatterns = [
    path("honours/nominations/<int:pk>/form.docx", views.nomination_form_docx, name="nomination_form_docx"),
    path("honours/nominations/<int:pk>/form.pdf", views.nomination_form_pdf, name="nomination_form_pdf"),
    path("honours/notices/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("honours/rounds/<int:pk>/summary.pdf", views.round_summary_pdf, name="round_summary_pdf"),
]
