"""A competition's set-up and its life up to judging: drafted, changed, submitted for approval (立项),
approved or returned with a reason, started, judging opened. Closing and commending are
``campaigns.services.closing`` and ``campaigns.services.awards``.

Every function takes keyword arguments only and the acting user as ``by``; who may act is asked of
``campaigns.permissions`` (``PermissionDenied``), what is wrong with the data raises one
``ValidationError`` naming every problem (a translated message each). Nothing is written unless
everything is right: each function runs in one transaction.

The set-up's rows (stages, criteria, prizes) are given as lists of dicts; a dict with an ``id`` changes
that row, one without adds a row, and a stored row not named is removed (refused while something
hangs on it: a stage report, a score, an award).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record
from accounts.notify import notify
from unions.models import Union

from .. import kinds
from ..models import Competition, Criterion, Entry, Judge, Prize, Score, Stage
from ..permissions import can_approve, can_manage, can_organise_at, can_return

# The fields of the competition itself a caller may set (the rest are kept by the moves below).
FIELDS = (
    "title",
    "kind",
    "description",
    "accepts_units",
    "accepts_teams",
    "accepts_individuals",
    "starts_on",
    "ends_on",
    "entry_deadline",
    "approver",
    "drop_extremes_from",
    "tie_rule",
    "results",
)
STAGE_FIELDS = ("name", "starts_on", "ends_on", "report_due", "judging_due")
CRITERION_FIELDS = ("name", "weight", "max_score")
PRIZE_FIELDS = ("grade", "count")
HUNDRED = Decimal(100)
REASON_MAX = 500


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _fmt(value: Decimal) -> str:
    """100.00 → "100", 99.50 → "99.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def validation_errors(fields: dict, stages: list[dict], criteria: list[dict], prizes: list[dict]) -> list[str]:
    """Every problem with a set-up, in the order of the form; empty when it may be saved."""
    errors = []
    if not (fields.get("title") or "").strip():
        errors.append(_("Give the competition a title."))
    if fields.get("kind") not in Competition.Kind.values:
        errors.append(_("Choose the kind of competition."))
    if not (fields.get("accepts_units") or fields.get("accepts_teams") or fields.get("accepts_individuals")):
        errors.append(_("Say who may enter: units, teams or individuals (at least one)."))
    starts, ends, deadline = fields.get("starts_on"), fields.get("ends_on"), fields.get("entry_deadline")
    period = isinstance(starts, datetime.date) and isinstance(ends, datetime.date)
    if not period:
        errors.append(_("Give the competition's period: the day it starts and the day it ends."))
    elif ends < starts:
        errors.append(_("The competition cannot end before it starts."))
    if not isinstance(deadline, datetime.date):
        errors.append(_("Give the day entries close."))
    elif period and ends >= starts and deadline > ends:
        errors.append(_("Entries must close by the day the competition ends."))
    if fields.get("approver") not in Competition.Approver.values:
        errors.append(_("Choose who approves the competition."))
    drop = fields.get("drop_extremes_from")
    if drop not in (None, "") and (not isinstance(drop, int) or drop < 3):
        errors.append(_("The highest and lowest scores are dropped from 3 judges on, or never: leave it empty."))
    if fields.get("tie_rule") not in Competition.TieRule.values:
        errors.append(_("Choose how ties are ordered."))
    if fields.get("results") not in Competition.Results.values:
        errors.append(_("Choose who may see the results page."))

    if not stages:
        errors.append(_("Add at least one stage."))
    for number, stage in enumerate(stages, start=1):
        name = (stage.get("name") or "").strip()
        label = name or _("stage %(number)d") % {"number": number}
        if not name:
            errors.append(_("Stage %(number)d has no name.") % {"number": number})
        s_start, s_end, due = stage.get("starts_on"), stage.get("ends_on"), stage.get("report_due")
        judging_due = stage.get("judging_due")
        if not (isinstance(s_start, datetime.date) and isinstance(s_end, datetime.date)):
            errors.append(_("Give the dates of %(stage)s.") % {"stage": label})
            continue
        if s_end < s_start:
            errors.append(_("%(stage)s cannot end before it starts.") % {"stage": label})
        elif period and (s_start < starts or s_end > ends):
            errors.append(_("The dates of %(stage)s must lie inside the competition's period.") % {"stage": label})
        if not isinstance(due, datetime.date):
            errors.append(_("Give the day the reports of %(stage)s are due.") % {"stage": label})
        elif due < s_start:
            errors.append(_("The reports of %(stage)s cannot be due before the stage starts.") % {"stage": label})
        elif isinstance(judging_due, datetime.date) and judging_due < due:
            errors.append(_("The judging of %(stage)s cannot be due before its reports.") % {"stage": label})

    if not criteria:
        errors.append(_("The scoring scheme needs at least one criterion."))
    total = Decimal(0)
    for number, criterion in enumerate(criteria, start=1):
        name = (criterion.get("name") or "").strip()
        label = name or _("criterion %(number)d") % {"number": number}
        if not name:
            errors.append(_("Criterion %(number)d has no name.") % {"number": number})
        weight, maximum = _decimal(criterion.get("weight")), _decimal(criterion.get("max_score"))
        if weight is None or weight <= 0 or weight > HUNDRED:
            errors.append(_("The weight of %(criterion)s must be more than 0 and at most 100.") % {"criterion": label})
        else:
            total += weight
        if maximum is None or maximum <= 0:
            errors.append(_("The maximum score of %(criterion)s must be more than 0.") % {"criterion": label})
    if criteria and total != HUNDRED:
        errors.append(_("The weights must add up to 100%%; they add up to %(total)s%%.") % {"total": _fmt(total)})

    if not prizes:
        errors.append(_("Add at least one prize."))
    seen = set()
    for prize in prizes:
        grade = prize.get("grade")
        if grade not in Prize.Grade.values:
            errors.append(_("Choose the grade of each prize."))
            continue
        label = Prize.Grade(grade).label
        if grade in seen:
            errors.append(_("%(prize)s is given twice: give each grade once, with its number.") % {"prize": label})
        seen.add(grade)
        count = prize.get("count")
        if not isinstance(count, int) or count < 1:
            errors.append(_("The number of %(prize)s must be at least 1.") % {"prize": label})
    return errors


