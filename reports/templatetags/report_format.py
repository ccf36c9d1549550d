from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.filter
def percent_of(part, whole) -> str:
    """``{{ n|percent_of:total }}`` → "12.5%"; a dash when the whole is zero."""
    try:
        part, whole = float(part), float(whole)
    except (TypeError, ValueError):
        return "—"
    return f"{100.0 * part / whole:.1f}%" if whole else "—"


@register.filter
def thousands(value) -> str:
    """``{{ 1234567|thousands }}`` → "1,234,567": counts grouped as the charts beside them and the
    federation's statistical reports write them, in either language (``intcomma`` follows the zh-hans
    locale, which does not group), and cheaply: a district's league table formats 450 numbers."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "" if value is None else str(value)


@register.filter
def rank_badge(rank) -> str:
    """A rank in the league table as a small badge (nothing without a rank)."""
    if not rank:
        return ""
    label = gettext("Rank")
    return format_html(
        ' <span class="badge rounded-pill text-bg-light border league-rank" title="{}">'
        '<span class="visually-hidden">{} </span>#{}</span>',
        label,
        label,
        rank,
    )
