from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from . import audit, kinds
from .models import AuditEvent, User
from .phone import MobileField, normalise_mobile
from .sms import send_sms
from .validators import validate_username_not_mobile


class AccountAdapter(DefaultAccountAdapter):
    """allauth, fitted to the portal: mainland mobiles, our SMS interface, staff-only accounts by staff."""

    # --- phone numbers ---------------------------------------------------------------------
    def phone_form_field(self, **kwargs):
        return MobileField(**kwargs)

    def set_phone(self, user, phone, verified):
        user.phone = phone
        user.phone_verified = verified
        if user.pk:
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user):
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user, phone):
        user.phone_verified = True
        user.save(update_fields=["phone_verified"])

    def get_user_by_phone(self, phone):
        # At sign-in allauth passes the login as typed ("138 1234 5678", "+86..."); we store 11 digits.
        return User.objects.filter(phone=normalise_mobile(phone)).order_by("pk").first()

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        send_sms(
            phone, _("Your union portal verification code is %(code)s. It is valid for 15 minutes.") % {"code": code}
        )

    def send_unknown_account_sms(self, phone, **kwargs):
        send_sms(phone, _("Someone asked for a union portal code for this number, but it has no account."))

    def send_account_already_exists_sms(self, phone):
        send_sms(phone, _("Someone tried to sign up with this number, which already has a union portal account."))

    def save_user(self, request, user, form, commit=True):
        # The sign-up form's name (accounts.forms.WorkerSignupForm); allauth knows only first/last names.
        user.name = form.cleaned_data.get("name", "")
        return super().save_user(request, user, form, commit=commit)

    def clean_username(self, username, shallow=False):
        validate_username_not_mobile(username)
        return super().clean_username(username, shallow=shallow)

    # --- rate limits -----------------------------------------------------------------------
    def get_client_ip(self, request):
        # One client IP for allauth's limits, the portal's throttles and the audit trail.
        ip = audit.client_ip(request)
        if not ip:
            raise PermissionDenied
        return ip

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts failures per text typed. One account is reached by its username, e-mail and
        # mobile in many spellings, and each spelling would buy five more guesses: count per account.
        account = _account_for_login(_typed_login(credentials))
        if account is not None:
            return f"account:{account.pk}"
        return super()._get_login_attempts_cache_key(request, **credentials)

    # --- audit -----------------------------------------------------------------------------
    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            self._record_failure(request, credentials, reason="rate_limited")
            raise

    def authentication_failed(self, request, **credentials):
        self._record_failure(request, credentials, reason="bad_credentials")

    @staticmethod
    def _record_failure(request, credentials, *, reason):
        typed = _typed_login(credentials)
        # Linking the account lets auditors see attacks on one account; the typed text stays masked.
        account = _account_for_login(typed)
        audit.record(
            kinds.LOGIN_FAILED,
            request=request,
            actor=account,
            result=AuditEvent.Result.FAILURE,
            detail={"login": audit.mask_identifier(typed), "reason": reason},
        )


def user_display(user) -> str:
    """How allauth names a user in its messages and pages (``ACCOUNT_USER_DISPLAY``)."""
    return user.display_name


def _typed_login(credentials) -> str:
    return next((credentials[k] for k in ("username", "email", "phone") if credentials.get(k)), "")


def _account_for_login(typed: str) -> User | None:
    """The account a typed login names: username or e-mail (any case), or mobile (any spelling)."""
    typed = (typed or "").strip()
    if not typed:
        return None
    return (
        User.objects.filter(Q(username__iexact=typed) | Q(email__iexact=typed) | Q(phone=normalise_mobile(typed)))
        .order_by("pk")
        .first()
    )
