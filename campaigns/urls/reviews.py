"""Routes of the review level by level: the review lists, a level's decision, forwarding a list, joint vetting."""

from django.urls import path

from ..views import reviews

urlpatterns = [
    path("honours/review/", reviews.review_list, name="review_list"),
    path("honours/nominations/<int:pk>/review/", reviews.nomination_review, name="nomination_review"),
    path("honours/rounds/<int:pk>/forward/", reviews.round_forward, name="round_forward"),
    path("honours/rounds/<int:pk>/vetting/", reviews.round_vetting, name="round_vetting"),
    path("honours/nominations/<int:pk>/vetting/", reviews.nomination_vetting, name="nomination_vetting"),
    path(
        "honours/nominations/<int:pk>/vetting/override/",
        reviews.nomination_vetting_override,
        name="nomination_vetting_override",
    ),
    path("honours/vetting-files/<int:pk>/", reviews.vetting_file, name="vetting_file"),
]
