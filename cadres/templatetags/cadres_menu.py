"""What the navigation bar and the staff home offer of the cadres app: asked of ``cadres.permissions``,
never decided here. Pages another part of the app has not built yet are left out, not broken links."""

import datetime

from django import template
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.scope import holds_role_anywhere, roles_of

from .. import selectors
from ..models import Assessment, AssessmentRound, Cadre, ExternalTraining, Secondment, TrainingClass
from ..navigation import has_own_cadre_record
from ..permissions import CADRE_LEADER_KINDS, CADRE_STAFF_KINDS, can_change_settings, is_cadre_officer

register = template.Library()

# (URL name, label, the view names that mark the entry active); None: a divider.
MENU = [
    ("cadres:cadre_list", _("Cadres"), ("cadres:cadre_",)),
    ("cadres:rotation_due", _("Due for rotation"), ("cadres:rotation_",)),
    None,
    ("cadres:class_list", _("Training classes"), ("cadres:class_", "cadres:attendance_sheet_")),
    ("cadres:ledger", _("Hours ledger"), ("cadres:ledger", "cadres:rule_")),
    ("cadres:external_list", _("Training elsewhere"), ("cadres:external_",)),
    None,
    ("cadres:secondment_list", _("Secondments"), ("cadres:secondment_",)),
    ("cadres:stay_list", _("Grassroots stays"), ("cadres:stay_",)),
    ("cadres:task_force_list", _("Task forces"), ("cadres:task_force_",)),
    ("cadres:round_list", _("Yearly assessments"), ("cadres:round_", "cadres:assessment_")),
    None,
    ("reports:cadre_dashboard_home", _("Cadre figures"), ("reports:cadre_dashboard",)),
]
# A leader reads the figures and confirms the yearly grades of the units under them; no personal lists.
LEADER_MENU = [
    ("cadres:round_list", _("Grades to confirm"), ("cadres:round_",)),
    ("reports:cadre_dashboard_home", _("Cadre figures"), ("reports:cadre_dashboard",)),
]
SETTINGS_ENTRY = ("cadres:settings", pgettext_lazy("nav", "Settings"), ("cadres:settings",))
# Secondments ending within this many days are shown on the staff home.
ENDING_WITHIN_DAYS = 30


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@register.simple_tag
def cadres_menu(user, current: str = "") -> dict:
    """``{% cadres_menu user current as cadres_nav %}``: the cadre officer's entries (``items``, with
    ``divider`` rows) and whether one is active; or, for a cadre with an account and no officer's role,
    the link to their own record (``my_home``)."""
    current = current or ""
    officer = is_cadre_officer(user)
    if officer or holds_role_anywhere(user, CADRE_LEADER_KINDS):
        entries = LEADER_MENU
        if officer:
            entries = [*MENU, None, SETTINGS_ENTRY] if can_change_settings(user) else MENU
        items = []
        for entry in entries:
            if entry is None:
                if items and not items[-1].get("divider"):
                    items.append({"divider": True})
                continue
            name, label, prefixes = entry
            if url := _url(name):
                items.append({"url": url, "label": label, "active": current.startswith(prefixes)})
        if items and items[-1].get("divider"):
            items.pop()
        active = any(item.get("active") for item in items)
        return {"items": items, "active": active, "home": items[0]["url"] if items else ""}
    if has_own_cadre_record(user):
        url = _url("cadres:my_home")
        return {"items": [], "my_home": url, "active": current.startswith("cadres:my_")}
    return {"items": []}


def _external_waiting_q(user) -> Q:
    """补录 waits for a cadre officer strictly above the cadre's node (at the root: the root's)."""
    q = Q(pk__in=[])
    for role in roles_of(user):
        if role.kind in CADRE_STAFF_KINDS:
            below = Q(cadre__union__path__startswith=role.union.path)
            if role.union.depth == 1:
                q |= below
            else:
                q |= below & Q(cadre__union__depth__gt=role.union.depth)
    return q


@register.simple_tag
def cadres_home(user) -> dict | None:
    """``{% cadres_home user as card %}``: the cadre officer's counts for the staff home, each with its
    page (empty while that page is not built); None for anyone else."""
    if not is_cadre_officer(user):
        return None
    today = timezone.localdate()
    open_rounds = Q(round__status=AssessmentRound.Status.OPEN)
    to_grade = open_rounds & (
        Q(status=Assessment.Status.SELF_REPORTED) | Q(status=Assessment.Status.OPEN, round__self_report_due__lt=today)
    )
    counts = [
        (
            _("Cadres in post"),
            selectors.cadres_visible_to(user).filter(status=Cadre.Status.IN_POST).count(),
            _url("cadres:cadre_list"),
            "bi-person-vcard",
        ),
        (
            _("Training classes open"),
            selectors.classes_visible_to(user).filter(status=TrainingClass.Status.OPEN).count(),
            _url("cadres:class_list"),
            "bi-mortarboard",
        ),
        (
            _("Training elsewhere waiting for me"),
            selectors.external_trainings_visible_to(user)
            .filter(_external_waiting_q(user), status=ExternalTraining.Status.SUBMITTED)
            .count(),
            _url("cadres:external_list"),
            "bi-journal-check",
        ),
        (
            _("Secondments ending within 30 days"),
            selectors.secondments_visible_to(user)
            .filter(
                status=Secondment.Status.ACTIVE,
                planned_end__gte=today,
                planned_end__lte=today + datetime.timedelta(days=ENDING_WITHIN_DAYS),
            )
            .count(),
            _url("cadres:secondment_list"),
            "bi-building",
        ),
        (
            _("Assessments to grade"),
            selectors.assessments_visible_to(user).filter(to_grade).exclude(cadre__user=user).count(),
            _url("cadres:round_list"),
            "bi-award",
        ),
    ]
    return {
        "counts": [{"label": label, "n": n, "url": url, "icon": icon} for label, n, url, icon in counts],
        "rotation_due_url": _url("cadres:rotation_due"),
    }
