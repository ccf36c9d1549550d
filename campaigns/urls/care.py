"""Routes of model workers' care and the innovation studios."""

from django.urls import path

from ..views import care, studios

urlpatterns = [
    path("honours/care/", care.care_list, name="care_list"),
    path("honours/register/<int:pk>/care/", care.care_record, name="care_record"),
    path("honours/studios/", studios.studio_list, name="studio_list"),
    path("honours/studios/new/", studios.studio_create, name="studio_create"),
    path("honours/studios/targets/", studios.studio_targets, name="studio_targets"),
    path("honours/studios/<int:pk>/", studios.studio_detail, name="studio_detail"),
    path("honours/studios/<int:pk>/edit/", studios.studio_edit, name="studio_edit"),
    path("honours/studios/<int:pk>/review/", studios.studio_review, name="studio_review"),
]
