"""Attendance of a class: the officer's record of a day, and the cadre's QR check-in (the first scan of
a class day signs in, the next signs out)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit

from ... import kinds
from ...models import Attendance, Cadre, Enrolment, TrainingClass
from ...permissions import can_manage, own_cadre
from .classes import ACTIVE_STATUSES, check_changeable, lock_class

# The officer marks who was there on a day, not the minute: the times written for the officer's marks.
OFFICER_SIGN_IN_TIME = datetime.time(9, 0)
OFFICER_SIGN_OUT_TIME = datetime.time(17, 0)


# --- attendance ----------------------------------------------------------------------------------
def _check_day(training_class: TrainingClass, on_date: datetime.date) -> None:
    if not training_class.starts_on <= on_date <= training_class.ends_on:
        raise ValidationError(
            _("%(day)s is not a day of this class (%(start)s to %(end)s).")
            % {
                "day": on_date.isoformat(),
                "start": training_class.starts_on.isoformat(),
                "end": training_class.ends_on.isoformat(),
            }
        )


def _mark_open(training_class: TrainingClass) -> None:
    if training_class.status == TrainingClass.Status.PLANNED:
        training_class.status = TrainingClass.Status.OPEN
        training_class.save(update_fields=["status"])


@dataclass(frozen=True)
class Mark:
    """One cadre on one day, as the officer records it; ``absent_hours`` None leaves the hours as they are."""

    signed_in: bool
    signed_out: bool = False
    absent_hours: Decimal | None = None


@transaction.atomic
def attendance_record(
    *, training_class: TrainingClass, on_date: datetime.date, marks: dict[int, Mark], by
) -> dict[str, int]:
    """The officer's record of a day: ``marks`` maps a cadre's id to who was there. A cadre signed in
    keeps the time already recorded (a QR scan's); unmarked, the day's row goes. Refused as a whole
    for a day outside the class or a cadre not enrolled in it."""
    training_class = lock_class(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    check_changeable(training_class)
    _check_day(training_class, on_date)
    enrolments = {
        e.cadre_id: e
        for e in training_class.enrolments.filter(cadre_id__in=list(marks), status=Enrolment.Status.ENROLLED)
        .select_related("cadre")
        .select_for_update(of=("self",))
    }
    missing = [pk for pk in marks if pk not in enrolments]
    if missing:
        names = list(Cadre.objects.filter(pk__in=missing).order_by("name").values_list("name", flat=True))
        raise ValidationError(
            _("Not enrolled in this class, so no attendance can be recorded: %(names)s.")
            % {"names": "、".join(names) or ", ".join(str(pk) for pk in missing)}
        )
    for cadre_id, mark in marks.items():
        if mark.signed_out and not mark.signed_in:
            raise ValidationError(
                _("%(name)s cannot sign out without signing in.") % {"name": enrolments[cadre_id].cadre.name}
            )
        if mark.absent_hours is not None and not Decimal(0) <= mark.absent_hours <= training_class.credit_hours:
            raise ValidationError(
                _("Hours absent of %(name)s must be between 0 and the class's %(hours)s hours.")
                % {"name": enrolments[cadre_id].cadre.name, "hours": training_class.credit_hours}
            )
    tz = timezone.get_current_timezone()
    default_in = datetime.datetime.combine(on_date, OFFICER_SIGN_IN_TIME, tzinfo=tz)
    default_out = datetime.datetime.combine(on_date, OFFICER_SIGN_OUT_TIME, tzinfo=tz)
    rows = {
        row.enrolment_id: row
        for row in Attendance.objects.filter(
            enrolment__in=list(enrolments.values()), on_date=on_date
        ).select_for_update()
    }
    create, update, delete = [], [], []
    hours_changed = []
    for cadre_id, mark in marks.items():
        enrolment = enrolments[cadre_id]
        row = rows.get(enrolment.pk)
        if mark.absent_hours is not None and mark.absent_hours != enrolment.absent_hours:
            enrolment.absent_hours = mark.absent_hours
            hours_changed.append(enrolment)
        if not mark.signed_in:
            if row is not None:
                delete.append(row.pk)
            continue
        if row is None:
            create.append(
                Attendance(
                    enrolment=enrolment,
                    on_date=on_date,
                    signed_in_at=default_in,
                    signed_out_at=default_out if mark.signed_out else None,
                    source=Attendance.Source.OFFICER,
                )
            )
            continue
        signed_in_at = row.signed_in_at or default_in
        signed_out_at = (row.signed_out_at or max(default_out, signed_in_at)) if mark.signed_out else None
        if (signed_in_at, signed_out_at) != (row.signed_in_at, row.signed_out_at):
            row.signed_in_at, row.signed_out_at = signed_in_at, signed_out_at
            update.append(row)
    Attendance.objects.bulk_create(create)
    Attendance.objects.bulk_update(update, ["signed_in_at", "signed_out_at"])
    Attendance.objects.filter(pk__in=delete).delete()
    Enrolment.objects.bulk_update(hours_changed, ["absent_hours"])
    counts = {"created": len(create), "updated": len(update), "removed": len(delete), "leave": len(hours_changed)}
    if any(counts.values()):
        _mark_open(training_class)
        audit.record(
            kinds.ATTENDANCE_RECORDED,
            actor=by,
            union=training_class.organiser,
            target=training_class,
            detail={"day": on_date.isoformat(), **counts},
        )
    return counts


# --- QR check-in ---------------------------------------------------------------------------------
class CheckIn:
    """What a scan of the class's code does now, for this cadre (``state``), and the reasons it cannot."""

    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    # Reasons nothing can be done:
    NO_CADRE = "no_cadre"
    NOT_ENROLLED = "not_enrolled"
    CLOSED = "closed"  # finished or cancelled
    NOT_A_CLASS_DAY = "not_a_class_day"
    DONE = "done"  # signed in and out today already

    def __init__(self, state: str, *, enrolment=None, attendance=None, today=None):
        self.state, self.enrolment, self.attendance, self.today = state, enrolment, attendance, today

    @property
    def can_act(self) -> bool:
        return self.state in (self.SIGN_IN, self.SIGN_OUT)


def check_in_state(
    training_class: TrainingClass, cadre: Cadre | None, today: datetime.date, *, lock: bool = False
) -> CheckIn:
    """Where this cadre stands with the class today: sign in, sign out, or why neither."""
    if cadre is None:
        return CheckIn(CheckIn.NO_CADRE, today=today)
    if training_class.status not in ACTIVE_STATUSES:
        return CheckIn(CheckIn.CLOSED, today=today)
    enrolments = Enrolment.objects.filter(training_class=training_class, cadre=cadre, status=Enrolment.Status.ENROLLED)
    if lock:
        enrolments = enrolments.select_for_update()
    enrolment = enrolments.first()
    if enrolment is None:
        return CheckIn(CheckIn.NOT_ENROLLED, today=today)
    if not training_class.starts_on <= today <= training_class.ends_on:
        return CheckIn(CheckIn.NOT_A_CLASS_DAY, enrolment=enrolment, today=today)
    attendance = Attendance.objects.filter(enrolment=enrolment, on_date=today).first()
    if attendance is None or attendance.signed_in_at is None:
        return CheckIn(CheckIn.SIGN_IN, enrolment=enrolment, attendance=attendance, today=today)
    if attendance.signed_out_at is None:
        return CheckIn(CheckIn.SIGN_OUT, enrolment=enrolment, attendance=attendance, today=today)
    return CheckIn(CheckIn.DONE, enrolment=enrolment, attendance=attendance, today=today)


def check_in_refusal(state: CheckIn, training_class: TrainingClass) -> str:
    """The message for a scan that can do nothing, in the user's language."""
    if state.state == CheckIn.NO_CADRE:
        return _(
            "Your account is not linked to a cadre record, so you cannot check in. Ask your cadre officer to link it."
        )
    if state.state == CheckIn.NOT_ENROLLED:
        return _("You are not enrolled in this class. Ask the organiser to enrol you.")
    if state.state == CheckIn.CLOSED:
        return _("This class is closed: attendance can no longer be recorded.")
    if state.state == CheckIn.NOT_A_CLASS_DAY:
        return _("Today is not a day of this class (%(start)s to %(end)s).") % {
            "start": training_class.starts_on.isoformat(),
            "end": training_class.ends_on.isoformat(),
        }
    if state.state == CheckIn.DONE:
        return _("You have already signed in and out today. See you at the next session.")
    return ""


@transaction.atomic
def class_check_in(*, token: str, user, now: datetime.datetime | None = None) -> Attendance:
    """The cadre scans the class's code: the first scan of a class day signs in, the next signs out.
    Raises ValidationError with the reason otherwise (not the cadre's class, not a class day...)."""
    training_class = TrainingClass.objects.select_related("organiser").filter(qr_token=token).first()
    if training_class is None:
        raise ValidationError(_("This code is not valid. It may have been renewed: scan the code shown in the room."))
    training_class = lock_class(training_class)
    now = now or timezone.now()
    today = timezone.localdate(now)
    state = check_in_state(training_class, own_cadre(user), today, lock=True)
    if not state.can_act:
        raise ValidationError(check_in_refusal(state, training_class), code=state.state)
    if state.state == CheckIn.SIGN_IN:
        if state.attendance is None:
            attendance = Attendance.objects.create(
                enrolment=state.enrolment, on_date=today, signed_in_at=now, source=Attendance.Source.QR
            )
        else:
            attendance = state.attendance
            attendance.signed_in_at = now
            attendance.save(update_fields=["signed_in_at"])
        _mark_open(training_class)
    else:
        attendance = state.attendance
        attendance.signed_out_at = now
        attendance.save(update_fields=["signed_out_at"])
    return attendance
