from urllib.parse import urlencode

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from members.selectors import labelled_counts, membership_of, scope_roots, subtree_counts, union_get_visible

from . import services
from .decorators import staff_required
from .filters import AuditEventFilter, RoleFilter
from .forms import RoleGrantForm
from .models import Role
from .roles import AUDIT_READER_KINDS, can_grant_somewhere
from .scope import roles_of
from .selectors import (
    MFA_ENROLMENT_SESSION_KEY,
    ROLE_READER_KINDS,
    audit_events_visible_to,
    has_totp,
    mfa_enrolment_granted,
    mfa_enrolment_link_valid,
    roles_visible_to,
    with_revocable,
)


@login_required
def home(request):
    """Staff see their nodes at a glance; workers see their own account."""
    roles = roles_of(request.user)
    if not roles:
        return render(request, "accounts/worker_home.html", {"membership": membership_of(request.user)})
    roots = list(scope_roots(request.user))
    for root in roots:
        counts = subtree_counts(root)
        root.kind_counts = labelled_counts(counts)
        root.below_total = sum(counts.values())
    return render(request, "accounts/staff_home.html", {"roles": roles, "roots": roots})


def _require_kinds(user, kinds) -> None:
    if not any(role.kind in kinds for role in roles_of(user)):
        raise PermissionDenied


@staff_required
def role_list(request):
    _require_kinds(request.user, ROLE_READER_KINDS)
    role_filter = RoleFilter(request.GET, queryset=roles_visible_to(request.user))
    page = Paginator(role_filter.qs, settings.AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    roles = with_revocable(request.user, page.object_list)
    return render(request, "accounts/role_list.html", {"filter": role_filter, "page": page, "roles": roles})


@staff_required
def role_grant(request, union_pk):
    union = union_get_visible(request.user, union_pk)
    if not can_grant_somewhere(request.user):
        raise PermissionDenied
    form = RoleGrantForm(request.POST or None, granter=request.user, union=union)
    if not form.fields["kind"].choices:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a refused grant leaves no new account behind and sends no invitation.
            with transaction.atomic():
                user = form.existing_user or services.staff_user_create(
                    username=data["username"],
                    name=data["name"],
                    email=data["email"],
                    phone=data.get("phone") or None,
                    by=request.user,
                    request=request,
                )
                services.role_grant(user=user, union=union, kind=data["kind"], by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The role was granted to %(user)s.") % {"user": user.display_name})
            return redirect("members:detail", pk=union.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/role_grant.html", {"form": form, "union": union}, status=status)


@require_POST
@staff_required
def role_revoke(request, pk):
    try:
        role = roles_visible_to(request.user).get(pk=pk)
    except (ValueError, Role.DoesNotExist):
        raise Http404 from None
    try:
        services.role_revoke(role=role, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The role was revoked."))
    return _back(request) or redirect("members:detail", pk=role.union_id)


def _back(request):
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return None


@require_POST
@staff_required
def mfa_reset(request, user_pk):
    """Remove a staff member's authenticators and e-mail them a fresh set-up link."""
    role = roles_visible_to(request.user).filter(user_id=user_pk).first()
    if role is None:
        raise Http404
    try:
        services.mfa_enrolment_reset(user=role.user, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The authenticator of %(user)s was reset and a new set-up link was e-mailed.")
            % {"user": role.user.display_name},
        )
    return _back(request) or redirect("accounts:roles")


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


@vary_on_headers("HX-Request")
@staff_required
def audit_list(request):
    _require_kinds(request.user, AUDIT_READER_KINDS)
    audit_filter = AuditEventFilter(request.GET, queryset=audit_events_visible_to(request.user))
    page = Paginator(audit_filter.qs, settings.AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    template = "accounts/_audit_rows.html" if request.htmx else "accounts/audit_list.html"
    return render(request, template, {"filter": audit_filter, "page": page})
