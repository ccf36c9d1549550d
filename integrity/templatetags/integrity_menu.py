"""What the navigation bar, the staff home and the integrity home offer: asked of
``integrity.permissions``, never decided here.

A discipline officer gets the whole menu. A cadre officer gets only the opinion letters they may ask
for and the conclusions of those they asked for. Anyone else gets nothing (no menu, no card): the
integrity pages do not exist for them, a city admin included.
"""

import datetime

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.scope import holds_role_anywhere, scope_paths

from .. import selectors
from ..models import OpinionLetter, Rectification, ResponsibilityLetter, Talk
from ..permissions import (
    INTEGRITY_STAFF_KINDS,
    OPINION_REQUESTER_KINDS,
    can_change_settings,
    is_discipline_officer,
)
from ..tracker import uncovered_cadres

register = template.Library()

# (URL name, label, the view-name prefixes that mark the entry active, icon); None: a divider.
MENU = [
    ("integrity:home", pgettext_lazy("integrity nav", "Overview"), ("integrity:home",), "bi-shield-check"),
    ("integrity:cadre_list", _("Cadres' records"), ("integrity:cadre_",), "bi-person-vcard"),
    None,
    ("integrity:talk_list", _("Talks"), ("integrity:talk_",), "bi-chat-square-text"),
    ("integrity:rectification_list", _("Rectifications"), ("integrity:rectification_",), "bi-list-check"),
    ("integrity:tracker", _("Yearly talk tracker"), ("integrity:tracker",), "bi-calendar-check"),
    None,
    ("integrity:education_list", _("Warning education"), ("integrity:education_",), "bi-camera-reels"),
    ("integrity:letter_list", _("Responsibility letters"), ("integrity:letter_",), "bi-file-earmark-text"),
    (
        "integrity:opinion_list",
        _("Opinion letters"),
        ("integrity:opinion_list", "integrity:opinion_detail"),
        "bi-file-earmark-check",
    ),
    ("integrity:four_forms_list", _("Four-forms register"), ("integrity:four_forms_",), "bi-journal-text"),
    None,
    ("reports:integrity_dashboard_home", _("Integrity figures"), ("reports:integrity_dashboard",), "bi-bar-chart"),
]
# A cadre officer asks for opinion letters before a promotion or an award, and reads the conclusions.
REQUESTER_MENU = [
    ("integrity:opinion_request", _("Ask for an opinion letter"), ("integrity:opinion_request",), "bi-send"),
    (
        "integrity:opinion_requested_list",
        _("Opinion letters I asked for"),
        ("integrity:opinion_requested",),
        "bi-inbox",
    ),
]
SETTINGS_ENTRY = ("integrity:settings", pgettext_lazy("nav", "Settings"), ("integrity:settings",), "bi-gear")


def _url(name: str, query: str = "") -> str:
    return reverse(name) + query


@register.simple_tag
def integrity_menu(user, current: str = "") -> dict:
    """``{% integrity_menu user current as integrity_nav %}``: ``items`` (with ``divider`` rows), whether
    one is ``active``, and ``home``; no items for anyone but a discipline or cadre officer."""
    current = current or ""
    if is_discipline_officer(user):
        entries = [*MENU, SETTINGS_ENTRY] if can_change_settings(user) else MENU
        if holds_role_anywhere(user, OPINION_REQUESTER_KINDS):
            entries = [*entries, None, *REQUESTER_MENU]
        home = _url("integrity:home")
    elif holds_role_anywhere(user, OPINION_REQUESTER_KINDS):
        entries, home = REQUESTER_MENU, _url("integrity:opinion_requested_list")
    else:
        return {"items": []}
    items = []
    for entry in entries:
        if entry is None:
            items.append({"divider": True})
            continue
        name, label, prefixes, icon = entry
        items.append({"url": _url(name), "label": label, "icon": icon, "active": current.startswith(prefixes)})
    return {"items": items, "active": any(i.get("active") for i in items), "home": home}


@register.simple_tag
def integrity_counts(user, today: datetime.date | None = None) -> list[dict]:
    """The counts to act on: ``label``, ``n``, ``url``, ``icon``.
    Empty for anyone but a discipline officer."""
    if not is_discipline_officer(user):
        return []
    today = today or timezone.localdate()
    rows = [
        (
            _("Drafts of mine"),
            Talk.objects.filter(recorder=user, status=Talk.Status.DRAFT).count(),
            _url("integrity:talk_list", "?status=draft"),
            "bi-pencil-square",
        ),
        (
            _("Rectification items overdue"),
            selectors.rectifications_visible_to(user)
            .exclude(status=Rectification.Status.STRUCK_OFF)
            .filter(deadline__lt=today)
            .count(),
            _url("integrity:rectification_list", "?state=overdue"),
            "bi-alarm",
        ),
        (
            _("Cadres without this year's integrity talk"),
            uncovered_cadres(scope_paths(user, INTEGRITY_STAFF_KINDS), today.year).count(),
            _url("integrity:tracker", f"?year={today.year}"),
            "bi-calendar-x",
        ),
        (
            _("Responsibility letters unsigned this year"),
            selectors.letters_visible_to(user)
            .filter(year=today.year)
            .exclude(status=ResponsibilityLetter.Status.SIGNED)
            .count(),
            _url("integrity:letter_list", f"?year={today.year}&status=unsigned"),
            "bi-file-earmark-excel",
        ),
        (
            _("Opinion letters waiting to be issued"),
            selectors.opinions_visible_to(user).filter(status=OpinionLetter.Status.REQUESTED).count(),
            _url("integrity:opinion_list"),
            "bi-hourglass-split",
        ),
    ]
    return [{"label": label, "n": n, "url": url, "icon": icon} for label, n, url, icon in rows]
