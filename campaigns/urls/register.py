"""Routes of the final decision, the honours register, revocation, certificates and their public check."""

from django.urls import path

from ..views import decisions, public_honours, register

urlpatterns = [
    path("honours/rounds/<int:pk>/decision/", decisions.round_decision, name="round_decision"),
    path("honours/nominations/<int:pk>/decide/", decisions.nomination_decide, name="nomination_decide"),
    path("honours/register/", register.register, name="register"),
    path("honours/register/new/", register.honour_create, name="honour_create"),
    path("honours/register/<int:pk>/", register.honour_detail, name="honour_detail"),
    path("honours/register/<int:pk>/revoke/", register.honour_revoke, name="honour_revoke"),
    path("honours/register/<int:pk>/certificate.pdf", register.honour_certificate, name="honour_certificate"),
    path("honours/people/<int:pk>/", register.honour_person, name="honour_person"),
    path("honour-check/<str:token>/", public_honours.honour_check, name="honour_check"),
]
