"""Nominations (推荐) by a union's clerk (or a federation at its own level): drafting, the files of the
checklist, submitting with every check named at once, and withdrawing.

- A draft is written while the round takes nominations and before they close; a returned nomination is
  edited and submitted again (the same checks), while the round is still under review.
- The nominee is a member of the union (name, sex and birth date taken from the member record) or a
  person typed in; a team, unit or studio gives its name (and a team its size).
- Submitting is refused, with every reason at once, when the checklist is incomplete, the democratic
  review or the unit's notice (or their files) is missing, a quota would be exceeded, or an exclusion
  rule applies. The first review is then the district or industry union under the organiser on the
  way to the union; the organiser's own nominations go straight to the second review.

Every rule is checked before anything is written; a refused move writes nothing and says why.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.audit import record
from members.models import Member, Sex
from unions.models import Union

from .. import honour_permissions as perms
from .. import kinds
from ..checklist import exclusion_problem, missing_items
from ..models import EvidenceItem, HonourKind, Nomination, NominationFile, Round
from ..models.nominations import DEEDS_MAX
from ..quotas import quota_problem
from ..selectors import STEP
from .stage_reports import check_file

MAX_FILES = 30
UNIT_NOTICE_MIN_DAYS = 5
# The rounds' states in which a returned nomination may still be corrected and sent again.
RESUBMITTABLE_ROUND = (Round.Status.NOMINATING, Round.Status.REVIEWING)

FLAGS = ("enterprise_staff", "front_line", "technician", "enterprise_head", "woman", "migrant_worker", "cadre")
PERSON_FIELDS = ("nominee_name", "sex", "birth_date", "unit_name", "post", "political_status")
TEXT_FIELDS = ("nominee_name", "sex", "unit_name", "post", "political_status", "deeds")
REVIEW_FIELDS = ("review_meeting_on", "review_attendance", "votes_for", "votes_against", "votes_abstaining")
NOTICE_FIELDS = ("unit_notice_from", "unit_notice_to")
FIELDS = (
    *PERSON_FIELDS,
    "member",
    "team_size",
    "cadre_record",
    "from_award",
    *FLAGS,
    "deeds",
    *REVIEW_FIELDS,
    *NOTICE_FIELDS,
)


def is_taking_nominations(round_: Round, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return round_.status == Round.Status.NOMINATING and today <= round_.nominations_close


def unit_of(union: Union) -> str:
    return (union.employer_name or union.name)[:100]


def first_node_for(round_: Round, union: Union) -> Union | None:
    """The organiser's child on the way to the union (its first review), or None for the organiser."""
    organiser_path = round_.organiser.path
    if union.path == organiser_path:
        return None
    return Union.objects.get(path=union.path[: len(organiser_path) + STEP])


def warnings_of(nomination: Nomination) -> list[str]:
    """What looks wrong but does not stop the nomination (the reviewers will ask)."""
    found = []
    attendance, votes_for = nomination.review_attendance, nomination.votes_for
    if attendance and votes_for is not None and votes_for * 2 <= attendance:
        found.append(
            _("Only %(for)s of %(attended)s voted for: not more than half of those present.")
            % {"for": votes_for, "attended": attendance}
        )
    start, end = nomination.unit_notice_from, nomination.unit_notice_to
    if start and end and end >= start and (end - start).days + 1 < UNIT_NOTICE_MIN_DAYS:
        found.append(
            _("The unit's notice ran %(n)s days: usually at least %(min)s.")
            % {"n": (end - start).days + 1, "min": UNIT_NOTICE_MIN_DAYS}
        )
    return found


