"""Routes of the cadres' integrity records."""

from django.urls import path

from ..views import records as views

urlpatterns = [
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_record"),
]
