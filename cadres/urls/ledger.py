"""Routes of the ledger pages: the ledger, its rules and closing a year, and training taken elsewhere
(补录), the officers' and the cadre's own. Object URLs take one ``pk``: an hours rule or a filing."""

from django.urls import path

from ..views import ledger as views

urlpatterns = [
    path("cadres/ledger/", views.LedgerView.as_view(), name="ledger"),
    path("cadres/ledger/close/", views.ledger_close, name="ledger_close"),
    path("cadres/ledger/rules/", views.RuleListView.as_view(), name="rule_list"),
    path("cadres/ledger/rules/new/", views.RuleCreateView.as_view(), name="rule_create"),
    path("cadres/ledger/rules/<int:pk>/", views.RuleEditView.as_view(), name="rule_edit"),
    path("cadres/external/", views.ExternalListView.as_view(), name="external_list"),
    path("cadres/external/new/", views.ExternalCreateView.as_view(), name="external_create"),
    path("cadres/external/<int:pk>/", views.ExternalDetailView.as_view(), name="external_detail"),
    path("cadres/external/<int:pk>/certificate/", views.external_certificate, name="external_certificate"),
    path("my/cadre/external/new/", views.MyExternalCreateView.as_view(), name="my_external_create"),
    path("my/cadre/external/<int:pk>/", views.my_external_detail, name="my_external_detail"),
    path("my/cadre/external/<int:pk>/certificate/", views.my_external_certificate, name="my_external_certificate"),
]
