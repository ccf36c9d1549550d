from django.contrib import admin

from accounts.admin import ReadOnlyAdmin

from .models import Role, Union


@admin.register(Union)
class UnionAdmin(admin.ModelAdmin):
    """For support staff. The tree's shape changes only through the portal's pages (move, close)."""

    list_display = ("name", "kind", "credit_code", "depth", "closed_on")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code")
    readonly_fields = ("path", "depth", "numchild", "kind", "closed_on", "close_reason")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    """Read-only here: roles are granted on the portal's pages, where the grant rules and audit apply."""

    list_display = ("user", "kind", "union", "granted_by", "granted_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "union__name")
    list_select_related = ("user", "union", "granted_by")
