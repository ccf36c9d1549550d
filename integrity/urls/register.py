"""Routes of the four-forms register (四种形态)."""

from django.urls import path

from ..views import register as views

urlpatterns = [
    path("four-forms/", views.four_forms_list, name="four_forms_list"),
    path("four-forms/new/", views.four_forms_create, name="four_forms_create"),
    path("four-forms/<int:pk>/", views.four_forms_detail, name="four_forms_detail"),
]
