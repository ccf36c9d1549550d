"""Setting a node's yearly enrolment targets, one per new-employment-form group.

Who may: city admins and federation staff whose subtree holds the node (they run the enrolment
drive). Which years: last year (to correct it), this year and next (to plan it). A target left
blank is removed: the dashboard then shows the group without a target.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from unions.models import Union

from . import tallies
from .dashboard import NEW_FORM_GROUPS
from .models import EnrolmentTarget
from .permissions import can_set_targets

# Well above any node's yearly intake (a city enrols tens of thousands), well below the column's limit.
MAX_TARGET = 10_000_000


def target_years(today: datetime.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return [today.year - 1, today.year, today.year + 1]


def targets_of(union: Union, year: int) -> dict[str, int]:
    """The node's targets for the year by group (groups without one are absent)."""
    return dict(EnrolmentTarget.objects.filter(union=union, year=year).values_list("group", "target"))


@transaction.atomic
def targets_set(*, union: Union, year: int, targets: dict[str, int | None], by: User) -> None:
    """Replace the node's targets for ``year`` with ``targets`` (group → number, None to remove).

    Groups not named keep their target. Everything is checked before anything is written.
    """
    if not can_set_targets(by, union):
        raise PermissionDenied
    if isinstance(year, bool) or not isinstance(year, int) or year not in target_years():
        raise ValidationError(_("Targets can be set for last year, this year and next year only."), code="year")
    unknown = set(targets) - set(NEW_FORM_GROUPS)
    if unknown:
        raise ValidationError(_("Targets are set for new-employment-form groups only."), code="group")
    for value in targets.values():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TARGET:
            raise ValidationError(
                _("A target is a whole number from 0 to %(max)s.") % {"max": f"{MAX_TARGET:,}"}, code="target"
            )
    removed = [group for group, value in targets.items() if value is None]
    if removed:
        EnrolmentTarget.objects.filter(union=union, year=year, group__in=removed).delete()
    kept = [
        EnrolmentTarget(union=union, year=year, group=group, target=value, set_by=by)
        for group, value in targets.items()
        if value is not None
    ]
    if kept:
        EnrolmentTarget.objects.bulk_create(
            kept,
            update_conflicts=True,
            unique_fields=["union", "year", "group"],
            update_fields=["target", "set_by", "updated_at"],
        )
    # Dashboards are cached: a new target must show at once, here and in the parent's league table.
    tallies.invalidate()
