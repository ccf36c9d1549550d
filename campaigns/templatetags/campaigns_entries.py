"""The competition page's entries panel: counts by status and kind and the person-times, in one query."""

from django import template
from django.db.models import Count, Q, Sum

from ..models import Entry

register = template.Library()


@register.simple_tag
def entries_panel(competition) -> dict:
    figures = {f"s_{status}": Count("id", filter=Q(status=status)) for status in Entry.Status.values}
    figures |= {f"k_{kind}": Count("id", filter=Q(kind=kind)) for kind in Entry.Kind.values}
    live = ~Q(status__in=[Entry.Status.REFUSED, Entry.Status.WITHDRAWN])
    row = Entry.objects.filter(competition=competition).aggregate(
        total=Count("id"), person_times=Sum("person_times", filter=live), **figures
    )
    return {
        "total": row["total"],
        "person_times": row["person_times"] or 0,
        "by_status": [(label, row[f"s_{value}"]) for value, label in Entry.Status.choices],
        "by_kind": [(label, row[f"k_{value}"]) for value, label in Entry.Kind.choices],
    }
