"""Routes of the final decision, the honours register, revocation, certificates and their public check.

Placeholders answer 404 until their pages exist."""

from django.urls import path

from ..views.placeholder import not_yet

urlpatterns = [
    path("honours/rounds/<int:pk>/decision/", not_yet, name="round_decision"),
    path("honours/nominations/<int:pk>/decide/", not_yet, name="nomination_decide"),
    path("honours/register/", not_yet, name="register"),
    path("honours/register/new/", not_yet, name="honour_create"),
    path("honours/register/<int:pk>/", not_yet, name="honour_detail"),
    path("honours/register/<int:pk>/revoke/", not_yet, name="honour_revoke"),
    path("honours/register/<int:pk>/certificate.pdf", not_yet, name="honour_certificate"),
    path("honours/people/<int:pk>/", not_yet, name="honour_person"),
    path("honour-check/<str:token>/", not_yet, name="honour_check"),
]