def _check(fields, stages, criteria, prizes) -> None:
    errors = validation_errors(fields, stages, criteria, prizes)
    if errors:
        raise ValidationError(errors)


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown competition fields: {', '.join(sorted(unknown))}")
    cleaned = dict(fields)
    for name in ("title", "description"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if cleaned.get("drop_extremes_from") == "":
        cleaned["drop_extremes_from"] = None
    return cleaned


def _sync(competition: Competition, model, rows: list[dict], names: tuple[str, ...]) -> None:
    """Make the competition's rows of ``model`` what ``rows`` say (see the module docstring)."""
    existing = {row.pk: row for row in model.objects.filter(competition=competition)}
    kept = {int(row["id"]) for row in rows if row.get("id")}
    if kept - set(existing):
        raise ValidationError(_("The set-up was changed meanwhile: open the page again."))
    for pk, row in existing.items():
        if pk not in kept:
            if model is Criterion and Score.objects.filter(criterion=row).exists():
                # Scores would go with it (they cascade): refused like a protected row.
                raise ValidationError(_("%(row)s cannot be removed: entries already hang on it.") % {"row": str(row)})
            try:
                with transaction.atomic():
                    row.delete()
            except ProtectedError:
                raise ValidationError(
                    _("%(row)s cannot be removed: entries already hang on it.") % {"row": str(row)}
                ) from None
    # Free the orders first: the (competition, order) pairs are unique.
    for offset, pk in enumerate(sorted(kept)):
        model.objects.filter(pk=pk).update(order=1000 + offset)
    for position, row in enumerate(rows, start=1):
        values = {name: row.get(name) for name in names}
        values["name"] = (values["name"] or "").strip()
        values["order"] = position
        if row.get("id"):
            model.objects.filter(pk=int(row["id"])).update(**values)
        else:
            model.objects.create(competition=competition, **values)


def _write_rows(competition, stages, criteria, prizes) -> None:
    _sync(competition, Stage, stages, STAGE_FIELDS)
    _sync(competition, Criterion, criteria, CRITERION_FIELDS)
    # Prizes are written afresh: nothing hangs on them before the awards, and grades may swap rows.
    Prize.objects.filter(competition=competition).delete()
    Prize.objects.bulk_create(
        Prize(competition=competition, **{name: row.get(name) for name in PRIZE_FIELDS}) for row in prizes
    )


@transaction.atomic
def competition_create(
    *, organiser: Union, by, stages: list[dict] = (), criteria: list[dict] = (), prizes: list[dict] = (), **fields
) -> Competition:
    """Draft a competition organised at ``organiser`` (where ``by`` may organise); its level comes
    from the organiser's place in the tree."""
    if not can_organise_at(by, organiser):
        raise PermissionDenied
    fields = _clean_fields(fields)
    stages, criteria, prizes = list(stages), list(criteria), list(prizes)
    for row in (*stages, *criteria, *prizes):
        row.pop("id", None)
    _check(fields, stages, criteria, prizes)
    competition = Competition.objects.create(
        organiser=organiser, level=Competition.level_of(organiser), created_by=by, **fields
    )
    _write_rows(competition, stages, criteria, prizes)
    record(kinds.COMPETITION_CREATED, actor=by, union=organiser, target=competition)
    return competition


def _locked(competition: Competition) -> Competition:
    return Competition.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=competition.pk)


