"""Review level by level (逐级审核): a level's decision on a nomination, and a level forwarding its list.

The stage follows from the nomination's status: a submitted nomination is at the first review (the
district or industry union over the nominating union, ``Nomination.first_node``), a forwarded one at
the second review (the organiser), one in joint vetting may only be rejected here (vetting itself is
``campaigns.services.vetting``). Each decision is one ``NominationReview`` row; a return or a rejection
tells the nominating union's clerks. A return sends the nomination back to its nominator with the reason
(they edit it and submit it again, and it starts again at the first review).

A first-review level passes nominations one by one, then forwards its passed list (上报) in one go: the
round's structural rules and the level's quotas are checked over the list as it would be once forwarded
(what the level forwarded before and these), each failure named, and nothing moves if one fails.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record
from accounts.notify import notify
from unions.models import Role, Union

from .. import honour_permissions, kinds
from ..models import Forwarding, HonourKind, Nomination, NominationReview, Quota, Round
from ..structure import ratio_failures

Status = Nomination.Status
Stage = NominationReview.Stage
Outcome = NominationReview.Outcome

# The status a nomination waits in for each stage, and whether the user may decide there.
STAGE_OF = {
    Status.SUBMITTED: Stage.FIRST,
    Status.FORWARDED: Stage.SECOND,
    Status.VETTING: Stage.VETTING,
}
# What each stage may decide here (vetting passes through ``campaigns.services.vetting``).
OUTCOMES = {
    Stage.FIRST: (Outcome.PASSED, Outcome.RETURNED, Outcome.REJECTED),
    Stage.SECOND: (Outcome.PASSED, Outcome.RETURNED, Outcome.REJECTED),
    Stage.VETTING: (Outcome.REJECTED,),
}
# Forwarded by a first-review level and still alive: they count with the list the level forwards next.
ALREADY_FORWARDED = (Status.FORWARDED, Status.VETTING, Status.VETTED, Status.NOTICE, Status.AWARDED)
COMMENT_MAX = 500


def may_review(user, nomination: Nomination) -> bool:
    """Whether the user may decide on the nomination at its current stage."""
    stage = STAGE_OF.get(nomination.status)
    if stage == Stage.FIRST:
        return honour_permissions.can_first_review(user, nomination)
    if stage == Stage.SECOND:
        return honour_permissions.can_second_review(user, nomination)
    if stage == Stage.VETTING:
        return honour_permissions.can_vet(user, nomination)
    return False


def clerks_to_tell(nomination: Nomination) -> set:
    """The nominating union's clerks and whoever created the nomination, if their accounts are active."""
    users = {
        role.user
        for role in Role.objects.filter(union=nomination.union, kind=Role.Kind.UNION_CLERK).select_related("user")
        if role.user.is_active
    }
    if nomination.created_by.is_active:
        users.add(nomination.created_by)
    return users


def _tell_nominator(nomination: Nomination, review: NominationReview, kind: str, title: str) -> None:
    url = reverse("campaigns:nomination_detail", args=[nomination.pk])
    for user in clerks_to_tell(nomination):
        notify(recipient=user, kind=kind, title=title, body=review.comment, url=url, key=f"{kind}:review:{review.pk}")


@transaction.atomic
def nomination_review(
    *, nomination: Nomination, outcome: str, comment: str = "", by, expected_status: str | None = None
) -> NominationReview:
    """Pass, return (with a reason) or reject the nomination at its current stage.

    ``expected_status`` is the status the reviewer's page showed: if the nomination has moved since
    (another reviewer, a withdrawal), nothing is written and the message says where it is now.
    Passing the first review → FIRST_PASSED (to be forwarded with the level's list); passing the second
    review → VETTING, and joint vetting starts (``vetting.vetting_start``).
    """
    from .vetting import vetting_start

    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round__organiser", "union", "first_node", "kind", "created_by", "cadre_record")
        .get(pk=nomination.pk)
    )
    if expected_status and nomination.status != expected_status:
        raise ValidationError(
            _(
                "This nomination has moved on since the page was opened: it is now “%(status)s”. "
                "Nothing was recorded; look at it again."
            )
            % {"status": nomination.get_status_display()},
            code="stale",
        )
    stage = STAGE_OF.get(nomination.status)
    if stage is None:
        raise ValidationError(
            _("This nomination is “%(status)s”: it is not waiting for a review.")
            % {"status": nomination.get_status_display()},
            code="not_waiting",
        )
    if not may_review(by, nomination):
        raise PermissionDenied
    if outcome not in OUTCOMES[stage]:
        raise ValidationError(_("Choose pass, return or reject."), code="outcome")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {"comment": _("At most %(n)d characters.") % {"n": COMMENT_MAX}},
        )
    if outcome in (Outcome.RETURNED, Outcome.REJECTED) and not comment:
        raise ValidationError(
            {
                "comment": _("Give the reason for returning the nomination.")
                if outcome == Outcome.RETURNED
                else _("Give the reason for rejecting the nomination.")
            }
        )
    now = timezone.now()
    review = NominationReview.objects.create(
        nomination=nomination, stage=stage, outcome=outcome, comment=comment, by=by, at=now
    )
    fields = ["status", "updated_at"]
    if outcome == Outcome.PASSED:
        nomination.status = Status.FIRST_PASSED if stage == Stage.FIRST else Status.VETTING
        action = kinds.NOMINATION_REVIEWED
    elif outcome == Outcome.RETURNED:
        nomination.status = Status.RETURNED
        nomination.return_reason = comment
        fields.append("return_reason")
        action = kinds.NOMINATION_RETURNED
    else:
        nomination.status = Status.REJECTED
        action = kinds.NOMINATION_REJECTED
    nomination.updated_at = now
    nomination.save(update_fields=fields)
    record(
        action,
        actor=by,
        union=nomination.union,
        target=nomination,
        detail={"round": nomination.round_id, "stage": stage, "outcome": outcome},
    )
    values = {"name": nomination.nominee_name, "honour": nomination.kind.name, "stage": review.get_stage_display()}
    if outcome == Outcome.RETURNED:
        _tell_nominator(
            nomination,
            review,
            action,
            _("The nomination of %(name)s for %(honour)s was returned at the %(stage)s") % values,
        )
    elif outcome == Outcome.REJECTED:
        _tell_nominator(
            nomination,
            review,
            action,
            _("The nomination of %(name)s for %(honour)s was rejected at the %(stage)s") % values,
        )
    if nomination.status == Status.VETTING:
        vetting_start(nomination=nomination, by=by)
    return review


