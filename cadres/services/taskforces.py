"""Task forces (工作专班): organised at a node, with a lead and members over a period; at the end the
lead assesses each member (grade and comment), which the yearly assessment reads.

States (``TASK_FORCE_STEPS``): working → being assessed → closed. Cadre officers whose scope covers
the organiser create the force, add and remove members while it works, open the assessment and close
it. The lead (a cadre with a portal account, not an officer) assesses the members while the force is
being assessed; an officer in scope may record an assessment too. Nobody assesses themself, and the
force closes only when every member has been assessed.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from unions.models import Union

from .. import kinds
from ..models import Cadre, PostingGrade, TaskForce, TaskForceMember
from ..permissions import can_manage, can_manage_cadre, is_own

T = TaskForce.Status

# step: (the states it starts from, the state it leads to); every step is an officer's but "assess".
TASK_FORCE_STEPS = {
    "add_member": ((T.ACTIVE,), None),
    "remove_member": ((T.ACTIVE,), None),
    "start_assessing": ((T.ACTIVE,), T.ASSESSING),
    "assess": ((T.ASSESSING,), None),  # the lead, or an officer in scope
    "close": ((T.ASSESSING,), T.CLOSED),
}


def _check_state(force: TaskForce, step: str) -> str | None:
    sources, target = TASK_FORCE_STEPS[step]
    if force.status not in sources:
        raise ValidationError(
            _("This cannot be done now: the task force is “%(state)s”.") % {"state": force.get_status_display()},
            code="out_of_order",
        )
    return target


def can_assess(user, force: TaskForce) -> bool:
    """The force's lead, or a cadre officer over its organiser."""
    return is_own(user, force.lead) or can_manage(user, force.organiser)


def _lock(force: TaskForce) -> TaskForce:
    return TaskForce.objects.select_for_update(of=("self",)).select_related("organiser", "lead").get(pk=force.pk)


@transaction.atomic
def task_force_create(
    *,
    organiser: Union,
    name: str,
    purpose: str,
    lead: Cadre,
    starts_on: datetime.date,
    ends_on: datetime.date,
    by,
) -> TaskForce:
    if not can_manage(by, organiser):
        raise PermissionDenied
    if not can_manage_cadre(by, lead):
        raise ValidationError(_("Choose a lead among the cadres in your part of the tree."), code="lead_scope")
    if not lead.in_post:
        raise ValidationError(_("The lead must be a cadre in post."), code="lead_not_in_post")
    if not name.strip() or not purpose.strip():
        raise ValidationError(_("Give the task force's name and purpose."), code="name")
    if ends_on < starts_on:
        raise ValidationError(_("The end cannot be before the start."), code="dates")
    return TaskForce.objects.create(
        organiser=organiser,
        name=name.strip(),
        purpose=purpose.strip(),
        lead=lead,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )


@transaction.atomic
def task_force_member_add(
    *, task_force: TaskForce, cadre: Cadre, duty: str = "", joined_on: datetime.date | None = None, by
) -> TaskForceMember:
    force = _lock(task_force)
    if not can_manage(by, force.organiser):
        raise PermissionDenied
    _check_state(force, "add_member")
    if not can_manage_cadre(by, cadre):
        raise ValidationError(_("Choose a cadre in your part of the tree."), code="member_scope")
    if not cadre.in_post:
        raise ValidationError(_("Only a cadre in post can join a task force."), code="not_in_post")
    joined_on = joined_on or max(force.starts_on, min(timezone.localdate(), force.ends_on))
    if not force.starts_on <= joined_on <= force.ends_on:
        raise ValidationError(_("A member joins within the task force's period."), code="joined_on")
    try:
        with transaction.atomic():
            return TaskForceMember.objects.create(
                task_force=force, cadre=cadre, duty=(duty or "").strip(), joined_on=joined_on
            )
    except IntegrityError:
        raise ValidationError(
            _("%(name)s is already a member of this task force.") % {"name": cadre.name}, code="member_twice"
        ) from None


@transaction.atomic
def task_force_member_remove(*, member: TaskForceMember, by) -> None:
    force = _lock(member.task_force)
    if not can_manage(by, force.organiser):
        raise PermissionDenied
    _check_state(force, "remove_member")
    TaskForceMember.objects.filter(pk=member.pk, task_force=force).delete()


@transaction.atomic
def task_force_start_assessing(*, task_force: TaskForce, by) -> TaskForce:
    """The work is done: the lead may now assess the members."""
    force = _lock(task_force)
    if not can_manage(by, force.organiser):
        raise PermissionDenied
    target = _check_state(force, "start_assessing")
    if not force.members.exists():
        raise ValidationError(_("The task force has no members to assess."), code="no_members")
    force.status = target
    force.save(update_fields=["status"])
    return force


@transaction.atomic
def task_force_member_assess(*, member: TaskForceMember, grade: str, comment: str, by) -> TaskForceMember:
    """The lead (or an officer in scope) grades one member; again while the force is being assessed
    replaces the grade. Nobody grades themself: the lead, when a member, is graded by an officer."""
    force = _lock(member.task_force)
    member = TaskForceMember.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=member.pk)
    if not can_assess(by, force):
        raise PermissionDenied
    _check_state(force, "assess")
    if member.cadre.user_id is not None and member.cadre.user_id == by.pk:
        raise ValidationError(
            _("Nobody assesses themself: a cadre officer records the lead's assessment."), code="self"
        )
    if grade not in PostingGrade.values:
        raise ValidationError(_("Choose the member's grade."), code="grade")
    member.grade, member.comment = grade, (comment or "").strip()
    member.assessed_by, member.assessed_at = by, timezone.now()
    member.save(update_fields=["grade", "comment", "assessed_by", "assessed_at"])
    audit.record(
        kinds.TASK_FORCE_MEMBER_ASSESSED,
        actor=by,
        union=force.organiser,
        target=member,
        detail={"task_force": force.pk, "grade": grade, "by_lead": is_own(by, force.lead)},
    )
    return member


@transaction.atomic
def task_force_close(*, task_force: TaskForce, by) -> TaskForce:
    """Closing needs every member assessed; the message names who is missing."""
    force = _lock(task_force)
    if not can_manage(by, force.organiser):
        raise PermissionDenied
    target = _check_state(force, "close")
    missing = list(force.members.filter(grade="").order_by("cadre__name").values_list("cadre__name", flat=True))
    if missing:
        raise ValidationError(
            _("Not every member has been assessed yet: %(names)s.") % {"names": "、".join(missing)},
            code="not_assessed",
        )
    force.status = target
    force.save(update_fields=["status"])
    return force
