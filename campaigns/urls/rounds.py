"""Routes of the honours set-up: honour kinds, rounds, quotas, and the working-day calendar.

Placeholders answer 404 until their pages exist."""

from django.urls import path

from ..views.placeholder import not_yet

urlpatterns = [
    path("honours/", not_yet, name="round_list"),
    path("honours/rounds/new/", not_yet, name="round_create"),
    path("honours/rounds/<int:pk>/", not_yet, name="round_detail"),
    path("honours/rounds/<int:pk>/edit/", not_yet, name="round_edit"),
    path("honours/rounds/<int:pk>/open/", not_yet, name="round_open"),
    path("honours/rounds/<int:pk>/quotas/", not_yet, name="round_quotas"),
    path("honours/kinds/", not_yet, name="honour_kind_list"),
    path("honours/kinds/<int:pk>/", not_yet, name="honour_kind_edit"),
    path("honours/calendar/", not_yet, name="calendar"),
    path("honours/calendar/<int:year>/", not_yet, name="calendar_year"),
]
