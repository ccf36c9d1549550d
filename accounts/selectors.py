"""Read queries of the accounts app: authenticators and their set-up links."""

from allauth.mfa.models import Authenticator
from django.utils import timezone

from .models import MfaEnrolmentLink

# The set-up link opened in this browser session (an MfaEnrolmentLink id).
MFA_ENROLMENT_SESSION_KEY = "mfa_enrolment_link"


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_enrolment_link_valid(token: str) -> MfaEnrolmentLink | None:
    """The open, unexpired set-up link with this token, or None."""
    return (
        MfaEnrolmentLink.objects.filter(
            token_hash=MfaEnrolmentLink.hash_token(token), closed_at=None, expires_at__gt=timezone.now()
        )
        .select_related("user")
        .first()
    )


def mfa_enrolment_granted(user, link_id) -> bool:
    """Whether the set-up link opened in this session (``link_id``) still lets the user set up an app."""
    if not isinstance(link_id, int):
        return False
    return MfaEnrolmentLink.objects.filter(
        pk=link_id, user_id=user.pk, closed_at=None, expires_at__gt=timezone.now()
    ).exists()
