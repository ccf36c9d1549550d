from .views import approvals, cards, joining, roster_export, roster_import, staff, transfers

app_name = "members"

urlpatterns = [
    *staff.urlpatterns,
    *approvals.urlpatterns,
    *transfers.urlpatterns,
    *joining.urlpatterns,
    *cards.urlpatterns,
    *roster_import.urlpatterns,
    *roster_export.urlpatterns,
]
