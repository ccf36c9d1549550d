"""Routes of the competitions part: the campaigns home, the competitions' set-up, approval and moves."""

from django.urls import path

from ..views import competitions, home

urlpatterns = [
    path("", home.home, name="home"),
    path("competitions/", competitions.competition_list, name="competition_list"),
    path("competitions/new/", competitions.competition_create, name="competition_create"),
    path("competitions/<int:pk>/", competitions.competition_detail, name="competition_detail"),
    path("competitions/<int:pk>/edit/", competitions.competition_edit, name="competition_edit"),
    path("competitions/<int:pk>/submit/", competitions.competition_submit, name="competition_submit"),
    path("competitions/<int:pk>/approve/", competitions.competition_approve, name="competition_approve"),
    path("competitions/<int:pk>/return/", competitions.competition_return, name="competition_return"),
    path("competitions/<int:pk>/start/", competitions.competition_start, name="competition_start"),
    path("competitions/<int:pk>/open-judging/", competitions.competition_open_judging, name="competition_open_judging"),
    path("approvals/", competitions.approval_list, name="approval_list"),
]
