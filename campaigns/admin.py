from django.contrib import admin

from .models import Competition


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    """Read-only: competitions are run through the portal's pages, where every move is checked and audited."""

    list_display = ("title", "organiser", "kind", "status", "starts_on")
    list_filter = ("status", "kind", "level")
    search_fields = ("title",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
