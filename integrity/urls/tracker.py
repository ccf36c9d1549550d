"""Routes of the yearly routine integrity talk tracker."""

from django.urls import path

from ..views import tracker as views

urlpatterns = [
    path("tracker/", views.tracker, name="tracker"),
    path("tracker/export/", views.tracker_export, name="tracker_export"),
]
