"""The honours register (荣誉名录): the search, one honour's page, a person's honours at every level,
entering an earlier or higher-level honour, revoking one and its certificate. Honours are fetched through
``honour_selectors.honours_visible_to`` (404 outside it); the services decide every move."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.audit import record
from accounts.pagination import page_number
from unions.models import Union
from unions.scope import holds_role_anywhere
from unions.selectors import get_visible_or_404, scoped

from .. import honour_certificates, kinds
from ..filters_honours import HonourFilter
from ..form_errors import apply_errors
from ..forms.register import HonourForm, RevokeForm
from ..honour_permissions import (
    HONOUR_STAFF_KINDS,
    REGISTER_KINDS,
    can_record_care,
    can_revoke,
    is_honour_staff,
)
from ..honour_selectors import honours_visible_to
from ..models import Honour
from ..services import register as services

PER_PAGE = 30
# Entering an honour: up to this many unions in the user's scope are listed; beyond, found by name.
UNIONS_LISTED = 200
UNIONS_FOUND = 30
# A person's honours, the highest level first.
LEVEL_ORDER = {level: position for position, level in enumerate(Honour.Level.values)}


def _register_user(request):
    if not holds_role_anywhere(request.user, REGISTER_KINDS):
        raise PermissionDenied


@never_cache
@require_safe
@login_required
def register(request):
    _register_user(request)
    found = HonourFilter(request.GET or None, queryset=honours_visible_to(request.user), user=request.user)
    page = Paginator(found.qs, PER_PAGE).get_page(page_number(request.GET.get("page")))
    context = {
        "filter": found,
        "page": page,
        "rows": page.object_list,
        "may_enter": is_honour_staff(request.user),
    }
    return render(request, "campaigns/honours/register/list.html", context)


def _visible(request, pk) -> Honour:
    return get_visible_or_404(
        honours_visible_to(request.user).select_related("round__organiser", "nomination", "revoked_by", "created_by"),
        pk,
    )


def same_person(user, honour: Honour):
    """The honours of the same person in the user's scope: the same ``person_key``, or (a register entry
    without a member against a member's honour) the same name and birth date."""
    q = Q(person_key=honour.person_key)
    if honour.birth_date is not None:
        q |= Q(holder_name=honour.holder_name, birth_date=honour.birth_date)
    return honours_visible_to(user).filter(q)


@never_cache
@require_safe
@login_required
def honour_detail(request, pk):
    honour = _visible(request, pk)
    others = same_person(request.user, honour).exclude(pk=honour.pk).count()
    context = {
        "honour": honour,
        "others": others,
        "may_revoke": can_revoke(request.user, honour),
        "may_care": can_record_care(request.user, honour),
        "revoke_form": RevokeForm(),
    }
    return render(request, "campaigns/honours/register/detail.html", context)


@never_cache
@require_safe
@login_required
def honour_person(request, pk):
    """Every honour of the person who holds honour ``pk``, at every level, the highest first."""
    honour = _visible(request, pk)
    honours = sorted(
        same_person(request.user, honour),
        key=lambda h: (LEVEL_ORDER.get(h.level, 99), -h.year, h.pk),
    )
    groups = []
    for h in honours:
        if not groups or groups[-1]["level"] != h.level:
            groups.append({"level": h.level, "label": h.get_level_display(), "honours": []})
        groups[-1]["honours"].append(h)
    context = {"honour": honour, "groups": groups, "count": len(honours)}
    return render(request, "campaigns/honours/register/person.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def honour_revoke(request, pk):
    honour = _visible(request, pk)
    if not can_revoke(request.user, honour):
        if honour.is_revoked:
            messages.info(request, _("This honour was revoked already."))
            return redirect("campaigns:honour_detail", honour.pk)
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.honour_revoke(honour=honour, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The honour was revoked: its check now says so, and its care stops."))
            return redirect("campaigns:honour_detail", honour.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/honours/register/revoke.html", {"honour": honour, "form": form}, status=status)


@never_cache
@require_safe
@login_required
def honour_certificate(request, pk):
    honour = _visible(request, pk)
    content = honour_certificates.certificate_pdf(honour)
    record(kinds.HONOUR_CERTIFICATE_DOWNLOADED, request=request, union=honour.union, target=honour)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{honour_certificates.file_name(honour)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def honour_create(request):
    """Federation staff enter an honour conferred elsewhere or earlier (national, provincial, another
    year) for a holder of a union in their scope."""
    if not is_honour_staff(request.user):
        raise PermissionDenied
    unions = scoped(Union.objects.all(), request.user, HONOUR_STAFF_KINDS, "path").only("id", "name", "path")
    offered = None
    if unions.count() > UNIONS_LISTED:  # a city's thousands of unions: found by name, never all listed
        query = (request.POST.get("union_query") or "").strip()[:50]
        offered = list(unions.filter(name__contains=query).order_by("path")[:UNIONS_FOUND]) if query else []
        picked = request.POST.get("union")
        if picked and picked.isdigit() and all(str(u.pk) != picked for u in offered):
            offered[:0] = list(unions.filter(pk=int(picked)))
    searching = request.method == "POST" and "search" in request.POST
    form = HonourForm(None if searching else request.POST or None, unions=unions.order_by("path"), offered=offered)
    if searching:
        form = HonourForm(initial=request.POST.dict(), unions=unions.order_by("path"), offered=offered)
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        try:
            honour = services.honour_enter(
                union=data["union"],
                kind=data["kind"],
                level=data["level"],
                year=data["year"],
                holder_name=data["holder_name"],
                sex=data["sex"],
                birth_date=data["birth_date"],
                unit_name=data["unit_name"],
                post=data["post"],
                document_number=data["document_number"],
                conferring_body=data["conferring_body"],
                decided_on=data["decided_on"],
                in_hardship=data["in_hardship"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("The honour was entered in the register: %(number)s.") % {"number": honour.number}
            )
            return redirect("campaigns:honour_detail", honour.pk)
    status = 400 if request.method == "POST" and not searching else 200
    context = {"form": form, "searching": offered is not None, "found": offered}
    return render(request, "campaigns/honours/register/form.html", context, status=status)
