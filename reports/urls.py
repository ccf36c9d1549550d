from django.urls import path

from . import views, views_dashboard

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("request/", views.report_request, name="request"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/download/", views.report_download, name="download"),
    path("dashboard/", views_dashboard.dashboard_home, name="dashboard"),
    path("dashboard/<int:pk>/", views_dashboard.dashboard_node, name="dashboard_node"),
    path("dashboard/<int:pk>/data.json", views_dashboard.dashboard_data, name="dashboard_data"),
    path("dashboard/<int:pk>/targets/", views_dashboard.dashboard_targets, name="dashboard_targets"),
]
