"""Routes of this part. Placeholders (404) until the part's pages replace them."""

from django.urls import path

from ..views.stub import not_built

urlpatterns = [
    path("entering/", not_built, name="open_list"),
    path("entering/<int:pk>/new/", not_built, name="entry_create"),
    path("competitions/<int:pk>/entries/", not_built, name="entry_list"),
    path("entries/<int:pk>/", not_built, name="entry_detail"),
    path("entries/<int:pk>/accept/", not_built, name="entry_accept"),
    path("entries/<int:pk>/refuse/", not_built, name="entry_refuse"),
    path("entries/<int:pk>/withdraw/", not_built, name="entry_withdraw"),
    path("entries/<int:pk>/report/", not_built, name="stage_report_create"),
    path("stage-report-files/<int:pk>/", not_built, name="stage_report_file"),
]
