"""Joint vetting (联审): every department's opinion on a nominee who passed the second review.

``vetting_start`` makes one opinion per department, waiting. For a nominee with a cadre record the
discipline body's opinion is an integrity opinion letter (``integrity.services.opinions.opinion_request``,
purpose commendation); a request still waiting or a letter still valid for the same purpose is linked
instead of asking twice. The letter's conclusion is read through ``integrity.opinions.conclusion_of``
(the requester's view: the conclusion and its validity, never the record, the category or the remarks).
The other departments' opinions (and the discipline body's for a nominee who is no cadre) are recorded
by the organiser's staff: the conclusion, a note, the department's letter as a file (PDF, JPG or PNG by
content, at most 20 MB).

When every department says "no problem on record" the nomination is VETTED (a review row, stage
vetting, passed). A problem stops it: the organiser's staff reject it (``reviews.nomination_review``) or
let it go on with a reason (``vetting_override``: audited, a review row "passed despite the vetting").
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record
from integrity.models import OpinionLetter
from integrity.opinions import State, conclusion_of
from integrity.services.opinions import OpenRequestExists, ValidLetterExists, opinion_request

from .. import honour_permissions, kinds
from ..models import Nomination, NominationReview, VettingOpinion

Department = VettingOpinion.Department
Conclusion = VettingOpinion.Conclusion
MAX_BYTES = 20 * 1024 * 1024
ACCEPT = ".pdf,.jpg,.jpeg,.png"
NOTE_MAX = 500
REASON_MAX = 500


def file_type(upload) -> str | None:
    """ "pdf", "jpg" or "png" by the file's content; None for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    return None


def check_file(upload) -> str:
    name = upload.name or ""
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": _("%(name)s is larger than 20 MB.") % {"name": name}})
    if upload.size == 0:
        raise ValidationError({"file": _("%(name)s is empty.") % {"name": name}})
    kind = file_type(upload)
    if kind is None:
        raise ValidationError({"file": _("%(name)s is not a PDF, JPG or PNG file.") % {"name": name}})
    return kind


def letter_conclusion(letter: OpinionLetter) -> str:
    """The vetting conclusion an integrity letter gives: clear or a problem while it is issued and
    valid; waiting while it is asked for (or expired, or withdrawn: it must be asked for again)."""
    view = conclusion_of(letter)
    if not view.valid:
        return Conclusion.WAITING
    if view.conclusion == OpinionLetter.Conclusion.PROBLEM:
        return Conclusion.PROBLEM
    return Conclusion.CLEAR


def _locked(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round__organiser", "union", "kind", "cadre_record")
        .get(pk=nomination.pk)
    )


def _check_vetting(nomination: Nomination, by) -> None:
    if not honour_permissions.can_manage_round(by, nomination.round):
        raise PermissionDenied
    if nomination.status != Nomination.Status.VETTING:
        raise ValidationError(
            _("This nomination is “%(status)s”: it is not in joint vetting.")
            % {"status": nomination.get_status_display()},
            code="not_vetting",
        )


def _ask_integrity(nomination: Nomination, by) -> OpinionLetter:
    """Ask for the cadre's letter (purpose commendation), or the request or letter already there."""
    try:
        return opinion_request(
            cadre=nomination.cadre_record,
            purpose=OpinionLetter.Purpose.COMMENDATION,
            by=by,
            note=f"{nomination.round.title}：{nomination.nominee_name}",
        )
    except (OpenRequestExists, ValidLetterExists) as exc:
        return exc.letter


