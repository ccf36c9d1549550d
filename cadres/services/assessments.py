"""The yearly assessment (年度考核): a round opened at a node for a year, the cadres' self-reports, the
officer's grade, the leader's confirmation and the publication.

open → self-reported → evaluated → confirmed → published. The grade may change while evaluated; once
confirmed it no longer changes. 优秀 goes to at most a share of each unit's assessed cadres of the
year (``CadreSettings.excellent_share_percent``, rounded down), and never to a cadre whose latest
political-quality conclusion is 不合格 (一票否决). Two officers grading the same unit at once are
serialised by locking the unit's assessments of the year, so they cannot both take the last place.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import audit
from accounts.links import url_pattern
from accounts.notify import Message, notifications_create_once
from accounts.tasks import send_notification_emails
from unions.models import Union
from unions.scope import holds_role

from .. import kinds
from ..evidence import gather_evidence
from ..models import Assessment, AssessmentGrade, AssessmentRound, Cadre, CadreSettings
from ..permissions import CADRE_LEADER_KINDS, can_confirm_assessment, can_manage, is_own
from ..political import political_veto

SELF_REPORT_MAX_LENGTH = 5000
COMMENT_MAX_LENGTH = 2000
# Grades that need the assessor to say why.
GRADES_NEEDING_A_COMMENT = frozenset({AssessmentGrade.BASIC, AssessmentGrade.INCOMPETENT})
# The 优秀 places of a unit are taken by these.
HOLDING_A_GRADE = (Assessment.Status.EVALUATED, Assessment.Status.CONFIRMED, Assessment.Status.PUBLISHED)
EMAIL_TASK_CHUNK = 200


@dataclass(frozen=True)
class ExcellentPlaces:
    """The 优秀 places of a unit in a year: ``allowed`` = floor(share % × assessed)."""

    assessed: int
    share_percent: int
    allowed: int
    taken: int

    @property
    def left(self) -> int:
        return max(0, self.allowed - self.taken)


def excellent_places(*, year: int, unit_id: int, exclude_pk: int | None = None) -> ExcellentPlaces:
    assessments = Assessment.objects.filter(year=year, unit_id=unit_id)
    share = CadreSettings.current().excellent_share_percent
    assessed = assessments.count()
    taken = assessments.filter(grade=AssessmentGrade.EXCELLENT, status__in=HOLDING_A_GRADE)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return ExcellentPlaces(assessed=assessed, share_percent=share, allowed=assessed * share // 100, taken=taken.count())


def _send_after_commit(messages: list[Message]) -> None:
    pending = notifications_create_once(messages)
    for start in range(0, len(pending), EMAIL_TASK_CHUNK):
        chunk = pending[start : start + EMAIL_TASK_CHUNK]
        transaction.on_commit(lambda chunk=chunk: send_notification_emails.delay(chunk))


# --- opening a round ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoundOpened:
    round: AssessmentRound
    assessed: int
    skipped: int


@transaction.atomic
def round_open(*, union: Union, year: int, self_report_due: datetime.date, by) -> RoundOpened:
    """One assessment for every cadre in post under the node (the unit: where they serve today).

    A cadre already assessed for the year (in another round) is left out and counted."""
    if not can_manage(by, union):
        raise PermissionDenied
    today = timezone.localdate()
    if not 2000 <= year <= today.year + 1:
        raise ValidationError(_("Choose a year between 2000 and next year."))
    if self_report_due < today:
        raise ValidationError(_("The self-reports cannot be due on a day that has passed."))
    if AssessmentRound.objects.filter(union=union, year=year).exists():
        raise ValidationError(
            _("%(node)s already has an assessment round for %(year)d.") % {"node": union.name, "year": year}
        )
    cadres = list(
        Cadre.objects.filter(union__path__startswith=union.path, status=Cadre.Status.IN_POST)
        .order_by("pk")
        .values_list("pk", "union_id")
    )
    if not cadres:
        raise ValidationError(_("No cadre in post serves at %(node)s or below it.") % {"node": union.name})
    try:
        with transaction.atomic():
            round_ = AssessmentRound.objects.create(
                union=union, year=year, self_report_due=self_report_due, opened_by=by
            )
    except IntegrityError:
        raise ValidationError(
            _("%(node)s already has an assessment round for %(year)d.") % {"node": union.name, "year": year}
        ) from None
    already = set(
        Assessment.objects.filter(year=year, cadre_id__in=[pk for pk, _u in cadres]).values_list("cadre_id", flat=True)
    )
    # ignore_conflicts: a cadre another round took meanwhile stays with that round.
    Assessment.objects.bulk_create(
        [
            Assessment(round=round_, cadre_id=pk, year=year, unit_id=unit_id)
            for pk, unit_id in cadres
            if pk not in already
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    assessed = round_.assessments.count()
    if assessed == 0:
        raise ValidationError(
            _("Every cadre under %(node)s is already assessed for %(year)d in another round.")
            % {"node": union.name, "year": year}
        )
    audit.record(
        kinds.ASSESSMENT_ROUND_OPENED,
        actor=by,
        union=union,
        target=round_,
        detail={"year": year, "assessed": assessed, "skipped": len(cadres) - assessed},
    )
    _ask_for_self_reports(round_)
    return RoundOpened(round=round_, assessed=assessed, skipped=len(cadres) - assessed)


def _ask_for_self_reports(round_: AssessmentRound) -> None:
    """Each cadre with an account is asked for their self-report (once, whatever happens after)."""
    link = url_pattern("cadres:my_assessment")
    title = _("Your yearly assessment for %(year)d: write your self-report by %(date)s") % {
        "year": round_.year,
        "date": date_format(round_.self_report_due, "DATE_FORMAT"),
    }
    body = _("Describe your work of the year in your own words; the assessor reads it before grading.")
    rows = round_.assessments.filter(cadre__user__isnull=False, cadre__user__is_active=True).values_list(
        "pk", "cadre__user_id"
    )
    messages = [
        Message(
            user_id,
            kinds.ASSESSMENT_ROUND_OPENED,
            f"{kinds.ASSESSMENT_ROUND_OPENED}:assessment:{pk}",
            title,
            body,
            link.format(pk),
        )
        for pk, user_id in rows
    ]
    _send_after_commit(messages)


# --- the cadre's self-report ----------------------------------------------------------------------
@transaction.atomic
def assessment_self_report(*, assessment: Assessment, text: str, by) -> Assessment:
    """The cadre hands in (or rewrites) their self-report, until the assessor has graded."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",)).select_related("cadre", "round").get(pk=assessment.pk)
    )
    if not is_own(by, assessment.cadre):
        raise PermissionDenied
    if assessment.status not in (Assessment.Status.OPEN, Assessment.Status.SELF_REPORTED):
        raise ValidationError(_("Your assessment has been graded: the self-report can no longer be changed."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Write your self-report before handing it in."))
    if len(text) > SELF_REPORT_MAX_LENGTH:
        raise ValidationError(
            _("The self-report is limited to %(limit)d characters; this one has %(length)d.")
            % {"limit": SELF_REPORT_MAX_LENGTH, "length": len(text)}
        )
    assessment.self_report = text
    assessment.self_reported_at = timezone.now()
    assessment.status = Assessment.Status.SELF_REPORTED
    assessment.save(update_fields=["self_report", "self_reported_at", "status"])
    return assessment


# --- the officer's grade --------------------------------------------------------------------------
def _locked_for_grading(assessment: Assessment) -> Assessment:
    """Lock every assessment of the unit and year, in one order, and return this one from them.

    Whoever grades in the unit waits for whoever is grading there: the 优秀 count they read stays
    true until they commit. The same order for everyone means no deadlock."""
    locked = list(
        Assessment.objects.select_for_update(of=("self",))
        .filter(year=assessment.year, unit_id=assessment.unit_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if assessment.pk not in locked:
        raise ValidationError(_("This assessment no longer exists."))
    return Assessment.objects.select_related("cadre", "round", "unit").get(pk=assessment.pk)


@transaction.atomic
def assessment_evaluate(*, assessment: Assessment, grade: str, comment: str, by) -> Assessment:
    assessment = _locked_for_grading(assessment)
    if not can_manage(by, assessment.unit):
        raise PermissionDenied
    if is_own(by, assessment.cadre):
        raise ValidationError(_("Nobody grades their own assessment."))
    if assessment.is_final:
        raise ValidationError(_("A confirmed assessment can no longer be changed."))
    if assessment.round.status != AssessmentRound.Status.OPEN:
        raise ValidationError(_("This assessment round is closed."))
    if grade not in AssessmentGrade.values:
        raise ValidationError(_("Choose one of the four grades."))
    comment = comment.strip()
    if grade in GRADES_NEEDING_A_COMMENT and not comment:
        raise ValidationError(
            _("Say why in the comment: %(grade)s needs a reason.") % {"grade": AssessmentGrade(grade).label}
        )
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(_("The comment is limited to %(limit)d characters.") % {"limit": COMMENT_MAX_LENGTH})
    if assessment.status == Assessment.Status.OPEN and timezone.localdate() <= assessment.round.self_report_due:
        raise ValidationError(
            _("%(name)s has not handed in a self-report yet. You can grade without one after the due date, %(date)s.")
            % {"name": assessment.cadre.name, "date": date_format(assessment.round.self_report_due, "DATE_FORMAT")}
        )
    if grade == AssessmentGrade.EXCELLENT:
        if political_veto(assessment.cadre):
            raise ValidationError(
                _(
                    "%(name)s cannot be graded Excellent: the latest political-quality assessment is Unqualified "
                    "(one-vote veto)."
                )
                % {"name": assessment.cadre.name}
            )
        places = excellent_places(year=assessment.year, unit_id=assessment.unit_id, exclude_pk=assessment.pk)
        if places.taken + 1 > places.allowed:
            raise ValidationError(
                _(
                    "Excellent is full in this unit: %(assessed)d cadres are assessed, Excellent may go to at most "
                    "%(share)d%%, that is at most %(allowed)d, and %(taken)d already have it."
                )
                % {
                    "assessed": places.assessed,
                    "share": places.share_percent,
                    "allowed": places.allowed,
                    "taken": places.taken,
                }
            )
    regraded = assessment.status == Assessment.Status.EVALUATED
    assessment.grade = grade
    assessment.assessor_comment = comment
    assessment.evidence = gather_evidence(assessment)
    assessment.evaluated_by = by
    assessment.evaluated_at = timezone.now()
    assessment.status = Assessment.Status.EVALUATED
    assessment.save(update_fields=["grade", "assessor_comment", "evidence", "evaluated_by", "evaluated_at", "status"])
    audit.record(
        kinds.ASSESSMENT_EVALUATED,
        actor=by,
        union=assessment.unit,
        target=assessment,
        detail={"round": assessment.round_id, "regraded": regraded},
    )
    return assessment


# --- the leader's confirmation --------------------------------------------------------------------
@transaction.atomic
def assessments_confirm(*, assessment_round: AssessmentRound, pks: list[int], by) -> int:
    """The leader confirms the chosen evaluated grades of units at or under their node: all or none."""
    if not pks:
        raise ValidationError(_("Choose the grades to confirm."))
    chosen = list(
        Assessment.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(round=assessment_round, pk__in=set(pks))
        .order_by("pk")
    )
    if any(not holds_role(by, assessment.unit, CADRE_LEADER_KINDS) for assessment in chosen):
        raise PermissionDenied
    if len(chosen) != len(set(pks)) or not all(can_confirm_assessment(by, assessment) for assessment in chosen):
        raise ValidationError(
            _("Some of the chosen grades can no longer be confirmed (changed or confirmed meanwhile). Reload the page.")
        )
    now = timezone.now()
    for assessment in chosen:
        assessment.status, assessment.confirmed_by, assessment.confirmed_at = Assessment.Status.CONFIRMED, by, now
        audit.record(
            kinds.ASSESSMENT_CONFIRMED,
            actor=by,
            union=assessment.unit,
            target=assessment,
            detail={"round": assessment_round.pk},
        )
    Assessment.objects.bulk_update(chosen, ["status", "confirmed_by", "confirmed_at"])
    return len(chosen)


# --- publishing -----------------------------------------------------------------------------------
@transaction.atomic
def round_publish(*, assessment_round: AssessmentRound, by) -> int:
    """Publish the round's confirmed grades; each cadre with an account is told. The round closes
    once every assessment in it is published."""
    round_ = AssessmentRound.objects.select_for_update().select_related("union").get(pk=assessment_round.pk)
    if not can_manage(by, round_.union):
        raise PermissionDenied
    if round_.status != AssessmentRound.Status.OPEN:
        raise ValidationError(_("This assessment round is closed."))
    confirmed = list(
        Assessment.objects.select_for_update(of=("self",))
        .filter(round=round_, status=Assessment.Status.CONFIRMED)
        .select_related("cadre")
        .order_by("pk")
    )
    if not confirmed:
        raise ValidationError(_("No grade of this round is confirmed yet: there is nothing to publish."))
    now = timezone.now()
    for assessment in confirmed:
        assessment.status, assessment.published_at = Assessment.Status.PUBLISHED, now
    Assessment.objects.bulk_update(confirmed, ["status", "published_at"])
    closed = not round_.assessments.exclude(status=Assessment.Status.PUBLISHED).exists()
    if closed:
        round_.status = AssessmentRound.Status.CLOSED
        round_.save(update_fields=["status"])
    audit.record(
        kinds.ASSESSMENT_PUBLISHED,
        actor=by,
        union=round_.union,
        target=round_,
        detail={"published": len(confirmed), "closed": closed},
    )
    link = url_pattern("cadres:my_assessment")
    title = _("Your yearly assessment for %(year)d is published") % {"year": round_.year}
    body = _("Open it to see your grade.")
    _send_after_commit(
        [
            Message(
                a.cadre.user_id,
                kinds.ASSESSMENT_PUBLISHED,
                f"{kinds.ASSESSMENT_PUBLISHED}:assessment:{a.pk}",
                title,
                body,
                link.format(a.pk),
            )
            for a in confirmed
            if a.cadre.user_id
        ]
    )
    return len(confirmed)
