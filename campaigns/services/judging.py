"""Judging: the organiser assigns and removes judges, a judge declares conflicts of interest and
fills in score sheets.

Rules are checked here: the organiser's staff (``permissions.can_manage``) assign and remove; only the
judge themself declares and scores. A judge scores only while judging is open (REVIEWING), only after
declaring conflicts, and never an entry they conflict with. Bad input raises ValidationError with a
message for the person; nothing is written then.
"""

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from unions.models import Union

from .. import kinds
from ..models import Competition, Entry, Judge, JudgeConflict, Score, Scoresheet
from ..navigation import forget_judging
from ..permissions import can_manage, is_conflicted

TWO_PLACES = Decimal("0.01")
FROZEN = (Competition.Status.CLOSED, Competition.Status.COMMENDED)


def _require_manager(by, competition: Competition) -> None:
    if not can_manage(by, competition):
        raise PermissionDenied


def _not_frozen(competition: Competition) -> None:
    if competition.status in FROZEN:
        raise ValidationError(_("The competition is closed: its ranking is frozen."), code="frozen")


def find_account(text: str):
    """The account whose username, e-mail or mobile number is ``text`` (case-insensitive for the first two)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Enter the judge's username, e-mail or mobile number."), code="account")
    users = list(
        get_user_model()
        .objects.filter(Q(username__iexact=text) | Q(email__iexact=text) | Q(phone=text), is_active=True)
        .order_by("pk")[:2]
    )
    if len(users) != 1:
        raise ValidationError(
            _("No single account has the username, e-mail or mobile number %(text)s.") % {"text": text[:60]},
            code="account",
        )
    return users[0]


def competition_unions(competition: Competition):
    """The unions inside the competition's scope (the organiser's subtree): what conflicts may name."""
    return Union.objects.filter(path__startswith=competition.organiser.path)


@transaction.atomic
def judge_assign(*, competition: Competition, user, name: str, title: str = "", own_union=None, by) -> Judge:
    _require_manager(by, competition)
    competition = Competition.objects.select_for_update().select_related("organiser").get(pk=competition.pk)
    _not_frozen(competition)
    if competition.status in Competition.EDITABLE or competition.status == Competition.Status.SUBMITTED:
        raise ValidationError(_("Judges are assigned once the competition is approved."), code="status")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Enter the judge's name."), code="name")
    if Judge.objects.filter(competition=competition, user=user).exists():
        raise ValidationError(
            _("%(name)s is a judge of this competition already.") % {"name": user.get_username()}, code="again"
        )
    if own_union is not None and not competition_unions(competition).filter(pk=own_union.pk).exists():
        raise ValidationError(_("The judge's own unit must be a union inside the competition's scope."))
    judge = Judge.objects.create(
        competition=competition, user=user, name=name, title=(title or "").strip(), own_union=own_union, assigned_by=by
    )
    audit.record(kinds.JUDGE_ASSIGNED, actor=by, union=competition.organiser, target=judge)
    forget_judging(user.pk)
    return judge


@transaction.atomic
def judge_remove(*, judge: Judge, by) -> None:
    """Remove a judge who has completed no sheet yet (their unfinished sheets go with them): a completed
    sheet counts in the ranking, so its judge stays."""
    competition = judge.competition
    _require_manager(by, competition)
    _not_frozen(competition)
    done = judge.sheets.filter(completed_at__isnull=False).count()
    if done:
        raise ValidationError(
            _("%(name)s has completed %(n)s score sheets, which count in the ranking: the judge cannot be removed.")
            % {"name": judge.name, "n": done},
            code="scored",
        )
    audit.record(kinds.JUDGE_REMOVED, actor=by, union=competition.organiser, target=judge, detail={"name": judge.name})
    judge.delete()
    forget_judging(judge.user_id)


@transaction.atomic
def conflicts_declare(*, judge: Judge, unions, note: str = "", by) -> list[JudgeConflict]:
    """The judge's declaration: the units they name (none is a declaration too); their own unit always
    conflicts. A union of which they already scored an entry cannot be named afterwards."""
    if by.pk != judge.user_id:
        raise PermissionDenied
    judge = Judge.objects.select_for_update().select_related("competition__organiser").get(pk=judge.pk)
    _not_frozen(judge.competition)
    unions = list({union.pk: union for union in unions}.values())
    inside = set(
        competition_unions(judge.competition).filter(pk__in=[u.pk for u in unions]).values_list("pk", flat=True)
    )
    outside = [union for union in unions if union.pk not in inside]
    if outside:
        raise ValidationError(
            _("%(union)s is not a union inside this competition's scope.") % {"union": outside[0].name}, code="scope"
        )
    kept = set(judge.conflicts.values_list("union_id", flat=True))
    for union in unions:
        if union.pk in kept:
            continue
        if judge.sheets.filter(entry__union__path__startswith=union.path, scores__isnull=False).exists():
            raise ValidationError(
                _("You have already scored an entry of %(union)s; tell the organiser about this conflict.")
                % {"union": union.name},
                code="scored",
            )
    wanted = {union.pk for union in unions}
    judge.conflicts.exclude(union_id__in=wanted).delete()
    note = (note or "").strip()[:200]
    JudgeConflict.objects.bulk_create(
        [JudgeConflict(judge=judge, union=union, note=note) for union in unions if union.pk not in kept]
    )
    judge.conflicts_declared_at = timezone.now()
    judge.save(update_fields=["conflicts_declared_at"])
    audit.record(
        kinds.CONFLICTS_DECLARED,
        actor=by,
        union=judge.competition.organiser,
        target=judge,
        detail={"unions": sorted(wanted)},
    )
    return list(judge.conflicts.select_related("union"))


def plain(value: Decimal) -> str:
    """100.00 → "100", 12.50 → "12.5" (``normalize`` alone would write 1E+2)."""
    return format(value.normalize(), "f")


def _score_value(raw, criterion) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("%(criterion)s: the score must be a number.") % {"criterion": criterion.name}, code="number"
        ) from None
    if not value.is_finite():
        raise ValidationError(_("%(criterion)s: the score must be a number.") % {"criterion": criterion.name})
    if value < 0:
        raise ValidationError(
            _("%(criterion)s: the score cannot be negative.") % {"criterion": criterion.name}, code="negative"
        )
    if value > criterion.max_score:
        raise ValidationError(
            _("%(criterion)s: the score %(value)s is above the maximum of %(max)s.")
            % {"criterion": criterion.name, "value": value, "max": plain(criterion.max_score)},
            code="maximum",
        )
    if value != value.quantize(TWO_PLACES):
        raise ValidationError(
            _("%(criterion)s: at most two decimals.") % {"criterion": criterion.name}, code="decimals"
        )
    return value


@transaction.atomic
def scoresheet_save(*, judge: Judge, entry: Entry, values: dict, by) -> Scoresheet:
    """Save the judge's scores for the entry: ``values`` maps a criterion's id to (score or None, comment).
    The sheet is completed once every criterion has a score."""
    if by.pk != judge.user_id:
        raise PermissionDenied
    judge = Judge.objects.select_related("competition").get(pk=judge.pk)
    competition = Competition.objects.select_for_update().get(pk=judge.competition_id)
    if entry.competition_id != competition.pk or entry.status != Entry.Status.ACCEPTED:
        raise PermissionDenied
    if is_conflicted(judge, entry):
        raise PermissionDenied
    if judge.conflicts_declared_at is None:
        raise ValidationError(_("Declare your conflicts of interest before scoring."), code="undeclared")
    if competition.status != Competition.Status.REVIEWING:
        raise ValidationError(_("Judging is not open for this competition."), code="closed")
    criteria = {c.pk: c for c in competition.criteria.all()}
    unknown = set(values) - set(criteria)
    if unknown:
        raise ValidationError(_("A score was given for a criterion of another competition."), code="criterion")
    parsed = {}
    for pk, (raw, comment) in values.items():
        comment = (comment or "").strip()
        if len(comment) > 500:
            raise ValidationError(
                _("%(criterion)s: the comment is at most 500 characters.") % {"criterion": criteria[pk].name}
            )
        parsed[pk] = (_score_value(raw, criteria[pk]), comment)
    sheet, _created = Scoresheet.objects.select_for_update().get_or_create(judge=judge, entry=entry)
    existing = {score.criterion_id: score for score in sheet.scores.all()}
    for pk, (value, comment) in parsed.items():
        score = existing.get(pk)
        if value is None:
            if score is not None:
                score.delete()
                existing.pop(pk)
            continue
        if score is None:
            existing[pk] = Score.objects.create(sheet=sheet, criterion_id=pk, value=value, comment=comment)
        elif (score.value, score.comment) != (value, comment):
            score.value, score.comment = value, comment
            score.save(update_fields=["value", "comment"])
    complete = set(criteria) <= set(existing)
    if complete and sheet.completed_at is None:
        sheet.completed_at = timezone.now()
    elif not complete:
        sheet.completed_at = None
    sheet.save(update_fields=["completed_at", "updated_at"])
    audit.record(
        kinds.ENTRY_SCORED,
        actor=by,
        union=entry.union,
        target=sheet,
        detail={"entry": entry.pk, "completed": complete},
    )
    return sheet
