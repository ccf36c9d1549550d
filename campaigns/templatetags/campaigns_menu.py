"""What the navigation bar and the campaigns home offer: asked of ``campaigns.permissions`` and
``campaigns.selectors``, never decided here, and worked out once per request (kept on the user object,
which lives as long as the request).

Federation staff get the whole menu; a leader the approvals; a clerk the competitions their unions may
enter, their nominations, the register and the care of their model workers; a judge their assignments;
a city admin the working-day calendar. A judge who holds no role gets one link, "My judging".
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unions.scope import holds_role_anywhere

from .. import honour_permissions, permissions
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
    None,
    (
        "campaigns:round_list",
        _("Honours rounds"),
        ("campaigns:round_", "campaigns:honour_kind_", "campaigns:notice_"),
        ("staff",),
    ),
    (
        "campaigns:review_list",
        _("Nominations to review"),
        ("campaigns:review_", "campaigns:nomination_review", "campaigns:nomination_vetting"),
        ("staff",),
    ),
    ("campaigns:objection_list", _("Objections"), ("campaigns:objection_",), ("staff",)),
    (
        "campaigns:nomination_home",
        _("My unions' nominations"),
        ("campaigns:nomination_home", "campaigns:nomination_create", "campaigns:nomination_candidates"),
        ("entrant",),
    ),
    (
        "campaigns:register",
        _("Honours register"),
        ("campaigns:register", "campaigns:honour_detail", "campaigns:honour_person", "campaigns:honour_create"),
        ("staff", "entrant"),
    ),
    ("campaigns:care_list", _("Model workers' care"), ("campaigns:care_",), ("staff", "entrant")),
    ("campaigns:studio_list", _("Innovation studios"), ("campaigns:studio_",), ("staff",)),
    None,
    ("campaigns:calendar", _("Working-day calendar"), ("campaigns:calendar",), ("calendar",)),
]


def campaigns_roles(user) -> dict:
    """``staff``, ``approver``, ``entrant``, ``judge``, ``calendar`` (booleans) for the user; ``any`` if one
    holds. Federation staff run competitions and honours alike; clerks enter and nominate alike."""
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        return {"staff": False, "approver": False, "entrant": False, "judge": False, "calendar": False, "any": False}
    staff = permissions.is_competition_staff(user)
    roles = {
        "staff": staff,
        "approver": staff or holds_role_anywhere(user, permissions.APPROVER_LEADER_KINDS),
        "entrant": permissions.is_entrant(user),
        "judge": is_judge(user),
        "calendar": honour_permissions.can_keep_calendar(user),
    }
    roles["any"] = any(roles.values())
    setattr(user, CACHE_ATTRIBUTE, roles)
    return roles


@register.simple_tag
def campaigns_menu(user, current: str = "") -> dict:
    """``{% campaigns_menu user current as campaigns_nav %}``: ``items`` (with ``divider`` rows), whether
    one is ``active``, ``home``; or ``single`` for a user offered one link only (a judge with no role, a city
    admin's calendar); or nothing."""
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
    if len(items) == 1:
        return {"items": items, "single": items[0], "active": active}
    return {"items": items, "active": active, "home": reverse("campaigns:home")}
