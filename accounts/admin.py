from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .kinds import audit_actions
from .models import AuditEvent, User
from .phone import mask_mobile


class ReadOnlyAdmin(admin.ModelAdmin):
    """Looked at, never changed, in the admin: changes go through the portal's services, which check
    the rules and write the audit trail."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """The mobile is shown masked and cannot be edited here: people change it on the portal, where
    a new number is confirmed by an SMS code. It is not searchable either, so that the admin cannot
    be used to find the owner of a number."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("name", "phone_masked", "phone_verified")}),
    )
    readonly_fields = ("phone_masked",)
    list_display = ("username", "name", "email", "phone_masked", "is_active", "is_staff", "last_login")
    search_fields = ("username", "name", "email")

    @admin.display(description=_("mobile number"))
    def phone_masked(self, obj):
        return mask_mobile(obj.phone)


# allauth's own admin shows an authenticator's data, which holds the TOTP secret and the recovery
# codes' seed: whoever read it could sign in as that person. Here only the facts are shown, and an
# authenticator is removed only by the portal's audited reset.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    list_select_related = ("user",)
    search_fields = ("user__username",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields


class AuditActionFilter(admin.SimpleListFilter):
    """The actions the apps register, by their labels (the field itself carries no choices)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return audit_actions.choices()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "action_display", "result", "ip", "target_label")
    list_filter = (AuditActionFilter, "result")
    search_fields = ("actor_label", "target_label")
    date_hierarchy = "created_at"
    readonly_fields = ("action_display",)

    def get_fields(self, request, obj=None):
        # The stored value in the action's place: its label, or the value itself for an action no app
        # registers any more.
        fields = [name for name in super().get_fields(request, obj) if name != "action_display"]
        return ["action_display" if name == "action" else name for name in fields]

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, obj):
        return obj.action_label
