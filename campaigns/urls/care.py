"""Routes of model workers' care and the innovation studios.

Placeholders answer 404 until their pages exist."""

from django.urls import path

from ..views.placeholder import not_yet

urlpatterns = [
    path("honours/care/", not_yet, name="care_list"),
    path("honours/register/<int:pk>/care/", not_yet, name="care_record"),
    path("honours/studios/", not_yet, name="studio_list"),
    path("honours/studios/new/", not_yet, name="studio_create"),
    path("honours/studios/<int:pk>/", not_yet, name="studio_detail"),
    path("honours/studios/<int:pk>/edit/", not_yet, name="studio_edit"),
    path("honours/studios/<int:pk>/review/", not_yet, name="studio_review"),
    path("honours/studios/targets/", not_yet, name="studio_targets"),
]
