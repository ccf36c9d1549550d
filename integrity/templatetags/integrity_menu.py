"""What the navigation bar, the staff home and the integrity home offer a discipline officer: asked of
``integrity.permissions``, never decided here. Parts not built yet are left out, not broken links.

Anyone without a discipline officer's role gets nothing (no menu, no card): the integrity pages do not
exist for them, a city admin included.
"""

import datetime
from importlib import import_module

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import selectors
from ..models import OpinionLetter, Rectification, ResponsibilityLetter, Talk
from ..permissions import can_change_settings, is_discipline_officer

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
    ("integrity:opinion_list", _("Opinion letters"), ("integrity:opinion_",), "bi-file-earmark-check"),
    ("integrity:four_forms_list", _("Four-forms register"), ("integrity:four_forms_",), "bi-journal-text"),
]
SETTINGS_ENTRY = ("integrity:settings", pgettext_lazy("nav", "Settings"), ("integrity:settings",), "bi-gear")


def _url(name: str, query: str = "") -> str:
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return ""


@register.simple_tag
def integrity_menu(user, current: str = "") -> dict:
    """``{% integrity_menu user current as integrity_nav %}``: ``items`` (with ``divider`` rows), whether
    one is ``active``, and ``home``; no items for anyone but a discipline officer."""
    if not is_discipline_officer(user):
        return {"items": []}
    current = current or ""
    entries = [*MENU, None, SETTINGS_ENTRY] if can_change_settings(user) else MENU
    items = []
    for entry in entries:
        if entry is None:
            if items and not items[-1].get("divider"):
                items.append({"divider": True})
            continue
        name, label, prefixes, icon = entry
        if url := _url(name):
            items.append({"url": url, "label": label, "icon": icon, "active": current.startswith(prefixes)})
    if items and items[-1].get("divider"):
        items.pop()
    return {"items": items, "active": any(i.get("active") for i in items), "home": _url("integrity:home")}


def _uncovered_count(user, year: int) -> int | None:
    """Cadres in scope without this year's routine talk, once B's tracker exists."""
    try:
        tracker = import_module("integrity.tracker")
        uncovered = tracker.uncovered_cadres
    except (ImportError, AttributeError):
        return None
    from unions.scope import scope_paths

    from ..permissions import INTEGRITY_STAFF_KINDS

    return uncovered(scope_paths(user, INTEGRITY_STAFF_KINDS), year).count()


@register.simple_tag
def integrity_counts(user, today: datetime.date | None = None) -> list[dict]:
    """The counts to act on: ``label``, ``n``, ``url`` (empty while the page is not built), ``icon``.
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
    ]
    uncovered = _uncovered_count(user, today.year)
    if uncovered is not None:
        rows.append(
            (
                _("Cadres without this year's integrity talk"),
                uncovered,
                _url("integrity:tracker", f"?year={today.year}"),
                "bi-calendar-x",
            )
        )
    if _url("integrity:letter_list"):
        rows.append(
            (
                _("Responsibility letters unsigned this year"),
                selectors.letters_visible_to(user)
                .filter(year=today.year)
                .exclude(status=ResponsibilityLetter.Status.SIGNED)
                .count(),
                _url("integrity:letter_list", f"?year={today.year}&status=unsigned"),
                "bi-file-earmark-excel",
            )
        )
    if _url("integrity:opinion_list"):
        rows.append(
            (
                _("Opinion letters waiting to be issued"),
                selectors.opinions_visible_to(user).filter(status=OpinionLetter.Status.REQUESTED).count(),
                _url("integrity:opinion_list"),
                "bi-hourglass-split",
            )
        )
    return [{"label": label, "n": n, "url": url, "icon": icon} for label, n, url, icon in rows]
