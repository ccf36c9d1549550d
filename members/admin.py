from django.contrib import admin

from .models import Union


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
