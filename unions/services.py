"""Every change to the union tree and to who holds roles on it: checked, audited, in one transaction."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import audit
from accounts import kinds as account_kinds
from accounts import services as account_services
from accounts.models import AuditEvent, User
from accounts.validators import validate_single_line

from . import kinds, signals
from .credit_code import normalise as normalise_credit_code
from .credit_code import validate_credit_code
from .models import Role, Union
from .permissions import (
    can_close,
    can_edit,
    can_grant,
    can_manage_below,
    can_move_under,
    can_reset_mfa,
    grant_refusal,
)
from .scope import forget_roles

# Fields a staff member may set on a union; everything else (tree position, state) has its own service.
EDITABLE_FIELDS = (
    "name",
    "credit_code",
    "employer_name",
    "employer_staff_count",
    "employer_ownership",
    "chair_name",
    "founded_on",
    "has_women_committee",
    "address",
)


def _clean_credit_code(fields: dict) -> None:
    """Services are also called by commands and imports, not only through the form: check the code here too."""
    if fields.get("credit_code"):
        fields["credit_code"] = normalise_credit_code(fields["credit_code"])
        validate_credit_code(fields["credit_code"])


def _check_single_line(fields: dict) -> None:
    """Names go into e-mail subjects: one line each, whichever way the service is called."""
    for field in ("name", "employer_name", "chair_name", "address"):
        if fields.get(field):
            validate_single_line(fields[field])


def _changed(before: dict, after: Union, fields) -> dict:
    return {f: [str(before[f]), str(getattr(after, f))] for f in fields if before[f] != getattr(after, f)}


@transaction.atomic
def union_create(*, parent: Union, by, **fields) -> Union:
    if not can_manage_below(by, parent):
        raise PermissionDenied
    parent = Union.objects.select_for_update().get(pk=parent.pk)
    if parent.is_closed:
        raise ValidationError(_("%(name)s is closed: no union can be added under it.") % {"name": parent.name})
    kind = fields.get("kind")
    if kind not in Union.Kind.values:
        raise ValidationError(_("Choose the kind of the new union."))
    if not parent.may_hold(kind):
        raise ValidationError(
            _("A union of the kind “%(child)s” cannot be placed under one of the kind “%(parent)s”.")
            % {"child": Union.Kind(kind).label, "parent": parent.get_kind_display()}
        )
    _clean_credit_code(fields)
    _check_single_line(fields)
    values = {f: fields[f] for f in ("kind", *EDITABLE_FIELDS) if f in fields}
    union = Union.objects.add_child(parent, values)
    audit.record(kinds.UNION_CREATED, actor=by, union=union, target=union, detail={"parent": parent.pk})
    signals.unions_reshaped()
    return union


@transaction.atomic
def union_update(*, union: Union, by, **fields) -> Union:
    if not can_edit(by, union):
        raise PermissionDenied
    _clean_credit_code(fields)
    _check_single_line(fields)
    union = Union.objects.select_for_update().get(pk=union.pk)
    before = {f: getattr(union, f) for f in EDITABLE_FIELDS}
    for field in EDITABLE_FIELDS:
        if field in fields:
            setattr(union, field, fields[field])
    changes = _changed(before, union, EDITABLE_FIELDS)
    if changes:
        union.save(update_fields=[*changes, "updated_at"])
        audit.record(kinds.UNION_UPDATED, actor=by, union=union, target=union, detail={"changed": sorted(changes)})
        signals.unions_reshaped()
    return union


@transaction.atomic
def union_move(*, union: Union, new_parent: Union, by) -> Union:
    """Move a union and its whole subtree under another node. City administrators only."""
    if not can_move_under(by, union, new_parent):
        raise PermissionDenied
    union = Union.objects.select_for_update().get(pk=union.pk)
    new_parent = Union.objects.select_for_update().get(pk=new_parent.pk)
    if new_parent.path.startswith(union.path):
        raise ValidationError(_("A union cannot be moved under itself or one of its own subordinate unions."))
    if new_parent.is_closed:
        raise ValidationError(_("%(name)s is closed: no union can be moved under it.") % {"name": new_parent.name})
    if not new_parent.may_hold(union.kind):
        raise ValidationError(
            _("A union of the kind “%(child)s” cannot be placed under one of the kind “%(parent)s”.")
            % {"child": union.get_kind_display(), "parent": new_parent.get_kind_display()}
        )
    old_parent = Union.objects.get_parent(union)
    if old_parent is not None and old_parent.pk == new_parent.pk:
        raise ValidationError(_("The union is already directly under %(name)s.") % {"name": new_parent.name})
    Union.objects.move(union, new_parent, "last-child")
    union.refresh_from_db()
    audit.record(
        kinds.UNION_MOVED,
        actor=by,
        union=union,
        target=union,
        detail={"from": old_parent.pk if old_parent else None, "to": new_parent.pk},
    )
    signals.unions_reshaped()
    return union


@transaction.atomic
def union_close(*, union: Union, on: datetime.date, reason: str, by) -> Union:
    """Close a union. Unions are never deleted: their history and members' history refer to them."""
    if not can_close(by, union):
        raise PermissionDenied
    union = Union.objects.select_for_update().get(pk=union.pk)
    if union.is_closed:
        raise ValidationError(_("This union was already closed on %(date)s.") % {"date": union.closed_on})
    open_children = Union.objects.filter(
        path__startswith=union.path, depth=union.depth + 1, closed_on__isnull=True
    ).count()
    if open_children:
        raise ValidationError(
            ngettext(
                "%(n)d subordinate union is still open: close or move it first.",
                "%(n)d subordinate unions are still open: close or move them first.",
                open_children,
            )
            % {"n": open_children}
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for closing the union."))
    union.closed_on = on
    union.close_reason = reason.strip()
    union.save(update_fields=["closed_on", "close_reason", "updated_at"])
    audit.record(kinds.UNION_CLOSED, actor=by, union=union, target=union, detail={"on": on.isoformat()})
    signals.unions_reshaped()
    return union


# --- roles -----------------------------------------------------------------------------------------


def role_grant(*, user: User, union: Union, kind: str, by: User) -> Role:
    # The refusal is checked and audited outside the transaction: the PermissionDenied that follows
    # would otherwise roll the FAILURE row back with it.
    refusal = grant_refusal(by, kind, union)
    if refusal:
        audit.record(
            kinds.ROLE_GRANTED,
            actor=by,
            result=AuditEvent.Result.FAILURE,
            union=union,
            target=user,
            detail={"kind": kind, "reason": "not_allowed"},
        )
        raise PermissionDenied(refusal)
    return _role_grant(user=user, union=union, kind=kind, by=by)


@transaction.atomic
def _role_grant(*, user: User, union: Union, kind: str, by: User) -> Role:
    if union.is_closed:
        raise ValidationError(_("%(name)s is closed: no role can be granted there.") % {"name": union.name})
    role, created = Role.objects.get_or_create(user=user, union=union, kind=kind, defaults={"granted_by": by})
    if not created:
        raise ValidationError(_("%(user)s already holds this role here.") % {"user": user.display_name})
    forget_roles(user)
    audit.record(kinds.ROLE_GRANTED, actor=by, union=union, target=user, detail={"kind": kind, "role": role.pk})
    account_services.mfa_enrolment_link_offer(user=user, by=by)
    return role


@transaction.atomic
def role_revoke(*, role: Role, by: User) -> None:
    # Whoever may grant a role may revoke it; their own is refused with its own message below.
    if not can_grant(by, role.kind, role.union):
        raise PermissionDenied(_("You may not revoke this role."))
    if role.user_id == by.pk:
        raise ValidationError(_("You cannot revoke your own role; ask someone above you."))
    detail = {"kind": role.kind, "role": role.pk}
    user, union = role.user, role.union
    role.delete()
    forget_roles(user)
    audit.record(kinds.ROLE_REVOKED, actor=by, union=union, target=user, detail=detail)


def staff_mfa_reset(*, user: User, by: User, request=None) -> None:
    """Remove a staff member's authenticators and e-mail them a fresh set-up link (a lost phone, an
    expired invitation). Only a city administrator, for staff wholly inside their subtree."""
    if not can_reset_mfa(by, user):
        # Audited outside the transaction, like a refused grant, so the FAILURE row stays.
        audit.record(
            account_kinds.MFA_ENROLMENT_RESET,
            actor=by,
            result=AuditEvent.Result.FAILURE,
            target=user,
            detail={"reason": "not_allowed"},
        )
        raise PermissionDenied(_("You may not reset this person's authenticator."))
    account_services.mfa_enrolment_reset(user=user, by=by, request=request)
