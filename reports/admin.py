from django.contrib import admin

from unions.scope import scope_paths, subtree_q

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are made by the request page and the monthly task, never by hand."""

    list_display = ["id", "kind", "union", "status", "requested_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["union", "requested_by"]
    readonly_fields = [f.name for f in Report._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(subtree_q(scope_paths(request.user), "union__path"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
