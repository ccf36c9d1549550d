"""Routes of this part. Placeholders (404) until the part's pages replace them."""

from django.urls import path

from ..views.stub import not_built

urlpatterns = [
    path("", not_built, name="home"),
    path("competitions/", not_built, name="competition_list"),
    path("competitions/new/", not_built, name="competition_create"),
    path("competitions/<int:pk>/", not_built, name="competition_detail"),
    path("competitions/<int:pk>/edit/", not_built, name="competition_edit"),
    path("competitions/<int:pk>/submit/", not_built, name="competition_submit"),
    path("competitions/<int:pk>/approve/", not_built, name="competition_approve"),
    path("competitions/<int:pk>/return/", not_built, name="competition_return"),
    path("competitions/<int:pk>/start/", not_built, name="competition_start"),
    path("competitions/<int:pk>/open-judging/", not_built, name="competition_open_judging"),
    path("approvals/", not_built, name="approval_list"),
]