def _clean(*, round_: Round, union: Union, kind: HonourKind, fields: dict) -> dict:
    """The nomination's fields made consistent, or a ValidationError naming each field that is wrong."""
    data = {name: fields.get(name) for name in FIELDS}
    for name in TEXT_FIELDS:
        data[name] = (data[name] or "").strip()
    for name in FLAGS:
        data[name] = bool(data[name])
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    today = timezone.localdate()
    if kind.for_person:
        data["team_size"] = None
        member = data["member"]
        if member is not None:
            if member.union_id != union.pk:
                fail("member", _("%(name)s is not a member of %(union)s.") % {"name": member.name, "union": union.name})
            elif member.status != Member.Status.ACTIVE:
                fail("member", _("%(name)s is not an active member.") % {"name": member.name})
            data["nominee_name"], data["sex"], data["birth_date"] = member.name, member.sex, member.birth_date
            data["unit_name"] = data["unit_name"] or (member.employer_name or unit_of(union))[:100]
            data["political_status"] = data["political_status"] or member.political_status
        else:
            if not data["nominee_name"]:
                fail("nominee_name", _("Pick a member of the union, or give the nominee's name."))
            if data["sex"] not in Sex.values:
                fail("sex", _("Give the nominee's sex."))
            if data["birth_date"] is None:
                fail("birth_date", _("Give the nominee's date of birth."))
            elif not (datetime.date(1930, 1, 1) <= data["birth_date"] <= today - datetime.timedelta(days=16 * 365)):
                fail("birth_date", _("The date of birth is not plausible for a worker."))
        if not data["unit_name"]:
            data["unit_name"] = unit_of(union)
        if data["sex"] == Sex.FEMALE:
            data["woman"] = True
        elif data["woman"] and data["sex"] == Sex.MALE:
            fail("woman", _("The nominee is a man: untick 'woman'."))
        cadre = data["cadre_record"]
        if cadre is not None:
            if not data["cadre"]:
                data["cadre_record"] = None
            elif not cadre.union.path.startswith(union.path):
                fail("cadre_record", _("Choose a cadre serving in %(union)s.") % {"union": union.name})
    else:
        data["member"], data["sex"], data["birth_date"], data["political_status"] = None, "", None, ""
        data["cadre_record"] = None
        for name in FLAGS:
            data[name] = False
        if not data["nominee_name"]:
            fail("nominee_name", _("Give the name of the team, unit or studio."))
        if kind.category == HonourKind.Category.TEAM:
            if not data["team_size"] or data["team_size"] < 1:
                fail("team_size", _("Give the team's size: at least 1."))
        else:
            data["team_size"] = None
        data["unit_name"] = data["unit_name"] or unit_of(union)
    if not data["deeds"]:
        fail("deeds", _("Write the deeds."))
    elif len(data["deeds"]) > DEEDS_MAX:
        fail(
            "deeds",
            _("Keep the deeds within %(n)s characters (now %(count)s).")
            % {"n": DEEDS_MAX, "count": len(data["deeds"])},
        )
    meeting = data["review_meeting_on"]
    if meeting is not None and meeting > today:
        fail("review_meeting_on", _("The democratic review's meeting cannot be in the future."))
    attendance = data["review_attendance"]
    votes = [data[name] for name in ("votes_for", "votes_against", "votes_abstaining")]
    if attendance is not None and attendance < 1:
        fail("review_attendance", _("Give how many attended: at least 1."))
    if attendance is not None and any(v is not None for v in votes):
        total = sum(v or 0 for v in votes)
        if total > attendance:
            fail(
                "votes_for",
                _("%(total)s votes were counted but only %(attended)s attended.")
                % {"total": total, "attended": attendance},
            )
    start, end = data["unit_notice_from"], data["unit_notice_to"]
    if start and end and end < start:
        fail("unit_notice_to", _("The unit's notice cannot end before it starts."))
    if start and start > today:
        fail("unit_notice_from", _("The unit's notice cannot start in the future."))
    award = data["from_award"]
    if award is not None and award.entry.union_id != union.pk:
        data["from_award"] = None
    if errors:
        raise ValidationError(errors)
    return data


def _check_kind(round_: Round, kind: HonourKind) -> None:
    if not round_.kinds.filter(pk=kind.pk).exists():
        raise ValidationError({"kind": _("Choose an honour of this round.")})


