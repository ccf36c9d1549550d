"""Routes of nominating: a clerk's rounds, the nomination form, its files, submitting and withdrawing."""

from django.urls import path

from ..views import nomination_pages as pages
from ..views import nominations as views

urlpatterns = [
    path("honours/nominate/", views.nomination_home, name="nomination_home"),
    path("honours/rounds/<int:pk>/nominate/", views.nomination_create, name="nomination_create"),
    path("honours/rounds/<int:pk>/candidates/", views.nomination_candidates, name="nomination_candidates"),
    path("honours/rounds/<int:pk>/member-search/", views.nomination_member_search, name="nomination_member_search"),
    path("honours/nominations/<int:pk>/", pages.nomination_detail, name="nomination_detail"),
    path("honours/nominations/<int:pk>/edit/", views.nomination_edit, name="nomination_edit"),
    path("honours/nominations/<int:pk>/files/", pages.nomination_files, name="nomination_files"),
    path("honours/nomination-files/<int:pk>/", pages.nomination_file, name="nomination_file"),
    path("honours/nominations/<int:pk>/submit/", pages.nomination_submit, name="nomination_submit"),
    path("honours/nominations/<int:pk>/withdraw/", pages.nomination_withdraw, name="nomination_withdraw"),
]
