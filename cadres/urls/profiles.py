"""Routes of the profiles pages: the cadre list and record, rotations, the political-quality file and
the settings. Object URLs take one ``pk``: a cadre, or a political-quality entry."""

from django.urls import path

from ..views import profiles as views

urlpatterns = [
    path("cadres/", views.CadreListView.as_view(), name="cadre_list"),
    path("cadres/new/", views.CadreCreateView.as_view(), name="cadre_create"),
    path("cadres/settings/", views.SettingsView.as_view(), name="settings"),
    path("cadres/rotations/due/", views.RotationDueView.as_view(), name="rotation_due"),
    path("cadres/<int:pk>/", views.CadreDetailView.as_view(), name="cadre_detail"),
    path("cadres/<int:pk>/edit/", views.CadreUpdateView.as_view(), name="cadre_edit"),
    path("cadres/<int:pk>/status/", views.CadreStatusView.as_view(), name="cadre_status"),
    path("cadres/<int:pk>/rotations/new/", views.RotationCreateView.as_view(), name="rotation_create"),
    path("cadres/<int:pk>/political/new/", views.PoliticalCreateView.as_view(), name="political_create"),
    path("cadres/political/<int:pk>/", views.PoliticalDetailView.as_view(), name="political_detail"),
]
