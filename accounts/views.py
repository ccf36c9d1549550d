"""Pages of accounts themselves: opening an authenticator set-up link."""

from urllib.parse import urlencode

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from . import services
from .selectors import MFA_ENROLMENT_SESSION_KEY, has_totp, mfa_enrolment_granted, mfa_enrolment_link_valid


@never_cache
def mfa_enrol(request, token):
    """The link of the invitation and reset e-mails. It proves the address, and lets this browser
    set up the account's first authenticator app: after setting a password (a new account) and
    signing in, which the link leads on to."""
    link = mfa_enrolment_link_valid(token)
    if link is None:
        return render(request, "accounts/mfa_enrolment_needed.html", {"reason": "invalid"}, status=400)
    if request.user.is_authenticated and request.user.pk != link.user_id:
        return render(request, "accounts/mfa_enrolment_needed.html", {"reason": "other_account"}, status=400)
    services.mfa_enrolment_link_opened(link=link)
    request.session[MFA_ENROLMENT_SESSION_KEY] = link.pk
    if request.user.is_authenticated:
        return redirect("mfa_activate_totp")
    user = link.user
    if not user.has_usable_password():
        key = default_token_generator.make_token(user)
        return redirect("account_reset_password_from_key", uidb36=user_pk_to_url_str(user), key=key)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': reverse('mfa_activate_totp')})}")


@login_required
def mfa_enrolment_needed(request):
    """Where staff without an authenticator and without a set-up link are sent."""
    if has_totp(request.user):
        return redirect("home")
    if mfa_enrolment_granted(request.user, request.session.get(MFA_ENROLMENT_SESSION_KEY)):
        return redirect("mfa_activate_totp")
    return render(request, "accounts/mfa_enrolment_needed.html", {"reason": "no_link"})