@transaction.atomic
def nomination_create(*, round: Round, union: Union, kind: HonourKind, by, **fields) -> Nomination:  # noqa: A002
    """Draft a nomination of ``union`` in ``round``; submitted later with ``nomination_submit``."""
    round_ = Round.objects.select_for_update().select_related("organiser").get(pk=round.pk)
    if not perms.can_nominate_for(by, round_, union):
        raise ValidationError(_("You may not nominate for this union in this round."), code="scope")
    if not is_taking_nominations(round_):
        raise ValidationError(
            _("Nominations closed on %(date)s.") % {"date": round_.nominations_close.isoformat()}, code="closed"
        )
    _check_kind(round_, kind)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    data = _clean(round_=round_, union=union, kind=kind, fields=fields)
    nomination = Nomination.objects.create(round=round_, union=union, kind=kind, created_by=by, **data)
    record(
        kinds.NOMINATION_CREATED,
        actor=by,
        union=union,
        target=nomination,
        detail={"round": round_.pk, "kind": kind.pk, "member": nomination.member_id},
    )
    return nomination


def _locked(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round__organiser", "union", "kind")
        .get(pk=nomination.pk)
    )


def _check_editable(nomination: Nomination, by) -> None:
    if not perms.can_see_nomination(by, nomination):
        raise PermissionDenied
    if not nomination.is_editable:
        raise ValidationError(
            _("This nomination is %(status)s: it can no longer be changed.")
            % {"status": nomination.get_status_display()},
            code="not_editable",
        )
    if nomination.status == Nomination.Status.DRAFT and not is_taking_nominations(nomination.round):
        raise ValidationError(
            _("Nominations closed on %(date)s.") % {"date": nomination.round.nominations_close.isoformat()},
            code="closed",
        )
    if nomination.status == Nomination.Status.RETURNED and nomination.round.status not in RESUBMITTABLE_ROUND:
        raise ValidationError(_("The round is past its reviews: this nomination can no longer be sent again."))


@transaction.atomic
def nomination_update(*, nomination: Nomination, by, **fields) -> Nomination:
    """Change a draft or a returned nomination (its round, union and honour stay)."""
    nomination = _locked(nomination)
    _check_editable(nomination, by)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    current = {name: getattr(nomination, name) for name in FIELDS}
    data = _clean(round_=nomination.round, union=nomination.union, kind=nomination.kind, fields=current | fields)
    changed = [name for name in FIELDS if data[name] != current[name]]
    for name in changed:
        setattr(nomination, name, data[name])
    nomination.updated_at = timezone.now()
    nomination.save(update_fields=[*changed, "updated_at"])
    record(
        kinds.NOMINATION_CHANGED,
        actor=by,
        union=nomination.union,
        target=nomination,
        detail={"changed": changed},
    )
    return nomination


@transaction.atomic
def nomination_file_add(
    *, nomination: Nomination, purpose: str, item: EvidenceItem | None, upload, by
) -> NominationFile:
    """Attach a file: for a line of the checklist, the democratic review's minutes, or the unit's notice."""
    nomination = _locked(nomination)
    _check_editable(nomination, by)
    if purpose == NominationFile.Purpose.EVIDENCE:
        if item is None or item.kind_id != nomination.kind_id:
            raise ValidationError({"item": _("Choose a line of this honour's checklist.")})
    elif purpose in (NominationFile.Purpose.MINUTES, NominationFile.Purpose.UNIT_NOTICE):
        item = None
    else:
        raise ValidationError({"purpose": _("Choose what the file is for.")})
    if upload is None:
        raise ValidationError({"upload": _("Choose a file.")})
    have = NominationFile.objects.filter(nomination=nomination).count()
    if have >= MAX_FILES:
        raise ValidationError(
            _("At most %(n)s files per nomination: remove one first.") % {"n": MAX_FILES}, code="too_many"
        )
    file_kind = check_file(upload)
    original = (upload.name or "").rsplit("/", 1)[-1][:200] or f"file.{file_kind}"
    size = upload.size
    upload.name = f"nomination.{file_kind}"
    attached = NominationFile.objects.create(
        nomination=nomination,
        purpose=purpose,
        item=item,
        file=upload,
        original_name=original,
        size=size,
        uploaded_by=by,
    )
    nomination.updated_at = timezone.now()
    nomination.save(update_fields=["updated_at"])
    record(
        kinds.NOMINATION_CHANGED,
        actor=by,
        union=nomination.union,
        target=nomination,
        detail={"file_added": attached.pk, "purpose": purpose, "item": item.pk if item else None},
    )
    return attached


