"""Routes of the public notice (公示) and objections: publishing, the objections register, and the public pages."""

from django.urls import path

from ..views import notices, public_notices

urlpatterns = [
    path("honours/rounds/<int:pk>/notice/", notices.notice_create, name="notice_create"),
    path("honours/notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("honours/objections/", notices.objection_list, name="objection_list"),
    path("honours/objections/<int:pk>/", notices.objection_detail, name="objection_detail"),
    path("honours/objections/<int:pk>/assign/", notices.objection_assign, name="objection_assign"),
    path("honours/objections/<int:pk>/answer/", notices.objection_answer, name="objection_answer"),
    path("honours/objections/<int:pk>/close/", notices.objection_close, name="objection_close"),
    path("notice/<str:token>/", public_notices.public_notice, name="public_notice"),
    path("notice/<str:token>/object/", public_notices.objection_form, name="objection_form"),
    path("notice/<str:token>/object/code/", public_notices.objection_code, name="objection_code"),
]