@transaction.atomic
def competition_update(
    *, competition: Competition, by, stages: list[dict], criteria: list[dict], prizes: list[dict], **fields
) -> Competition:
    """Change a draft or returned competition's set-up (its organiser stays)."""
    competition = _locked(competition)
    if not can_manage(by, competition):
        raise PermissionDenied
    if not competition.is_editable:
        raise ValidationError(
            _("Only a draft or a returned competition can be changed; this one is %(status)s.")
            % {"status": competition.get_status_display()}
        )
    fields = _clean_fields(fields)
    stages, criteria, prizes = list(stages), list(criteria), list(prizes)
    current = {name: getattr(competition, name) for name in FIELDS}
    _check({**current, **fields}, stages, criteria, prizes)
    for name, value in fields.items():
        setattr(competition, name, value)
    competition.save()
    _write_rows(competition, stages, criteria, prizes)
    record(kinds.COMPETITION_CHANGED, actor=by, union=competition.organiser, target=competition)
    return competition


def stored_errors(competition: Competition) -> list[str]:
    """What is wrong with a stored set-up (checked again on submitting)."""
    fields = {name: getattr(competition, name) for name in FIELDS}
    stages = [{name: getattr(s, name) for name in STAGE_FIELDS} for s in competition.stages.all()]
    criteria = [{name: getattr(c, name) for name in CRITERION_FIELDS} for c in competition.criteria.all()]
    prizes = [{name: getattr(p, name) for name in PRIZE_FIELDS} for p in competition.prizes.all()]
    return validation_errors(fields, stages, criteria, prizes)


def _status_error(competition: Competition) -> ValidationError:
    return ValidationError(
        _("This cannot be done now: the competition is %(status)s.") % {"status": competition.get_status_display()},
        code="status",
    )


@transaction.atomic
def competition_submit(*, competition: Competition, by) -> Competition:
    """Draft or returned → submitted for approval (立项)."""
    competition = _locked(competition)
    if not can_manage(by, competition):
        raise PermissionDenied
    if not competition.is_editable:
        raise _status_error(competition)
    errors = stored_errors(competition)
    if errors:
        raise ValidationError(errors)
    competition.status = Competition.Status.SUBMITTED
    competition.submitted_at = timezone.now()
    competition.save(update_fields=["status", "submitted_at"])
    record(kinds.COMPETITION_SUBMITTED, actor=by, union=competition.organiser, target=competition)
    return competition


