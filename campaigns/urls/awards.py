"""Routes of the prizes: awarding them, and the certificates."""

from django.urls import path

from ..views import awards

urlpatterns = [
    path("competitions/<int:pk>/award/", awards.competition_award, name="competition_award"),
    path("awards/<int:pk>/certificate.pdf", awards.certificate_pdf, name="certificate_pdf"),
]