@transaction.atomic
def nomination_file_remove(*, file: NominationFile, by) -> None:  # noqa: A002
    nomination = _locked(file.nomination)
    _check_editable(nomination, by)
    file = NominationFile.objects.select_for_update().get(pk=file.pk, nomination=nomination)
    stored, name = file.file, file.original_name
    file.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
    nomination.updated_at = timezone.now()
    nomination.save(update_fields=["updated_at"])
    record(
        kinds.NOMINATION_CHANGED,
        actor=by,
        union=nomination.union,
        target=nomination,
        detail={"file_removed": name},
    )


def submit_problems(nomination: Nomination) -> list[str]:
    """Every reason the nomination cannot be submitted now, as sentences; empty when it can."""
    problems = []
    missing = missing_items(nomination)
    if missing:
        problems.append(_("Missing: %(items)s.") % {"items": pgettext("list separator", ", ").join(missing)})
    purposes = set(NominationFile.objects.filter(nomination=nomination).values_list("purpose", flat=True))
    review = [getattr(nomination, name) for name in REVIEW_FIELDS]
    if any(value is None for value in review):
        problems.append(
            _(
                "Give the democratic review: the meeting's date, how many attended and the votes for, against and abstaining."
            )
        )
    if NominationFile.Purpose.MINUTES not in purposes:
        problems.append(_("Attach the minutes of the democratic review."))
    if nomination.unit_notice_from is None or nomination.unit_notice_to is None:
        problems.append(_("Give the dates of the unit's notice."))
    if NominationFile.Purpose.UNIT_NOTICE not in purposes:
        problems.append(_("Attach the unit's notice (no objection)."))
    quota = quota_problem(round=nomination.round, union=nomination.union, kind=nomination.kind)
    if quota:
        problems.append(quota)
    excluded = exclusion_problem(nomination)
    if excluded:
        problems.append(excluded)
    return problems


@transaction.atomic
def nomination_submit(*, nomination: Nomination, by) -> Nomination:
    """Send a draft (or a returned nomination, corrected) to its first review, or to the organiser's
    second review when the organiser nominates at its own level."""
    # The round is locked first: two clerks submitting under one quota at once are counted one by one.
    Round.objects.select_for_update().filter(pk=nomination.round_id).first()
    nomination = _locked(nomination)
    _check_editable(nomination, by)
    problems = submit_problems(nomination)
    if problems:
        raise ValidationError(problems, code="incomplete")
    resubmitted = nomination.status == Nomination.Status.RETURNED
    first_node = first_node_for(nomination.round, nomination.union)
    nomination.first_node = first_node
    nomination.status = Nomination.Status.SUBMITTED if first_node is not None else Nomination.Status.FORWARDED
    nomination.submitted_at = nomination.updated_at = timezone.now()
    nomination.return_reason = ""
    nomination.save(update_fields=["first_node", "status", "submitted_at", "updated_at", "return_reason"])
    record(
        kinds.NOMINATION_SUBMITTED,
        actor=by,
        union=nomination.union,
        target=nomination,
        detail={
            "round": nomination.round_id,
            "first_node": first_node.pk if first_node else None,
            "resubmitted": resubmitted,
        },
    )
    return nomination


@transaction.atomic
def nomination_withdraw(*, nomination: Nomination, by, reason: str = "") -> Nomination:
    """The nominating union takes a nomination back, at any point before the public notice."""
    nomination = _locked(nomination)
    if not perms.can_see_nomination(by, nomination):
        raise PermissionDenied
    if nomination.status not in Nomination.WITHDRAWABLE:
        raise ValidationError(
            _("This nomination is %(status)s: it can no longer be withdrawn.")
            % {"status": nomination.get_status_display()},
            code="not_withdrawable",
        )
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason within 500 characters.")})
    before = nomination.status
    nomination.status = Nomination.Status.WITHDRAWN
    nomination.updated_at = timezone.now()
    nomination.save(update_fields=["status", "updated_at"])
    record(
        kinds.NOMINATION_WITHDRAWN,
        actor=by,
        union=nomination.union,
        target=nomination,
        detail={"from": before, "reason": reason},
    )
    return nomination