def _tell_creator(competition: Competition, event, title: str, body: str) -> None:
    """The organiser's creator hears of the approval or the return (once per event)."""
    creator = competition.created_by
    if not creator.is_active:
        return
    notify(
        recipient=creator,
        kind=event.action,
        title=title,
        body=body,
        url=reverse("campaigns:competition_detail", args=[competition.pk]),
        key=f"{event.action}:competition:{competition.pk}:{event.pk}",
    )


@transaction.atomic
def competition_approve(*, competition: Competition, by) -> Competition:
    """Submitted → approved, by the approver the competition names."""
    competition = _locked(competition)
    if competition.status != Competition.Status.SUBMITTED:
        raise _status_error(competition)
    if not can_approve(by, competition):
        raise PermissionDenied
    competition.status = Competition.Status.APPROVED
    competition.approved_by, competition.approved_at = by, timezone.now()
    competition.return_reason = ""
    competition.save(update_fields=["status", "approved_by", "approved_at", "return_reason"])
    event = record(kinds.COMPETITION_APPROVED, actor=by, union=competition.organiser, target=competition)
    _tell_creator(
        competition,
        event,
        _("The competition %(title)s is approved") % {"title": competition.title},
        _("Start it when it begins; clerks may enter from now on."),
    )
    return competition


@transaction.atomic
def competition_return(*, competition: Competition, by, reason: str) -> Competition:
    """Back to the organiser with a reason, from waiting for approval up to judging (not after closing)."""
    competition = _locked(competition)
    if competition.status not in Competition.RETURNABLE:
        raise _status_error(competition)
    if not can_return(by, competition):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the competition is returned."), code="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("The reason is too long: at most %(max)d characters.") % {"max": REASON_MAX}, code="reason"
        )
    previous = competition.status
    competition.status = Competition.Status.RETURNED
    competition.return_reason = reason
    competition.returned_at = timezone.now()
    competition.save(update_fields=["status", "return_reason", "returned_at"])
    event = record(
        kinds.COMPETITION_RETURNED,
        actor=by,
        union=competition.organiser,
        target=competition,
        detail={"reason": reason, "from": previous},
    )
    _tell_creator(
        competition,
        event,
        _("The competition %(title)s is returned") % {"title": competition.title},
        _("Reason: %(reason)s") % {"reason": reason},
    )
    return competition


@transaction.atomic
def competition_start(*, competition: Competition, by) -> Competition:
    """Approved → running."""
    competition = _locked(competition)
    if not can_manage(by, competition):
        raise PermissionDenied
    if competition.status != Competition.Status.APPROVED:
        raise _status_error(competition)
    competition.status = Competition.Status.RUNNING
    competition.save(update_fields=["status"])
    record(kinds.COMPETITION_STARTED, actor=by, union=competition.organiser, target=competition)
    return competition


@transaction.atomic
def competition_open_judging(*, competition: Competition, by) -> Competition:
    """Running → reviewing (stage reviews and judging): needs an accepted entry and a judge."""
    competition = _locked(competition)
    if not can_manage(by, competition):
        raise PermissionDenied
    if competition.status != Competition.Status.RUNNING:
        raise _status_error(competition)
    errors = []
    if not Entry.objects.filter(competition=competition, status=Entry.Status.ACCEPTED).exists():
        errors.append(_("Judging needs at least one accepted entry."))
    if not Judge.objects.filter(competition=competition).exists():
        errors.append(_("Judging needs at least one judge: assign the judges first."))
    if errors:
        raise ValidationError(errors)
    competition.status = Competition.Status.REVIEWING
    competition.save(update_fields=["status"])
    record(kinds.JUDGING_OPENED, actor=by, union=competition.organiser, target=competition)
    return competition
