from django.urls import path

from . import views, views_cadres, views_campaigns, views_dashboard, views_integrity

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
    # Cadres: one cadre's information form; the cadres panel for leaders and cadre officers.
    path("cadres/<int:pk>/pdf/", views_cadres.cadre_pdf, name="cadre_pdf"),
    path("dashboard/cadres/", views_cadres.cadre_dashboard_home, name="cadre_dashboard_home"),
    path("dashboard/<int:pk>/cadres/", views_cadres.cadre_dashboard, name="cadre_dashboard"),
    path("dashboard/<int:pk>/cadres.json", views_cadres.cadre_dashboard_data, name="cadre_dashboard_data"),
    # Integrity: aggregates only, for leaders and discipline officers over the node.
    path("dashboard/integrity/", views_integrity.integrity_dashboard_home, name="integrity_dashboard_home"),
    path("dashboard/<int:pk>/integrity/", views_integrity.integrity_dashboard, name="integrity_dashboard"),
    path(
        "dashboard/<int:pk>/integrity.json", views_integrity.integrity_dashboard_data, name="integrity_dashboard_data"
    ),
    # Competitions: counts for leaders and federation staff over the node.
    path("dashboard/campaigns/", views_campaigns.campaigns_dashboard_home, name="campaigns_dashboard_home"),
    path("dashboard/<int:pk>/campaigns/", views_campaigns.campaigns_dashboard, name="campaigns_dashboard"),
    path(
        "dashboard/<int:pk>/campaigns.json", views_campaigns.campaigns_dashboard_data, name="campaigns_dashboard_data"
    ),
]
