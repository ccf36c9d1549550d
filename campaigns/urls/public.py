"""Public routes (no sign-in needed): the results page and the certificate check."""

from django.urls import path

from ..views import public

urlpatterns = [
    path("results/<str:token>/", public.results, name="results"),
    path("check/<str:token>/", public.certificate_check, name="certificate_check"),
]
