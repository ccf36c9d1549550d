"""Training classes: their own rules (dates, hours a day, capacity), creating, changing and cancelling
one, renewing its QR code, and enrolment (the audience in one go, or cadres chosen one by one)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from unions.models import Union

from ... import kinds
from ...models import Attendance, Cadre, Enrolment, LedgerYear, Rank, TrainingClass
from ...models.training import _qr_token
from ...permissions import can_manage, can_manage_cadre

# A class day holds at most this many credit hours: 3 days cannot credit 40 hours.
MAX_HOURS_PER_DAY = Decimal(12)

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


def lock_class(training_class: TrainingClass) -> TrainingClass:
    return TrainingClass.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=training_class.pk)


def check_changeable(training_class: TrainingClass) -> None:
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
    training_class = lock_class(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    check_changeable(training_class)
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
    training_class = lock_class(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    check_changeable(training_class)
    training_class.enrolments.filter(status=Enrolment.Status.ENROLLED).update(status=Enrolment.Status.CANCELLED)
    training_class.status = TrainingClass.Status.CANCELLED
    training_class.save(update_fields=["status"])
    audit.record(kinds.CLASS_CANCELLED, actor=by, union=training_class.organiser, target=training_class)
    return training_class


@transaction.atomic
def class_qr_renew(*, training_class: TrainingClass, by) -> TrainingClass:
    """A new QR token: the old code (photographed, passed round) stops working at once."""
    training_class = lock_class(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    check_changeable(training_class)
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
    training_class = lock_class(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    check_changeable(training_class)
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
    training_class = lock_class(training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    check_changeable(training_class)
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
    training_class = lock_class(enrolment.training_class)
    if not can_manage(by, training_class.organiser):
        raise PermissionDenied
    check_changeable(training_class)
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
