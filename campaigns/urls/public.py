"""Routes of this part. Placeholders (404) until the part's pages replace them."""

from django.urls import path

from ..views.stub import not_built

urlpatterns = [
    path("results/<str:token>/", not_built, name="results"),
    path("check/<str:token>/", not_built, name="certificate_check"),
]
