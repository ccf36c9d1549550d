from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .roles import needs_mfa

# Paths a user without a second factor may still reach: setting one up, signing out, assets.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/media/")


class StaffMFAMiddleware:
    """Staff whose roles see personal or discipline data must have TOTP before any staff page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.STAFF_MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and needs_mfa(request.user)
            and not _has_totp(request.user)
        ):
            messages.warning(request, _("Your role sees personal data: set up an authenticator app to continue."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
