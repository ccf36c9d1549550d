"""Training classes (培训班): creating and changing a class, enrolment, attendance (by the officer or by
the cadre scanning the class's QR code) and finishing, which credits the hours.

The leave rule (请假): a cadre's absence is the days without a sign-in, each worth the class's hours
divided by its days, plus the hours of leave recorded; absent for more than one seventh of the class's
hours, the cadre is withdrawn and credited nothing, otherwise completes and is credited the class's
hours. A finished class no longer changes; nor does a class whose year the ledger has closed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from unions.models import Union

from .. import kinds
from ..models import Attendance, Cadre, Enrolment, LedgerYear, Rank, TrainingClass
from ..models.training import _qr_token
from ..permissions import can_manage, can_manage_cadre, own_cadre

# A class day holds at most this many credit hours: 3 days cannot credit 40 hours.
MAX_HOURS_PER_DAY = Decimal(12)

# The officer marks who was there on a day, not the minute: the times written for the officer's marks.
OFFICER_SIGN_IN_TIME = datetime.time(9, 0)
OFFICER_SIGN_OUT_TIME = datetime.time(17, 0)

ACTIVE_STATUSES = (TrainingClass.Status.PLANNED, TrainingClass.Status.OPEN)
# Enrolments that hold a place (the capacity counts them).
PLACE_HOLDING = (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED, Enrolment.Status.WITHDRAWN)

CLASS_FIELDS = (
    "organiser",
    "title",
    "category",
    "mode",
    "starts_on",
    "ends_on",
    "credit_hours",
    "capacity",
    "audience",
    "audience_ranks",
    "location",
)


# --- the class itself ----------------------------------------------------------------------------
def _check_class_fields(data: dict, *, enrolled: int = 0) -> None:
    """The rules of a class's own fields, as one ValidationError naming each field at fault."""
    errors: dict[str, str] = {}
    starts_on, ends_on, hours = data.get("starts_on"), data.get("ends_on"), data.get("credit_hours")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The class cannot end before it starts.")
    if hours is not None:
        if hours <= 0:
            errors["credit_hours"] = _("Credit hours must be more than zero.")
        elif starts_on and ends_on and ends_on >= starts_on:
            days = (ends_on - starts_on).days + 1
            most = MAX_HOURS_PER_DAY * days
            if hours > most:
                errors["credit_hours"] = _(
                    "A class of %(days)s day(s) credits at most %(most)s hours (%(per_day)s a day)."
                ) % {"days": days, "most": most, "per_day": MAX_HOURS_PER_DAY}
    capacity = data.get("capacity")
    if capacity is not None and capacity < enrolled:
        errors["capacity"] = _(
            "%(count)s cadres are already enrolled: the capacity cannot be lower. Cancel enrolments first."
        ) % {"count": enrolled}
    if data.get("audience") == TrainingClass.Audience.RANKS:
        ranks = data.get("audience_ranks") or []
        if not ranks or any(rank not in Rank.values for rank in ranks):
            errors["audience_ranks"] = _("Choose the ranks whose cadres must attend.")
    if not str(data.get("title") or "").strip():
        errors["title"] = _("Give the class a title.")
    if errors:
        raise ValidationError(errors)


def _check_organiser(by, organiser: Union) -> None:
    if not can_manage(by, organiser):
        raise PermissionDenied
    if organiser.closed_on is not None:
        raise ValidationError({"organiser": _("This unit is closed: it cannot organise a class.")})


@transaction.atomic
def class_create(
    *,
    organiser: Union,
    title: str,
    category: str,
    mode: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    credit_hours: Decimal,
    capacity: int | None = None,
    audience: str = TrainingClass.Audience.CHOSEN,
    audience_ranks: Iterable[str] = (),
    location: str = "",
    by,
) -> TrainingClass:
    """A cadre officer at the organiser (or above) plans a class."""
    _check_organiser(by, organiser)
    ranks = list(audience_ranks) if audience == TrainingClass.Audience.RANKS else []
    data = {
        "title": title,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "credit_hours": credit_hours,
        "capacity": capacity,
        "audience": audience,
        "audience_ranks": ranks,
    }
    _check_class_fields(data)
    training_class = TrainingClass.objects.create(
        organiser=organiser,
        title=title.strip(),
        category=category,
        mode=mode,
        starts_on=starts_on,
        ends_on=ends_on,
        credit_hours=credit_hours,
        capacity=capacity,
        audience=audience,
        audience_ranks=ranks,
        location=location.strip(),
        created_by=by,
    )
    audit.record(kinds.CLASS_CREATED, actor=by, union=organiser, target=training_class)
    return training_class


