from .views import approvals, cards, joining, staff, transfers, unions

app_name = "members"

urlpatterns = [
    *unions.urlpatterns,
    *staff.urlpatterns,
    *approvals.urlpatterns,
    *transfers.urlpatterns,
    *joining.urlpatterns,
    *cards.urlpatterns,
]
