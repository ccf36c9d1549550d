"""Routes of the honours' documents: the nomination approval form (Word and PDF), the notice for posting, the round's summary.

Placeholders answer 404 until their pages exist."""

from django.urls import path

from ..views.placeholder import not_yet

urlpatterns = [
    path("honours/nominations/<int:pk>/form.docx", not_yet, name="nomination_form_docx"),
    path("honours/nominations/<int:pk>/form.pdf", not_yet, name="nomination_form_pdf"),
    path("honours/notices/<int:pk>/notice.pdf", not_yet, name="notice_pdf"),
    path("honours/rounds/<int:pk>/summary.pdf", not_yet, name="round_summary_pdf"),
]
