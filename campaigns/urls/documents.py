"""A competition's documents: the summary (PDF) and the entries and scores (XLSX), for its organiser's staff."""

from django.urls import path

from ..views import documents

urlpatterns = [
    path("competitions/<int:pk>/summary.pdf", documents.competition_summary_pdf, name="competition_summary_pdf"),
    path("competitions/<int:pk>/entries.xlsx", documents.entries_xlsx, name="entries_xlsx"),
    path("competitions/<int:pk>/scores.xlsx", documents.scores_xlsx, name="scores_xlsx"),
]