# --- forwarding a level's list ---------------------------------------------------------------------------
def level_list(round_: Round, node: Union):
    """The level's list: passed and waiting to be forwarded, and forwarded before (still alive)."""
    return Nomination.objects.filter(
        round=round_, first_node=node, status__in=(Status.FIRST_PASSED, *ALREADY_FORWARDED)
    ).select_related("kind", "union")


def quota_rows(round_: Round, node: Union, nominations=None) -> list[dict]:
    """Per kind of the level's list: how many wait, were forwarded before, in all, the node's quota and
    whether the list keeps to it, in three queries. A kind the round gives quotas for, but none to this
    node, has no places (as ``campaigns.quotas`` says at submission)."""
    nominations = level_list(round_, node) if nominations is None else nominations
    counts = {
        row["kind_id"]: row
        for row in nominations.order_by()
        .values("kind_id")
        .annotate(
            waiting=Count("id", filter=Q(status=Status.FIRST_PASSED)),
            forwarded=Count("id", filter=~Q(status=Status.FIRST_PASSED)),
        )
    }
    if not counts:
        return []
    names = HonourKind.objects.in_bulk(list(counts))
    quotas = Quota.objects.filter(round=round_, kind_id__in=list(counts)).order_by()
    given = dict(quotas.filter(node=node).values_list("kind_id", "count"))
    limited = set(quotas.values_list("kind_id", flat=True).distinct())
    rows = []
    for kind_id in sorted(counts, key=lambda pk: (names[pk].order, pk)):
        row = counts[kind_id]
        quota = given.get(kind_id, 0 if kind_id in limited else None)
        total = row["waiting"] + row["forwarded"]
        rows.append(
            {
                "kind": names[kind_id],
                "waiting": row["waiting"],
                "forwarded": row["forwarded"],
                "total": total,
                "quota": quota,
                "ok": quota is None or total <= quota,
            }
        )
    return rows


def forward_failures(round_: Round, node: Union, nominations=None, *, quotas: list[dict] | None = None) -> list[str]:
    """Every reason the list may not go up: each structural rule it breaks, each quota it exceeds."""
    nominations = level_list(round_, node) if nominations is None else nominations
    failures = list(ratio_failures(round_, nominations))
    for row in quota_rows(round_, node, nominations) if quotas is None else quotas:
        if not row["ok"]:
            failures.append(
                _("%(honour)s %(count)d forwarded, quota %(quota)d")
                % {"honour": row["kind"].name, "count": row["total"], "quota": row["quota"]}
            )
    return failures


@transaction.atomic
def list_forward(*, round: Round, node: Union, by) -> Forwarding:  # noqa: A002 (the agreed keyword)
    """Forward the level's passed list to the organiser: every FIRST_PASSED nomination of the round whose
    first review is ``node`` → FORWARDED, in one UPDATE, if the list (with what the level forwarded
    before) keeps to the structural rules and the quotas; otherwise nothing moves and every failure is
    named."""
    round_ = Round.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=round.pk)
    node = Union.objects.get(pk=node.pk)
    if not honour_permissions.can_forward_for(by, round_, node):
        raise PermissionDenied
    locked = list(level_list(round_, node).select_for_update(of=("self",)).order_by("pk"))
    waiting = [n for n in locked if n.status == Status.FIRST_PASSED]
    if not waiting:
        raise ValidationError(
            _("%(node)s has no passed nomination waiting to be forwarded in this round.") % {"node": node.name},
            code="nothing",
        )
    failures = forward_failures(round_, node)
    if failures:
        raise ValidationError(failures, code="rules")
    now = timezone.now()
    ids = [n.pk for n in waiting]
    moved = Nomination.objects.filter(pk__in=ids, status=Status.FIRST_PASSED).update(
        status=Status.FORWARDED, updated_at=now
    )
    forwarding = Forwarding.objects.create(round=round_, node=node, count=moved, by=by, at=now)
    by_kind = dict(
        Nomination.objects.filter(pk__in=ids)
        .values_list("kind__name")
        .annotate(n=Count("id"))
        .values_list("kind__name", "n")
    )
    record(
        kinds.LIST_FORWARDED,
        actor=by,
        union=node,
        target=round_,
        detail={"forwarding": forwarding.pk, "count": moved, "by_kind": by_kind, "nominations": ids},
    )
    return forwarding
