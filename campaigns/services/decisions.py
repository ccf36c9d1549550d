"""The final decision (审定) on a round's nominees once their public notice has ended.

The organiser's staff confer the honour (an ``Honour`` in the register, the nomination AWARDED) or not
(REJECTED), each with a review row at the DECISION stage, under one document number (文号) and
conferring body. Refused, writing nothing: while the notice still runs, for a nominee with an objection
still open, for a nomination not in the notice (decided already, withdrawn…). ``round_decide`` decides
several at once, all or none. When no nomination of the round is left in the process, the round is
DECIDED.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.audit import record
from accounts.notify import notify

from .. import kinds
from ..honour_permissions import can_manage_round
from ..models import Honour, Nomination, NominationReview, Round
from ..objections import has_open_objection, open_objection_counts
from .register import check_document, clerks_of, lock_numbers, next_numbers, person_key_for

COMMENT_MAX = 500
# Still in the process: a round is decided when none of its nominations is left in these.
IN_PROCESS = tuple(status for status in Nomination.ALIVE if status != Nomination.Status.AWARDED)


def open_objection_ids(nomination_ids) -> set[int]:
    """The nominations among these with an objection still open, in one query (the decision page)."""
    return set(open_objection_counts(list(nomination_ids)))


def month_day(day) -> str:
    return pgettext("month and day", "%(month)s/%(day)s") % {"month": day.month, "day": day.day}


def problem(nomination: Nomination, today=None) -> str | None:
    """Why this nomination cannot be decided now, or None."""
    today = today or timezone.localdate()
    name = nomination.nominee_name
    if nomination.status in (Nomination.Status.AWARDED, Nomination.Status.REJECTED):
        return _("%(name)s has already been decided.") % {"name": name}
    if nomination.status != Nomination.Status.NOTICE or nomination.notice is None:
        return _("%(name)s is %(status)s: only a nominee in the public notice can be decided.") % {
            "name": name,
            "status": nomination.get_status_display(),
        }
    if today <= nomination.notice.last_day:
        return _("The public notice runs until %(date)s: the decision can be made once it has ended.") % {
            "date": month_day(nomination.notice.last_day)
        }
    if has_open_objection(nomination):
        return _("%(name)s has an objection still open.") % {"name": name}
    return None


@dataclass(frozen=True)
class Choice:
    """One nominee's decision in ``round_decide``."""

    nomination: Nomination
    confer: bool
    comment: str = ""


def _locked(ids) -> dict[int, Nomination]:
    rows = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round__organiser", "notice", "union", "kind", "member", "created_by")
        .filter(pk__in=list(ids))
        .order_by("pk")
    )
    return {row.pk: row for row in rows}


def _decide_locked(
    nomination: Nomination,
    *,
    confer: bool,
    comment: str,
    number: str | None,
    document_number: str,
    conferring_body: str,
    decided_on,
    by,
) -> Honour | None:
    round_ = nomination.round
    now = timezone.now()
    honour = None
    if confer:
        honour = Honour.objects.create(
            kind=nomination.kind,
            round=round_,
            nomination=nomination,
            year=round_.year,
            level=round_.level,
            holder_name=nomination.nominee_name,
            sex=nomination.sex,
            birth_date=nomination.birth_date,
            member=nomination.member,
            person_key=person_key_for(
                member=nomination.member, name=nomination.nominee_name, birth_date=nomination.birth_date
            ),
            unit_name=nomination.unit_name,
            post=nomination.post,
            union=nomination.union,
            document_number=document_number,
            conferring_body=conferring_body,
            decided_on=decided_on,
            number=number,
            in_hardship=bool(nomination.member and nomination.member.is_in_hardship),
            created_by=by,
        )
    nomination.status = Nomination.Status.AWARDED if confer else Nomination.Status.REJECTED
    nomination.updated_at = now
    nomination.save(update_fields=["status", "updated_at"])
    NominationReview.objects.create(
        nomination=nomination,
        stage=NominationReview.Stage.DECISION,
        outcome=NominationReview.Outcome.PASSED if confer else NominationReview.Outcome.REJECTED,
        comment=comment,
        by=by,
        at=now,
    )
    detail = {"round": round_.pk, "document_number": document_number, "stage": NominationReview.Stage.DECISION}
    if honour is not None:
        detail["number"] = honour.number
    record(
        kinds.NOMINATION_AWARDED if confer else kinds.NOMINATION_REJECTED,
        actor=by,
        union=nomination.union,
        target=nomination,
        detail=detail,
    )
    if confer:
        title = _("%(name)s was awarded %(honour)s") % {"name": nomination.nominee_name, "honour": nomination.kind.name}
        body = _("Conferred by %(body)s, %(document)s. The certificate can be downloaded from the register.") % {
            "body": conferring_body,
            "document": document_number,
        }
    else:
        title = _("%(name)s was not awarded %(honour)s") % {
            "name": nomination.nominee_name,
            "honour": nomination.kind.name,
        }
        body = comment
    recipients = clerks_of(nomination.union)
    if nomination.created_by.is_active:
        recipients.add(nomination.created_by)
    for user in recipients:
        notify(
            recipient=user,
            kind=kinds.NOMINATION_AWARDED if confer else kinds.NOMINATION_REJECTED,
            title=title,
            body=body,
            url=reverse("campaigns:nomination_detail", args=[nomination.pk]),
            key=f"{kinds.NOMINATION_AWARDED}:decision:{nomination.pk}",
        )
    return honour


