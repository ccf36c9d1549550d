"""Routes of the honours set-up: honour kinds, rounds, quotas, and the working-day calendar."""

from django.urls import path

from ..views import calendar, kinds, rounds

urlpatterns = [
    path("honours/", rounds.round_list, name="round_list"),
    path("honours/rounds/new/", rounds.round_create, name="round_create"),
    path("honours/rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("honours/rounds/<int:pk>/edit/", rounds.round_edit, name="round_edit"),
    path("honours/rounds/<int:pk>/open/", rounds.round_open, name="round_open"),
    path("honours/rounds/<int:pk>/quotas/", rounds.round_quotas, name="round_quotas"),
    path("honours/kinds/", kinds.honour_kind_list, name="honour_kind_list"),
    path("honours/kinds/<int:pk>/", kinds.honour_kind_edit, name="honour_kind_edit"),
    path("honours/calendar/", calendar.calendar, name="calendar"),
    path("honours/calendar/<int:year>/", calendar.calendar_year, name="calendar_year"),
]
