from django import template

register = template.Library()


@register.filter
def percent_of(part, whole) -> str:
    """``{{ n|percent_of:total }}`` → "12.5%"; a dash when the whole is zero."""
    try:
        part, whole = float(part), float(whole)
    except (TypeError, ValueError):
        return "—"
    return f"{100.0 * part / whole:.1f}%" if whole else "—"
