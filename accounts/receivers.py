"""Sign-in events that change account state (auditing them is audit.py's job)."""

from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from .selectors import MFA_ENROLMENT_SESSION_KEY


@receiver(password_reset)
def _verify_sole_address_on_reset(sender, request, user, **kwargs):
    """A password set from a mailed link proves the address, when the account has only that one.

    Staff accounts are made with an unverified address and a link to set the password; without
    this, allauth would refuse them an authenticator app until they verified the address again.
    """
    addresses = list(EmailAddress.objects.filter(user=user)[:2])
    if len(addresses) == 1 and not addresses[0].verified:
        addresses[0].verified = True
        addresses[0].save(update_fields=["verified"])


@receiver(authenticator_added)
def _close_enrolment_link(sender, request, user, authenticator, **kwargs):
    """The set-up link opened in this session has been used: it sets up nothing more."""
    from .services import mfa_enrolment_link_close

    link_id = request.session.pop(MFA_ENROLMENT_SESSION_KEY, None) if request is not None else None
    if isinstance(link_id, int):
        mfa_enrolment_link_close(link_id=link_id, user=user)
