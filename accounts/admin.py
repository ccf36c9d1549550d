from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Role, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("name", "phone", "phone_verified")}),
    )
    list_display = ("username", "name", "email", "is_active", "is_staff", "last_login")
    search_fields = ("username", "name", "email")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Read-only here: roles are granted on the portal's pages, where the grant rules and audit apply."""

    list_display = ("user", "kind", "union", "granted_by", "granted_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "union__name")
    list_select_related = ("user", "union", "granted_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_label", "action", "result", "ip", "target_label")
    list_filter = ("action", "result")
    search_fields = ("actor_label", "target_label")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
