"""Routes of the discipline officer's home and the app's settings."""

from django.urls import path

from ..views import home, settings

urlpatterns = [
    path("", home.home, name="home"),
    path("settings/", settings.settings_page, name="settings"),
]
