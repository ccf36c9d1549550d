"""Making staff accounts and their authenticator set-up links.

Who may make them, and where, is the union tree's rule (unions.services): these functions only act.
"""

import datetime
import secrets

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, kinds
from .mfa_policy import needs_mfa
from .models import MfaEnrolmentLink, User
from .selectors import has_totp


def mfa_enrolment_link_offer(*, user: User, by: User) -> None:
    """After a role was granted: an existing account that now needs a second factor it has not set up
    gets a set-up link by e-mail, as a new account gets one with its invitation."""
    if _needs_enrolment_link(user):
        token = mfa_enrolment_link_issue(user=user, by=by)
        transaction.on_commit(lambda: _send_enrolment_link(user, by, token, None, reset=False))


def _needs_enrolment_link(user: User) -> bool:
    # A new account (no usable password yet) is covered by its invitation.
    if not (settings.STAFF_MFA_REQUIRED and user.email and user.has_usable_password() and needs_mfa(user)):
        return False
    if has_totp(user):
        return False
    return not MfaEnrolmentLink.objects.filter(user=user, closed_at=None, expires_at__gt=timezone.now()).exists()


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
    audit.record(kinds.USER_CREATED, actor=by, target=user)
    token = mfa_enrolment_link_issue(user=user, by=by)
    transaction.on_commit(lambda: _send_invitation(user, by, token, request))
    return user


def _add_email_address(user: User) -> None:
    # allauth looks e-mail logins up through its own table; the address came from a trusted colleague.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)


def _send_invitation(user: User, by: User, token: str, request) -> None:
    # One link does both: it proves the address, sets the password, then opens the authenticator set-up.
    _mail_link(user, by, token, request, subject=_("Your union portal account"), template="staff_invitation")


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


# --- authenticator set-up links ----------------------------------------------------------------


def mfa_enrolment_path(token: str) -> str:
    return reverse("accounts:mfa_enrol", kwargs={"token": token})


@transaction.atomic
def mfa_enrolment_link_issue(*, user: User, by: User | None) -> str:
    """A new set-up link for the user; any older one stops working. Returns the token, shown once."""
    # The account's row is locked so that two links issued at once cannot both stay open.
    User.objects.select_for_update().filter(pk=user.pk).exists()
    now = timezone.now()
    MfaEnrolmentLink.objects.filter(user=user, closed_at=None).update(closed_at=now)
    token = secrets.token_urlsafe(32)
    MfaEnrolmentLink.objects.create(
        user=user,
        token_hash=MfaEnrolmentLink.hash_token(token),
        created_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(hours=settings.MFA_ENROLMENT_LINK_HOURS),
    )
    return token


def mfa_enrolment_link_opened(*, link: MfaEnrolmentLink) -> None:
    """Opening the link proves the address it was sent to; allauth sets up no authenticator for an
    account whose address is unverified."""
    from allauth.account.models import EmailAddress

    if link.user.email:
        EmailAddress.objects.filter(user=link.user, email__iexact=link.user.email, verified=False).update(verified=True)


def mfa_enrolment_link_close(*, link_id: int, user: User) -> None:
    """The link has done its work (an authenticator was set up with it): it opens nothing again."""
    MfaEnrolmentLink.objects.filter(pk=link_id, user=user, closed_at=None).update(closed_at=timezone.now())


def mfa_enrolment_reset(*, user: User, by: User, request=None) -> None:
    """Remove the user's authenticators and e-mail them a fresh set-up link. The caller has checked
    that ``by`` may (unions.services.staff_mfa_reset)."""
    if not user.email:
        raise ValidationError(
            _("%(user)s has no e-mail address, so no set-up link can be sent.") % {"user": user.display_name}
        )
    with transaction.atomic():
        token = _mfa_reset(user=user, by=by)
        transaction.on_commit(lambda: _send_enrolment_link(user, by, token, request, reset=True))


def mfa_enrolment_reset_by_operator(*, user: User) -> str:
    """The same reset, run by whoever operates the server (``manage.py mfa_enrolment_link``): how a
    superuser made with ``createsuperuser`` gets a first link. Returns the link's path."""
    with transaction.atomic():
        return mfa_enrolment_path(_mfa_reset(user=user, by=None))


def _mfa_reset(*, user: User, by: User | None) -> str:
    authenticators = Authenticator.objects.filter(user=user)
    removed = sorted({str(kind) for kind in authenticators.values_list("type", flat=True)})
    authenticators.delete()
    token = mfa_enrolment_link_issue(user=user, by=by)
    audit.record(kinds.MFA_ENROLMENT_RESET, actor=by, target=user, detail={"removed": removed})
    return token


def _send_enrolment_link(user: User, by: User, token: str, request, *, reset: bool) -> None:
    subject = _("Set up your authenticator app for the union portal")
    _mail_link(user, by, token, request, subject=subject, template="mfa_enrolment", reset=reset)


def _mail_link(user: User, by: User, token: str, request, *, subject: str, template: str, **extra) -> None:
    """E-mail the user a set-up link (``emails/<template>.txt`` and ``.html``)."""
    context = {
        "user": user,
        "by": by,
        "link": _absolute(request, mfa_enrolment_path(token)),
        "hours": settings.MFA_ENROLMENT_LINK_HOURS,
        **extra,
    }
    send_mail(
        subject=subject,
        message=render_to_string(f"emails/{template}.txt", context),
        from_email=None,
        recipient_list=[user.email],
        html_message=render_to_string(f"emails/{template}.html", context),
    )