@transaction.atomic
def vetting_start(*, nomination: Nomination, by) -> list[VettingOpinion]:
    """One opinion per department, waiting; integrity asked about a cadre nominee. Opinions already
    there are kept (calling it again makes none twice)."""
    nomination = _locked(nomination)
    _check_vetting(nomination, by)
    existing = {opinion.department: opinion for opinion in nomination.vetting_opinions.all()}
    now = timezone.now()
    created = []
    for department in Department.values:
        if department in existing:
            continue
        opinion = VettingOpinion(nomination=nomination, department=department, recorded_by=by, recorded_at=now)
        if department == Department.DISCIPLINE and nomination.cadre_record_id is not None:
            letter = _ask_integrity(nomination, by)
            opinion.opinion_letter = letter
            opinion.conclusion = letter_conclusion(letter)
        created.append(opinion)
    VettingOpinion.objects.bulk_create(created)
    if created:
        record(
            kinds.VETTING_OPINION_RECORDED,
            actor=by,
            union=nomination.union,
            target=nomination,
            detail={
                "started": True,
                "departments": [opinion.department for opinion in created],
                "opinion_letter": next((o.opinion_letter_id for o in created if o.opinion_letter_id), None),
            },
        )
    return list(nomination.vetting_opinions.all())


def _sync_letters(nomination: Nomination, opinions: list[VettingOpinion], by) -> None:
    """Bring each letter-backed opinion up to its letter's conclusion as integrity shows it now."""
    for opinion in opinions:
        if opinion.opinion_letter_id is None:
            continue
        conclusion = letter_conclusion(opinion.opinion_letter)
        if conclusion != opinion.conclusion:
            opinion.conclusion = conclusion
            opinion.recorded_by, opinion.recorded_at = by, timezone.now()
            opinion.save(update_fields=["conclusion", "recorded_by", "recorded_at"])
            record(
                kinds.VETTING_OPINION_RECORDED,
                actor=by,
                union=nomination.union,
                target=nomination,
                detail={"department": opinion.department, "conclusion": conclusion, "from_letter": True},
            )


def _complete_if_clear(nomination: Nomination, opinions: list[VettingOpinion], by) -> bool:
    if not opinions or any(opinion.conclusion != Conclusion.CLEAR for opinion in opinions):
        return False
    now = timezone.now()
    nomination.status = Nomination.Status.VETTED
    nomination.updated_at = now
    nomination.save(update_fields=["status", "updated_at"])
    NominationReview.objects.create(
        nomination=nomination,
        stage=NominationReview.Stage.VETTING,
        outcome=NominationReview.Outcome.PASSED,
        comment=_("Every department: no problem on record."),
        by=by,
        at=now,
    )
    record(
        kinds.NOMINATION_REVIEWED,
        actor=by,
        union=nomination.union,
        target=nomination,
        detail={"round": nomination.round_id, "stage": NominationReview.Stage.VETTING, "outcome": "passed"},
    )
    return True


def _opinions(nomination: Nomination) -> list[VettingOpinion]:
    return list(
        VettingOpinion.objects.select_for_update(of=("self",))
        .select_related("opinion_letter")
        .filter(nomination=nomination)
        .order_by("department")
    )


@transaction.atomic
def vetting_record(
    *,
    nomination: Nomination,
    department: str,
    conclusion: str = "",
    note: str = "",
    upload=None,
    by,
) -> VettingOpinion:
    """Record a department's opinion (conclusion, note, its letter as a file). The discipline body's
    opinion on a cadre comes from the integrity letter: recording it takes the letter's conclusion as
    integrity shows it (refused while the letter is not issued). Every department clear → VETTED."""
    nomination = _locked(nomination)
    _check_vetting(nomination, by)
    opinions = _opinions(nomination)
    opinion = next((o for o in opinions if o.department == department), None)
    if opinion is None:
        raise ValidationError(_("Choose the department whose opinion you record."), code="department")
    note = (note or "").strip()
    if opinion.opinion_letter_id is not None:
        _sync_letters(nomination, [opinion], by)
        if opinion.conclusion == Conclusion.WAITING:
            raise ValidationError(
                _(
                    "The integrity opinion letter is not issued (or no longer valid): its conclusion cannot be taken yet."
                ),
                code="letter_waiting",
            )
    else:
        if conclusion not in (Conclusion.CLEAR, Conclusion.PROBLEM):
            raise ValidationError({"conclusion": _("Choose the department's conclusion.")})
        if len(note) > NOTE_MAX:
            raise ValidationError({"note": _("At most %(n)d characters.") % {"n": NOTE_MAX}})
        if conclusion == Conclusion.PROBLEM and not note:
            raise ValidationError({"note": _("Say what problem the department has on record.")})
        if upload is not None:
            check_file(upload)
        opinion.conclusion = conclusion
        opinion.note = note
        if upload is not None:
            opinion.file.save(upload.name, upload, save=False)
            opinion.original_name = (upload.name or "")[:200]
        opinion.recorded_by, opinion.recorded_at = by, timezone.now()
        opinion.save()
        record(
            kinds.VETTING_OPINION_RECORDED,
            actor=by,
            union=nomination.union,
            target=nomination,
            detail={"department": department, "conclusion": conclusion, "file": bool(upload)},
        )
    _sync_letters(nomination, opinions, by)
    _complete_if_clear(nomination, opinions, by)
    return opinion


