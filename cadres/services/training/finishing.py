"""Finishing a class: the 1/7 leave rule and the credited hours."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit

from ... import kinds
from ...models import Attendance, Enrolment, LedgerYear, TrainingClass
from ...permissions import can_manage
from .classes import lock_class


# --- finishing -----------------------------------------------------------------------------------
def absence_hours(training_class: TrainingClass, days_absent: int, absent_hours: Decimal) -> Decimal:
    """Days without a sign-in, each worth the class's hours over its days, plus the leave recorded."""
    return Decimal(days_absent) * training_class.credit_hours / training_class.days + absent_hours


def over_leave_limit(training_class: TrainingClass, days_absent: int, absent_hours: Decimal) -> bool:
    """Absent for more than one seventh of the class's hours. Compared without dividing, so that
    exactly one seventh (which no decimal holds) is not withdrawn by a rounding:
    absent days × hours / days + leave > hours / 7  ⟺  7 × (absent days × hours + leave × days) > hours × days.
    """
    days, hours = training_class.days, training_class.credit_hours
    return 7 * (max(days_absent, 0) * hours + absent_hours * days) > hours * days


def is_withdrawn(training_class: TrainingClass, days_present: int, absent_hours: Decimal) -> bool:
    """The rule as finishing applies it: every day of the class without a sign-in counts."""
    return over_leave_limit(training_class, training_class.days - days_present, absent_hours)


def days_gone(training_class: TrainingClass, today: datetime.date) -> int:
    """Days of the class before today: while it runs, the days to come are not missed yet."""
    return min(max((today - training_class.starts_on).days, 0), training_class.days)


@dataclass(frozen=True)
class FinishResult:
    completed: int
    withdrawn: int
    already_finished: bool = False


@transaction.atomic
def class_finish(*, training_class: TrainingClass, by, today: datetime.date | None = None) -> FinishResult:
    """Credit the class's hours: each enrolled cadre completes (credited the class's hours) or, absent
    more than one seventh of them, is withdrawn (credited nothing). Once the class has ended; not in
    a closed ledger year. Finishing a finished class changes nothing."""
    training_class = lock_class(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    if training_class.status == TrainingClass.Status.FINISHED:
        counts = training_class.enrolments.aggregate(
            completed=Count("pk", filter=Q(status=Enrolment.Status.COMPLETED)),
            withdrawn=Count("pk", filter=Q(status=Enrolment.Status.WITHDRAWN)),
        )
        return FinishResult(counts["completed"], counts["withdrawn"], already_finished=True)
    if training_class.status == TrainingClass.Status.CANCELLED:
        raise ValidationError(_("This class was cancelled: there are no hours to credit."))
    today = today or timezone.localdate()
    if today < training_class.ends_on:
        raise ValidationError(
            _("The class has not ended yet: it can be finished from %(day)s.")
            % {"day": training_class.ends_on.isoformat()}
        )
    year = training_class.credited_year
    if LedgerYear.objects.filter(year=year).exists():
        raise ValidationError(
            _("The ledger of %(year)s is closed: this class's hours can no longer be credited.") % {"year": year}
        )
    enrolments = list(
        training_class.enrolments.filter(status=Enrolment.Status.ENROLLED).select_for_update().order_by("pk")
    )
    # Days with a sign-in, per enrolment, in one grouped query (a locking query cannot group).
    present = dict(
        Attendance.objects.filter(
            enrolment__in=enrolments,
            signed_in_at__isnull=False,
            on_date__gte=training_class.starts_on,
            on_date__lte=training_class.ends_on,
        )
        .order_by()
        .values("enrolment_id")
        .annotate(days=Count("pk"))
        .values_list("enrolment_id", "days")
    )
    completed = withdrawn = 0
    for enrolment in enrolments:
        if is_withdrawn(training_class, present.get(enrolment.pk, 0), enrolment.absent_hours):
            enrolment.status, enrolment.credited_hours = Enrolment.Status.WITHDRAWN, Decimal(0)
            withdrawn += 1
        else:
            enrolment.status, enrolment.credited_hours = Enrolment.Status.COMPLETED, training_class.credit_hours
            completed += 1
    Enrolment.objects.bulk_update(enrolments, ["status", "credited_hours"])
    training_class.status, training_class.finished_at = TrainingClass.Status.FINISHED, timezone.now()
    training_class.save(update_fields=["status", "finished_at"])
    audit.record(
        kinds.CLASS_FINISHED,
        actor=by,
        union=training_class.organiser,
        target=training_class,
        detail={"completed": completed, "withdrawn": withdrawn},
    )
    return FinishResult(completed, withdrawn)
