"""Routes of the rectification pages."""

from django.urls import path

from ..views import rectifications as views

urlpatterns = [
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/evidence/", views.rectification_evidence, name="rectification_evidence"),
    path("rectifications/<int:pk>/strike-off/", views.rectification_strike_off, name="rectification_strike_off"),
]
