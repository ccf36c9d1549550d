"""Routes of the sheets pages: attendance sheets, cadre imports, exports and their templates."""

from django.urls import path

from ..views import sheets as views

urlpatterns = [
    path("cadres/classes/<int:pk>/attendance-sheets/", views.attendance_sheet_list, name="attendance_sheet_list"),
    path(
        "cadres/classes/<int:pk>/attendance-sheets/new/",
        views.attendance_sheet_upload,
        name="attendance_sheet_upload",
    ),
    path("cadres/attendance-sheet-template/", views.attendance_sheet_template, name="attendance_sheet_template"),
    path("cadres/imports/new/", views.import_create, name="import_create"),
    path("cadres/imports/template/", views.import_template, name="import_template"),
    path("cadres/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("cadres/imports/<int:pk>/errors/", views.import_errors, name="import_errors"),
    path("cadres/export/", views.export_cadres, name="export_cadres"),
    path("cadres/ledger/export/", views.export_ledger, name="export_ledger"),
    path("cadres/exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("cadres/exports/<int:pk>/download/", views.export_download, name="export_download"),
]
