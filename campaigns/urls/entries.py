"""Entries and stage reports: the clerk's 参赛 page and entering, the organiser's list and decisions,
the entry page, stage reports and their files."""

from django.urls import path

from ..views import entries as views

urlpatterns = [
    path("entering/", views.open_list, name="open_list"),
    path("entering/<int:pk>/new/", views.entry_create, name="entry_create"),
    path("competitions/<int:pk>/entries/", views.entry_list, name="entry_list"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/accept/", views.entry_accept, name="entry_accept"),
    path("entries/<int:pk>/refuse/", views.entry_refuse, name="entry_refuse"),
    path("entries/<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("entries/<int:pk>/report/", views.stage_report_create, name="stage_report_create"),
    path("stage-report-files/<int:pk>/", views.stage_report_file, name="stage_report_file"),
]
