"""Routes of the talk pages."""

from django.urls import path

from ..views import talks as views

urlpatterns = [
    path("talks/", views.talk_list, name="talk_list"),
    path("talks/new/", views.talk_create, name="talk_create"),
    path("talks/<int:pk>/", views.talk_detail, name="talk_detail"),
    path("talks/<int:pk>/edit/", views.talk_edit, name="talk_edit"),
    path("talks/<int:pk>/file/", views.talk_file, name="talk_file"),
    path("talks/<int:pk>/close/", views.talk_close, name="talk_close"),
    path("talks/<int:pk>/corrections/new/", views.talk_correct, name="talk_correct"),
    path("talks/<int:pk>/rectifications/new/", views.rectification_create, name="rectification_create"),
]
