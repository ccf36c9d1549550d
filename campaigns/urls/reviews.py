"""Routes of the review level by level: the review lists, a level's decision, forwarding a list, joint vetting.

Placeholders answer 404 until their pages exist."""

from django.urls import path

from ..views.placeholder import not_yet

urlpatterns = [
    path("honours/review/", not_yet, name="review_list"),
    path("honours/nominations/<int:pk>/review/", not_yet, name="nomination_review"),
    path("honours/rounds/<int:pk>/forward/", not_yet, name="round_forward"),
    path("honours/rounds/<int:pk>/vetting/", not_yet, name="round_vetting"),
    path("honours/nominations/<int:pk>/vetting/", not_yet, name="nomination_vetting"),
    path("honours/nominations/<int:pk>/vetting/override/", not_yet, name="nomination_vetting_override"),
    path("honours/nominations/<int:pk>/vetting/<int:opinion_pk>/file/", not_yet, name="vetting_file"),
]