def close_round_if_done(round_: Round, by) -> None:
    """The round is decided once none of its nominations is left in the process (after a decision, or an
    objection upheld against the last one in the notice)."""
    if round_.status == Round.Status.DECIDED:
        return
    if Nomination.objects.filter(round=round_, status__in=IN_PROCESS).exists():
        return
    round_.status = Round.Status.DECIDED
    round_.save(update_fields=["status"])


def _clean(document_number, conferring_body, round_: Round) -> tuple[str, str]:
    return (document_number or "").strip()[:60], ((conferring_body or "").strip() or round_.conferring_body)[:100]


@transaction.atomic
def round_decide(
    *, round: Round, choices: list[Choice], document_number: str, conferring_body: str, decided_on, by
) -> list[Honour]:
    """Decide the chosen nominees of ``round`` under one document: all of them, or (with any one refused)
    none, every problem named."""
    round_ = Round.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=round.pk)
    if not can_manage_round(by, round_):
        raise PermissionDenied
    document_number, conferring_body = _clean(document_number, conferring_body, round_)
    errors = check_document(document_number=document_number, conferring_body=conferring_body, decided_on=decided_on)
    if errors:
        raise ValidationError(errors)
    if not choices:
        raise ValidationError(_("Choose at least one nominee to decide."), code="empty")
    choices = list({choice.nomination.pk: choice for choice in choices}.values())  # one each
    locked = _locked(choice.nomination.pk for choice in choices)
    problems = []
    today = timezone.localdate()
    for choice in choices:
        nomination = locked.get(choice.nomination.pk)
        if nomination is None or nomination.round_id != round_.pk:
            problems.append(_("%(name)s is not a nominee of this round.") % {"name": choice.nomination.nominee_name})
            continue
        if reason := problem(nomination, today):
            problems.append(reason)
        elif not choice.confer and not (choice.comment or "").strip():
            problems.append(
                _("Give the reason for not conferring the honour on %(name)s.") % {"name": nomination.nominee_name}
            )
        elif len(choice.comment or "") > COMMENT_MAX:
            problems.append(
                _("Keep the comment on %(name)s within %(max)s characters.")
                % {"name": nomination.nominee_name, "max": COMMENT_MAX}
            )
    if problems:
        # one message per line, the same sentence once (the notice's end is the same for all)
        raise ValidationError(list(dict.fromkeys(problems)), code="refused")
    lock_numbers(round_.year)
    conferred = [choice for choice in choices if choice.confer]
    numbers = iter(next_numbers(round_.year, len(conferred)) if conferred else [])
    honours = []
    for choice in choices:
        nomination = locked[choice.nomination.pk]
        nomination.round = round_
        honour = _decide_locked(
            nomination,
            confer=choice.confer,
            comment=(choice.comment or "").strip(),
            number=next(numbers) if choice.confer else None,
            document_number=document_number,
            conferring_body=conferring_body,
            decided_on=decided_on,
            by=by,
        )
        if honour is not None:
            honours.append(honour)
    close_round_if_done(round_, by)
    return honours


@transaction.atomic
def nomination_decide(
    *,
    nomination: Nomination,
    confer: bool,
    document_number: str,
    conferring_body: str,
    decided_on,
    comment: str = "",
    by,
) -> Honour | None:
    """Decide one nominee: the honour conferred (returned) or not (None)."""
    honours = round_decide(
        round=nomination.round,
        choices=[Choice(nomination=nomination, confer=confer, comment=comment)],
        document_number=document_number,
        conferring_body=conferring_body,
        decided_on=decided_on,
        by=by,
    )
    return honours[0] if honours else None
