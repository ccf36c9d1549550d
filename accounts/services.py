"""Granting and revoking roles, and making staff accounts. Staff never act above their own subtree."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from . import audit
from .models import AuditEvent, Role, User
from .roles import grant_refusal
from .scope import forget_roles

A = AuditEvent.Action


def role_grant(*, user: User, union, kind: str, by: User) -> Role:
    # The refusal is checked and audited outside the transaction: the PermissionDenied that follows
    # would otherwise roll the FAILURE row back with it.
    refusal = grant_refusal(by, kind, union)
    if refusal:
        audit.record(
            A.ROLE_GRANTED,
            actor=by,
            result=AuditEvent.Result.FAILURE,
            union=union,
            target=user,
            detail={"kind": kind, "reason": "not_allowed"},
        )
        raise PermissionDenied(refusal)
    return _role_grant(user=user, union=union, kind=kind, by=by)


@transaction.atomic
def _role_grant(*, user: User, union, kind: str, by: User) -> Role:
    if union.is_closed:
        raise ValidationError(_("%(name)s is closed: no role can be granted there.") % {"name": union.name})
    role, created = Role.objects.get_or_create(user=user, union=union, kind=kind, defaults={"granted_by": by})
    if not created:
        raise ValidationError(_("%(user)s already holds this role here.") % {"user": user.display_name})
    forget_roles(user)
    audit.record(A.ROLE_GRANTED, actor=by, union=union, target=user, detail={"kind": kind, "role": role.pk})
    return role


@transaction.atomic
def role_revoke(*, role: Role, by: User) -> None:
    if grant_refusal(by, role.kind, role.union):
        raise PermissionDenied(_("You may not revoke this role."))
    if role.user_id == by.pk:
        raise ValidationError(_("You cannot revoke your own role; ask someone above you."))
    detail = {"kind": role.kind, "role": role.pk}
    user, union = role.user, role.union
    role.delete()
    forget_roles(user)
    audit.record(A.ROLE_REVOKED, actor=by, union=union, target=user, detail=detail)


@transaction.atomic
def staff_user_create(*, username: str, name: str, email: str, phone: str | None, by: User, request=None) -> User:
    """A staff account with no password yet: the new user sets one from the e-mailed link."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The username %(u)s is taken.") % {"u": username})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("Another account already uses this e-mail address."))
    if phone and User.objects.filter(phone=phone).exists():
        raise ValidationError(_("Another account already uses this mobile number."))
    user = User(username=username, name=name, email=email.lower(), phone=phone or None)
    user.set_unusable_password()
    user.save()
    _add_email_address(user)
    audit.record(A.USER_CREATED, actor=by, target=user)
    transaction.on_commit(lambda: _send_invitation(user, by, request))
    return user


def _add_email_address(user: User) -> None:
    # allauth looks e-mail logins up through its own table; the address came from a trusted colleague.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)


def _send_invitation(user: User, by: User, request) -> None:
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    link = request.build_absolute_uri(path) if request is not None else path
    context = {"user": user, "by": by, "link": link}
    send_mail(
        subject=_("Your union portal account"),
        message=render_to_string("emails/staff_invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
        html_message=render_to_string("emails/staff_invitation.html", context),
    )
