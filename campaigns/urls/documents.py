"""Routes of this part. Placeholders (404) until the part's pages replace them."""

from django.urls import path

from ..views.stub import not_built

urlpatterns = [
    path("competitions/<int:pk>/summary.pdf", not_built, name="competition_summary_pdf"),
    path("competitions/<int:pk>/entries.xlsx", not_built, name="entries_xlsx"),
    path("competitions/<int:pk>/scores.xlsx", not_built, name="scores_xlsx"),
]
