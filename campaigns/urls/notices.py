"""Routes of the public notice (公示) and objections: publishing, the objections register, and the public pages.

Placeholders answer 404 until their pages exist."""

from django.urls import path

from ..views.placeholder import not_yet

urlpatterns = [
    path("honours/rounds/<int:pk>/notice/", not_yet, name="notice_create"),
    path("honours/notices/<int:pk>/", not_yet, name="notice_detail"),
    path("honours/objections/", not_yet, name="objection_list"),
    path("honours/objections/<int:pk>/", not_yet, name="objection_detail"),
    path("honours/objections/<int:pk>/assign/", not_yet, name="objection_assign"),
    path("honours/objections/<int:pk>/answer/", not_yet, name="objection_answer"),
    path("honours/objections/<int:pk>/close/", not_yet, name="objection_close"),
    path("notice/<str:token>/", not_yet, name="public_notice"),
    path("notice/<str:token>/object/", not_yet, name="objection_form"),
    path("notice/<str:token>/object/code/", not_yet, name="objection_code"),
]
