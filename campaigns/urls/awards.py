"""Routes of this part. Placeholders (404) until the part's pages replace them."""

from django.urls import path

from ..views.stub import not_built

urlpatterns = [
    path("competitions/<int:pk>/award/", not_built, name="competition_award"),
    path("awards/<int:pk>/certificate.pdf", not_built, name="certificate_pdf"),
]