@transaction.atomic
def vetting_ask_again(*, nomination: Nomination, by) -> VettingOpinion:
    """Ask integrity again when the letter linked to the discipline opinion expired or its request was
    withdrawn: a new request (or the request or valid letter already there) is linked instead."""
    nomination = _locked(nomination)
    _check_vetting(nomination, by)
    opinions = _opinions(nomination)
    opinion = next((o for o in opinions if o.department == Department.DISCIPLINE), None)
    if opinion is None or opinion.opinion_letter_id is None or nomination.cadre_record_id is None:
        raise ValidationError(_("This nominee's discipline opinion is not an integrity letter."), code="no_letter")
    if conclusion_of(opinion.opinion_letter).state not in (State.EXPIRED, State.WITHDRAWN):
        raise ValidationError(
            _("The integrity opinion letter is still waiting or valid: there is no need to ask again."),
            code="letter_current",
        )
    letter = _ask_integrity(nomination, by)
    opinion.opinion_letter = letter
    opinion.conclusion = letter_conclusion(letter)
    opinion.recorded_by, opinion.recorded_at = by, timezone.now()
    opinion.save(update_fields=["opinion_letter", "conclusion", "recorded_by", "recorded_at"])
    record(
        kinds.VETTING_OPINION_RECORDED,
        actor=by,
        union=nomination.union,
        target=nomination,
        detail={"department": Department.DISCIPLINE, "asked_again": True, "opinion_letter": letter.pk},
    )
    _complete_if_clear(nomination, opinions, by)
    return opinion


@transaction.atomic
def vetting_override(*, nomination: Nomination, reason: str, by) -> Nomination:
    """Let a nomination with a problem on record go on (VETTED), with the reason: audited, and a review
    row "passed despite the vetting". Only once every department has given its opinion."""
    nomination = _locked(nomination)
    _check_vetting(nomination, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for going on despite the vetting.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": REASON_MAX}})
    opinions = _opinions(nomination)
    _sync_letters(nomination, opinions, by)
    if not any(opinion.conclusion == Conclusion.PROBLEM for opinion in opinions):
        raise ValidationError(_("No department has a problem on record: there is nothing to override."), code="clear")
    waiting = [opinion.get_department_display() for opinion in opinions if opinion.conclusion == Conclusion.WAITING]
    if waiting:
        raise ValidationError(
            _("Wait for every department's opinion before deciding: %(departments)s still to come.")
            % {"departments": "、".join(str(name) for name in waiting)},
            code="waiting",
        )
    now = timezone.now()
    nomination.status = Nomination.Status.VETTED
    nomination.vetting_override_reason = reason
    nomination.vetting_override_by = by
    nomination.updated_at = now
    nomination.save(update_fields=["status", "vetting_override_reason", "vetting_override_by", "updated_at"])
    NominationReview.objects.create(
        nomination=nomination,
        stage=NominationReview.Stage.VETTING,
        outcome=NominationReview.Outcome.OVERRIDDEN,
        comment=reason,
        by=by,
        at=now,
    )
    record(
        kinds.VETTING_OVERRIDDEN,
        actor=by,
        union=nomination.union,
        target=nomination,
        detail={
            "round": nomination.round_id,
            "problems": [o.department for o in opinions if o.conclusion == Conclusion.PROBLEM],
        },
    )
    return nomination
