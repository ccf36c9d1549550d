from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .mfa_policy import needs_mfa
from .selectors import MFA_ENROLMENT_SESSION_KEY, has_totp, mfa_enrolment_granted

# Paths a user without a second factor may still reach: setting one up, signing out, assets. The
# Django admin (/admin/) is deliberately not among them.
_OPEN_PREFIXES = ("/accounts/", "/enrol/", "/static/", "/i18n/", "/healthz", "/media/")


class StaffMFAMiddleware:
    """Staff whose roles see personal or discipline data, and whoever can reach the Django admin,
    must have TOTP before any staff page.

    They set up their first authenticator only with the e-mailed set-up link opened in this session
    (accounts.views.mfa_enrol): a stolen password alone must not be enough to enrol the thief's app.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.STAFF_MFA_REQUIRED
            and request.user.is_authenticated
            and needs_mfa(request.user)
            and not has_totp(request.user)
        ):
            granted = mfa_enrolment_granted(request.user, request.session.get(MFA_ENROLMENT_SESSION_KEY))
            if not granted and request.path == reverse("mfa_activate_totp"):
                return redirect("accounts:mfa_enrolment_needed")
            if not request.path.startswith(_OPEN_PREFIXES):
                if not granted:
                    return redirect("accounts:mfa_enrolment_needed")
                messages.warning(request, _("Your role sees personal data: set up an authenticator app to continue."))
                return redirect("mfa_activate_totp")
        return self.get_response(request)
