"""Staff pages: transfers between unions (会员关系转接).

Both sides see a transfer (selectors.transfers_visible_to); what each may do is asked of
members.permissions (transfer_actions), whose rules the services check again. Staff of the
receiving union see the person only as the transfer shows them: name, masked ID, the union they
come from.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from unions.decorators import member_staff_required
from unions.models import Union
from unions.selectors import unions_visible_to

from .. import permissions, pii, selectors, services
from ..forms.transfers import DIRECTIONS, AcceptForm, TransferFilterForm, TransferRequestForm, decline_form
from ..models import Transfer

TRANSFERS_PER_PAGE = 50

NO_SUCH_MEMBER = gettext_lazy("There is no active member with this ID number and name.")


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@vary_on_headers("HX-Request")
@member_staff_required
def transfer_list(request):
    form = TransferFilterForm(request.GET)
    transfers = form.filter(selectors.transfers_visible_to(request.user, direction=form.direction))
    page = Paginator(transfers, TRANSFERS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for transfer in rows:
        transfer.actions = permissions.transfer_actions(request.user, transfer)
    context = {
        "filter_form": form,
        "page": page,
        "rows": rows,
        "direction": form.direction,
        "directions": DIRECTIONS,
    }
    template = "members/transfers/_list.html" if request.htmx else "members/transfers/list.html"
    return render(request, template, context)


def _targets_below(transfer: Transfer):
    """Where a transfer to a federation may place the member: open grassroots and joint unions below it."""
    return Union.objects.filter(
        path__startswith=transfer.to_union.path,
        kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION],
        closed_on__isnull=True,
    ).order_by("name")


def _get(request, pk) -> Transfer:
    """A transfer in or out of the user's subtree, with the people the page names; otherwise 404."""
    people = ("requested_by", "released_by", "decided_by", "application")
    try:
        return selectors.transfers_visible_to(request.user).select_related(*people).get(pk=pk)
    except Transfer.DoesNotExist:
        raise Http404 from None


def _detail(request, transfer: Transfer, *, status: int = 200, **forms):
    user = request.user
    member = transfer.member
    context = {
        "transfer": transfer,
        "actions": permissions.transfer_actions(user, transfer),
        "by_the_person": transfer.requested_by_id
        in {member.user_id, getattr(transfer.application, "applicant_id", None)},
        "accept_form": forms.get("accept_form") or AcceptForm(transfer=transfer, targets=_targets_below(transfer)),
        "decline_form": forms.get("decline_form") or decline_form(prefix="decline"),
        # The receiving side may not see the member's record in the other union.
        "member_in_scope": selectors.members_visible_to(user).filter(pk=member.pk).exists(),
    }
    return render(request, "members/transfers/detail.html", context, status=status)


@member_staff_required
def transfer_detail(request, pk):
    return _detail(request, _get(request, pk))


@member_staff_required
def transfer_new(request):
    """Staff of a receiving union ask for a member of another union, named by ID number and name."""
    unions = selectors.member_unions_managed_by(request.user)
    form = TransferRequestForm(request.POST or None, unions=unions)
    if request.method != "POST" and len(only := list(unions[:2])) == 1:
        form.fields["to_union"].initial = only[0].pk  # a clerk of one union has nothing to choose
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = selectors.active_member_by_id_and_name(pii.id_hash(data["number"].value), data["name"])
        if member is None:
            # The same answer whether the ID number is unknown or the name does not match it.
            form.add_error(None, NO_SUCH_MEMBER)
        else:
            try:
                transfer = services.transfer_request(member=member, to_union=data["to_union"], by=request.user)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(
                    request,
                    _("The transfer was requested. %(union)s must release the member before you can accept.")
                    % {"union": transfer.from_union.name},
                )
                return redirect("members:transfer_detail", pk=transfer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "members/transfers/new.html", {"form": form}, status=status)


@require_POST
@member_staff_required
def transfer_release(request, pk):
    transfer = _get(request, pk)
    try:
        services.transfer_release(transfer=transfer, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            _("%(name)s was released. %(union)s can now accept the member.")
            % {"name": transfer.member.name, "union": transfer.to_union.name},
        )
    return redirect("members:transfer_detail", pk=transfer.pk)


@require_POST
@member_staff_required
def transfer_accept(request, pk):
    transfer = _get(request, pk)
    # Any union in scope may be named, so that a closed one or one elsewhere gets the service's message.
    form = AcceptForm(request.POST, transfer=transfer, targets=unions_visible_to(request.user))
    if not form.is_valid():
        if form.needs_union:
            form.fields["union"].queryset = _targets_below(transfer)
        return _detail(request, transfer, status=400, accept_form=form)
    try:
        member = services.transfer_accept(transfer=transfer, by=request.user, union=form.target())
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("members:transfer_detail", pk=transfer.pk)
    messages.success(
        request, _("%(name)s is now a member of %(union)s.") % {"name": member.name, "union": member.union.name}
    )
    return redirect("members:transfer_detail", pk=transfer.pk)


@member_staff_required
def transfer_decline(request, pk):
    transfer = _get(request, pk)
    if "decline" not in permissions.transfer_actions(request.user, transfer):
        messages.info(request, _("This transfer cannot be declined now."))
        return redirect("members:transfer_detail", pk=transfer.pk)
    form = decline_form(request.POST or None, prefix="decline")
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_decline(transfer=transfer, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("The transfer was declined. The member and the other union are told why."))
            return redirect("members:transfer_detail", pk=transfer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "members/transfers/decline.html", {"transfer": transfer, "form": form}, status=status)


@require_POST
@member_staff_required
def transfer_cancel(request, pk):
    transfer = _get(request, pk)
    try:
        services.transfer_cancel(transfer=transfer, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The transfer request was withdrawn."))
    return redirect("members:transfer_detail", pk=transfer.pk)


urlpatterns = [
    path("transfers/", transfer_list, name="transfer_list"),
    path("transfers/new/", transfer_new, name="transfer_new"),
    path("transfers/<int:pk>/", transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/release/", transfer_release, name="transfer_release"),
    path("transfers/<int:pk>/accept/", transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/decline/", transfer_decline, name="transfer_decline"),
    path("transfers/<int:pk>/cancel/", transfer_cancel, name="transfer_cancel"),
]
