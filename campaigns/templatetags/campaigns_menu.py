"""What the navigation bar and the campaigns home offer: asked of ``campaigns.permissions`` and
``campaigns.selectors``, never decided here, and worked out once per request (kept on the user object,
which lives as long as the request).

Federation staff get the whole menu; a leader the approvals; a clerk the competitions their unions may
enter; a judge their assignments. A judge who holds no role gets one link, "My judging".
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unions.scope import holds_role_anywhere

from .. import permissions
from ..navigation import is_judge

register = template.Library()

CACHE_ATTRIBUTE = "_campaigns_roles"

# (URL name, label, the view names that mark the entry active, who sees it); None: a divider.
MENU = [
    ("campaigns:home", _("Overview"), ("campaigns:home",), ("staff", "approver")),
    ("campaigns:competition_list", _("Competitions"), ("campaigns:competition_",), ("staff",)),
    ("campaigns:approval_list", _("Waiting for my approval"), ("campaigns:approval_",), ("approver",)),
    None,
    ("campaigns:open_list", _("My unions' competitions"), ("campaigns:open_", "campaigns:entry_"), ("entrant",)),
    None,
    ("campaigns:judging_home", _("My judging"), ("campaigns:judging_",), ("judge",)),
]


def campaigns_roles(user) -> dict:
    """``staff``, ``approver``, ``entrant``, ``judge`` (booleans) for the user; ``any`` if one holds."""
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        return {"staff": False, "approver": False, "entrant": False, "judge": False, "any": False}
    staff = permissions.is_competition_staff(user)
    roles = {
        "staff": staff,
        "approver": staff or holds_role_anywhere(user, permissions.APPROVER_LEADER_KINDS),
        "entrant": permissions.is_entrant(user),
        "judge": is_judge(user),
    }
    roles["any"] = any(roles.values())
    setattr(user, CACHE_ATTRIBUTE, roles)
    return roles


@register.simple_tag
def campaigns_menu(user, current: str = "") -> dict:
    """``{% campaigns_menu user current as campaigns_nav %}``: ``items`` (with ``divider`` rows), whether
    one is ``active``, ``home``; or ``single`` (one link) for a judge with no other role; or nothing."""
    current = current or ""
    roles = campaigns_roles(user)
    if not roles["any"]:
        return {"items": []}
    items = []
    for entry in MENU:
        if entry is None:
            if items and not items[-1].get("divider"):
                items.append({"divider": True})
            continue
        name, label, prefixes, who = entry
        if any(roles[w] for w in who):
            items.append({"url": reverse(name), "label": label, "active": current.startswith(prefixes)})
    while items and items[-1].get("divider"):
        items.pop()
    active = any(item.get("active") for item in items)
    if roles["judge"] and not (roles["staff"] or roles["approver"] or roles["entrant"]):
        return {"items": items, "single": items[0], "active": active}
    return {"items": items, "active": active, "home": reverse("campaigns:home")}