def _locked(training_class: TrainingClass) -> TrainingClass:
    return TrainingClass.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=training_class.pk)


def _check_changeable(training_class: TrainingClass) -> None:
    if training_class.status == TrainingClass.Status.FINISHED:
        raise ValidationError(_("This class is finished and its hours credited: it can no longer change."))
    if training_class.status == TrainingClass.Status.CANCELLED:
        raise ValidationError(_("This class was cancelled: it can no longer change."))


def places_taken(training_class: TrainingClass) -> int:
    return training_class.enrolments.filter(status__in=PLACE_HOLDING).count()


@transaction.atomic
def class_update(*, training_class: TrainingClass, by, **fields) -> TrainingClass:
    """Change a planned or open class. The capacity cannot drop below the cadres enrolled, and the
    dates cannot leave out a day on which attendance was already recorded."""
    training_class = _locked(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    _check_changeable(training_class)
    unknown = set(fields) - set(CLASS_FIELDS)
    if unknown:
        raise TypeError(f"class_update() got unexpected fields {sorted(unknown)}")
    if "organiser" in fields and fields["organiser"].pk != training_class.organiser_id:
        _check_organiser(by, fields["organiser"])
    data = {name: getattr(training_class, name) for name in CLASS_FIELDS}
    data.update(fields)
    if data["audience"] != TrainingClass.Audience.RANKS:
        data["audience_ranks"] = []
    data["title"] = str(data["title"]).strip()
    data["location"] = str(data["location"] or "").strip()
    _check_class_fields(data, enrolled=places_taken(training_class))
    outside = (
        Attendance.objects.filter(enrolment__training_class=training_class)
        .filter(Q(on_date__lt=data["starts_on"]) | Q(on_date__gt=data["ends_on"]))
        .order_by("on_date")
        .values_list("on_date", flat=True)
        .first()
    )
    if outside is not None:
        raise ValidationError(
            {
                "starts_on": _("Attendance is recorded on %(day)s: the class's dates must include that day.")
                % {"day": outside.isoformat()}
            }
        )
    if LedgerYear.objects.filter(year=data["ends_on"].year).exists():
        raise ValidationError({"ends_on": _("The ledger of %(year)s is closed.") % {"year": data["ends_on"].year}})
    changed = [name for name in CLASS_FIELDS if getattr(training_class, name) != data[name]]
    if not changed:
        return training_class
    for name in changed:
        setattr(training_class, name, data[name])
    training_class.save(update_fields=changed)
    audit.record(
        kinds.CLASS_EDITED,
        actor=by,
        union=training_class.organiser,
        target=training_class,
        detail={"fields": changed},
    )
    return training_class


@transaction.atomic
def class_cancel(*, training_class: TrainingClass, by) -> TrainingClass:
    """Call a class off; its enrolments are cancelled with it. A finished class cannot be cancelled."""
    training_class = _locked(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    _check_changeable(training_class)
    training_class.enrolments.filter(status=Enrolment.Status.ENROLLED).update(status=Enrolment.Status.CANCELLED)
    training_class.status = TrainingClass.Status.CANCELLED
    training_class.save(update_fields=["status"])
    audit.record(kinds.CLASS_CANCELLED, actor=by, union=training_class.organiser, target=training_class)
    return training_class


@transaction.atomic
def class_qr_renew(*, training_class: TrainingClass, by) -> TrainingClass:
    """A new QR token: the old code (photographed, passed round) stops working at once."""
    training_class = _locked(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    _check_changeable(training_class)
    training_class.qr_token = _qr_token()
    training_class.save(update_fields=["qr_token"])
    audit.record(kinds.CLASS_QR_RENEWED, actor=by, union=training_class.organiser, target=training_class)
    return training_class


# --- enrolment -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EnrolResult:
    enrolled: int  # new enrolments made now
    already: int  # in the audience and already enrolled (or cancelled on purpose): left as they were
    not_fitted: int  # in the audience but beyond the capacity


def audience_of(training_class: TrainingClass):
    """Cadres in post under the organiser who must attend a class of the ALL or RANKS audience."""
    cadres = Cadre.objects.filter(
        union__path__startswith=training_class.organiser.path, status=Cadre.Status.IN_POST
    ).order_by("union__path", "name", "pk")
    if training_class.audience == TrainingClass.Audience.RANKS:
        cadres = cadres.filter(rank__in=training_class.audience_ranks)
    return cadres


@transaction.atomic
def class_enrol_audience(*, training_class: TrainingClass, by) -> EnrolResult:
    """Enrol every cadre of the class's audience in one go. Safe to repeat: who is enrolled (or was
    cancelled on purpose) is left alone; who does not fit in the capacity is counted, not enrolled."""
    training_class = _locked(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    _check_changeable(training_class)
    if training_class.audience == TrainingClass.Audience.CHOSEN:
        raise ValidationError(_("This class has no audience to enrol: choose its cadres one by one."))
    candidates = list(audience_of(training_class).values_list("pk", flat=True))
    existing = set(training_class.enrolments.values_list("cadre_id", flat=True))
    new = [pk for pk in candidates if pk not in existing]
    fitting = new
    if training_class.capacity is not None:
        room = max(training_class.capacity - places_taken(training_class), 0)
        fitting = new[:room]
    Enrolment.objects.bulk_create(
        [Enrolment(training_class=training_class, cadre_id=pk, required=True) for pk in fitting],
        ignore_conflicts=True,
    )
    result = EnrolResult(enrolled=len(fitting), already=len(candidates) - len(new), not_fitted=len(new) - len(fitting))
    if fitting:
        audit.record(
            kinds.CLASS_ENROLLED,
            actor=by,
            union=training_class.organiser,
            target=training_class,
            detail={"enrolled": result.enrolled, "not_fitted": result.not_fitted, "audience": True},
        )
    return result


@transaction.atomic
def class_enrol_cadres(*, training_class: TrainingClass, cadres: Iterable[Cadre], by) -> EnrolResult:
    """Enrol the cadres an officer chose. Each must be in post under the organiser and in the officer's
    scope; more than the places left is refused as a whole (nothing partial)."""
    training_class = _locked(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    _check_changeable(training_class)
    cadres = list({cadre.pk: cadre for cadre in cadres}.values())
    if not cadres:
        raise ValidationError(_("Choose at least one cadre."))
    for cadre in cadres:
        if not cadre.union.path.startswith(training_class.organiser.path) or not can_manage_cadre(by, cadre):
            raise ValidationError(
                _("%(name)s does not serve under %(organiser)s: only its cadres can be enrolled.")
                % {"name": cadre.name, "organiser": training_class.organiser.name}
            )
        if cadre.status != Cadre.Status.IN_POST:
            raise ValidationError(_("%(name)s is no longer in post.") % {"name": cadre.name})
    current = {e.cadre_id: e for e in training_class.enrolments.filter(cadre__in=cadres).select_for_update()}
    to_create = [cadre for cadre in cadres if cadre.pk not in current]
    to_reopen = [
        current[c.pk] for c in cadres if c.pk in current and current[c.pk].status == Enrolment.Status.CANCELLED
    ]
    wanted = len(to_create) + len(to_reopen)
    if training_class.capacity is not None:
        room = max(training_class.capacity - places_taken(training_class), 0)
        if wanted > room:
            raise ValidationError(
                _("Only %(room)s place(s) are left in this class; you chose %(wanted)s cadres to add.")
                % {"room": room, "wanted": wanted}
            )
    Enrolment.objects.bulk_create([Enrolment(training_class=training_class, cadre=cadre) for cadre in to_create])
    for enrolment in to_reopen:
        enrolment.status, enrolment.enrolled_at = Enrolment.Status.ENROLLED, timezone.now()
        enrolment.save(update_fields=["status", "enrolled_at"])
    if wanted:
        audit.record(
            kinds.CLASS_ENROLLED,
            actor=by,
            union=training_class.organiser,
            target=training_class,
            detail={"enrolled": wanted, "cadres": [cadre.pk for cadre in cadres]},
        )
    return EnrolResult(enrolled=wanted, already=len(cadres) - wanted, not_fitted=0)


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, by) -> Enrolment:
    """Take a cadre off a class before it is finished; the place is free again."""
    training_class = _locked(enrolment.training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    _check_changeable(training_class)
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise ValidationError(_("This enrolment is already cancelled."))
    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.save(update_fields=["status"])
    audit.record(
        kinds.ENROLMENT_CANCELLED,
        actor=by,
        union=training_class.organiser,
        target=training_class,
        detail={"cadre": enrolment.cadre_id},
    )
    return enrolment


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
    training_class = _locked(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    _check_changeable(training_class)
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
    training_class = _locked(training_class)
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
    training_class = _locked(training_class)
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
