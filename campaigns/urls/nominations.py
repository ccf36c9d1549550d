"""Routes of nominating: a clerk's rounds, the nomination form, its files, submitting and withdrawing.

Placeholders answer 404 until their pages exist."""

from django.urls import path

from ..views.placeholder import not_yet

urlpatterns = [
    path("honours/nominate/", not_yet, name="nomination_home"),
    path("honours/rounds/<int:pk>/nominate/", not_yet, name="nomination_create"),
    path("honours/rounds/<int:pk>/candidates/", not_yet, name="nomination_candidates"),
    path("honours/rounds/<int:pk>/member-search/", not_yet, name="nomination_member_search"),
    path("honours/nominations/<int:pk>/", not_yet, name="nomination_detail"),
    path("honours/nominations/<int:pk>/edit/", not_yet, name="nomination_edit"),
    path("honours/nominations/<int:pk>/files/", not_yet, name="nomination_files"),
    path("honours/nominations/<int:pk>/files/<int:file_pk>/", not_yet, name="nomination_file"),
    path("honours/nominations/<int:pk>/submit/", not_yet, name="nomination_submit"),
    path("honours/nominations/<int:pk>/withdraw/", not_yet, name="nomination_withdraw"),
]
