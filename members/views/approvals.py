"""Staff pages: the approval queue and the decision on one application.

Applications are fetched through the scoped selectors, so an application to a union outside the
user's subtree answers 404; the services check the rules again inside their transaction.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.links import url_pattern
from accounts.phone import mask_mobile
from unions.decorators import member_staff_required
from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS
from unions.selectors import unions_visible_to

from .. import selectors, services
from ..ages import days_since
from ..forms.approvals import ApproveForm, BulkApproveForm, QueueFilterForm, ReasonForm
from ..models import Application
from ..permissions import can_approve, can_approve_in_bulk, can_see_full_mobile

QUEUE_PER_PAGE = 50
QUEUE_COUNT_CAP = 1000
# An application waiting longer than this is shown as overdue.
OVERDUE_AFTER_DAYS = 3


class CappedPaginator(Paginator):
    """Counts no further than ``QUEUE_COUNT_CAP``: a city's queue holds tens of thousands of
    applications, and counting them all on every view took longer than the rest of the page. The
    pages reach the longest-waiting ``QUEUE_COUNT_CAP``; the filter narrows to the others."""

    @cached_property
    def counted(self) -> int:
        return self.object_list.order_by()[: QUEUE_COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.counted > QUEUE_COUNT_CAP

    @cached_property
    def count(self) -> int:
        return min(self.counted, QUEUE_COUNT_CAP)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- the queue -----------------------------------------------------------------------------------
def _queue_context(request, params) -> dict:
    queue = selectors.application_queue_for(request.user)
    # The filter offers the unions that have applications waiting, or the federations above them
    # when those are too many (see QueueFilterForm) or the queue too long to find them cheaply.
    paginator = CappedPaginator(queue, QUEUE_PER_PAGE)
    federations = selectors.member_scope_unions(request.user).filter(kind__in=FEDERATION_NODE_KINDS)
    form = QueueFilterForm(params, queue=queue, federations=federations, long_queue=paginator.capped)
    filtered = form.filter(queue)
    if filtered is not queue:
        paginator = CappedPaginator(filtered, QUEUE_PER_PAGE)
    page = paginator.get_page(params.get("page"))
    today = timezone.localdate()
    rows = list(page.object_list)
    # Links and labels made here once rather than by a {% url %} and two {% blocktranslate %} in each
    # of 50 rows, which took a third of the page's time.
    detail = url_pattern("members:application_detail")
    pick = _("Select the application of %(name)s")
    waited: dict[int, str] = {}
    for application in rows:
        application.age_days = days = days_since(application.submitted_at, today=today)
        application.overdue = days > OVERDUE_AFTER_DAYS
        application.detail_url = detail.format(application.pk)
        application.pick_label = pick % {"name": application.name}
        application.in_bulk = can_approve_in_bulk(application)
        if days not in waited:
            waited[days] = ngettext("%(days)s day", "%(days)s days", days) % {"days": days} if days else _("Today")
        application.waited = waited[days]
    return {"filter_form": form, "page": page, "rows": rows, "overdue_after": OVERDUE_AFTER_DAYS}


@vary_on_headers("HX-Request")
@member_staff_required
def application_queue(request):
    """Submitted applications in the user's subtree, oldest first: the ones waiting longest come first."""
    context = _queue_context(request, request.GET)
    template = "members/approvals/_queue.html" if request.htmx else "members/approvals/queue.html"
    return render(request, template, context)


@require_POST
@member_staff_required
def application_bulk_approve(request):
    """Approve the ticked applications, each in its own transaction; say which could not be and why."""
    form = BulkApproveForm(request.POST, applications=selectors.applications_visible_to(request.user))
    if not form.is_valid():
        for error in form.errors.get("applications", []):
            messages.error(request, error)
    else:
        chosen = form.cleaned_data["applications"].order_by("submitted_at", "id")
        approved, failed = services.applications_bulk_approve(applications=chosen, by=request.user)
        if approved:
            messages.success(
                request,
                ngettext("%(n)d application was approved.", "%(n)d applications were approved.", len(approved))
                % {"n": len(approved)},
            )
        if failed:
            messages.warning(
                request,
                ngettext("%(n)d application was not approved:", "%(n)d applications were not approved:", len(failed))
                % {"n": len(failed)},
            )
            for application, reason in failed:
                messages.warning(
                    request,
                    _("%(name)s (%(id)s): %(reason)s")
                    % {"name": application.name, "id": application.id_masked, "reason": reason},
                )
    # Back to the queue as it was (filter, page). htmx follows the redirect with its header, so the
    # queue answers with its region and the messages in it.
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("members:application_queue")


# --- one application -----------------------------------------------------------------------------
def _targets_below(application: Application):
    """Where an application to a federation may be placed: open grassroots and joint unions below it."""
    return Union.objects.filter(
        path__startswith=application.union.path,
        kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION],
        closed_on__isnull=True,
    ).order_by("name")


def _detail(request, application: Application, *, status: int = 200, **forms):
    user = request.user
    transfer = None
    if application.status == Application.Status.TRANSFER:
        transfer = selectors.transfers_visible_to(user).filter(application=application).first()
    context = {
        "application": application,
        "age_days": days_since(application.submitted_at),
        "overdue_after": OVERDUE_AFTER_DAYS,
        "can_decide": can_approve(user, application),
        "transfer": transfer,
        "applicant_phone": mask_mobile(application.applicant.phone),
        "full_mobile": can_see_full_mobile(user, application.union),
        "approve_form": forms.get("approve_form")
        or ApproveForm(application=application, targets=_targets_below(application)),
        "reject_form": forms.get("reject_form") or ReasonForm(prefix="reject"),
        "correction_form": forms.get("correction_form") or _correction_form(prefix="correction"),
    }
    return render(request, "members/approvals/detail.html", context, status=status)


def _correction_form(*args, **kwargs) -> ReasonForm:
    return ReasonForm(
        *args,
        help_text=_("Say what the worker should correct; they will read it and send the application again."),
        required_message=_("Say what needs correcting: the worker will see it."),
        **kwargs,
    )


@member_staff_required
def application_detail(request, pk):
    application = selectors.application_get_visible(request.user, pk)
    return _detail(request, application)


@require_POST
@member_staff_required
def application_approve(request, pk):
    application = selectors.application_get_visible(request.user, pk)
    # Any union in scope may be named, so that a closed one or one outside this federation gets the
    # service's own message; a union outside the scope is not a choice at all.
    form = ApproveForm(request.POST, application=application, targets=unions_visible_to(request.user))
    if not form.is_valid():
        if form.needs_union:
            form.fields["union"].queryset = _targets_below(application)
        return _detail(request, application, status=400, approve_form=form)
    try:
        member = services.application_approve(application=application, by=request.user, union=form.target())
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        application = selectors.application_get_visible(request.user, pk)
        return _detail(request, application, status=400)
    messages.success(
        request,
        _("%(name)s is now a member of %(union)s.") % {"name": member.name, "union": member.union.name},
    )
    return redirect("members:application_queue")


def _reason_view(request, pk, *, kind: str):
    """Reject or ask for a correction: both need a reason that the worker reads."""
    application = selectors.application_get_visible(request.user, pk)
    make_form = ReasonForm if kind == "reject" else _correction_form
    if application.status != Application.Status.SUBMITTED:
        messages.info(request, _("This application has already been decided or is waiting for a correction."))
        return redirect("members:application_detail", pk=application.pk)
    if request.method != "POST":
        return _reason_page(request, application, kind, make_form(prefix=kind))
    form = make_form(request.POST, prefix=kind)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if kind == "reject":
                services.application_reject(application=application, by=request.user, reason=reason)
            else:
                services.application_request_correction(application=application, by=request.user, reason=reason)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            if kind == "reject":
                done = _("The application of %(name)s was rejected. The worker has been told the reason.")
            else:
                done = _("%(name)s has been asked to correct the application.")
            messages.success(request, done % {"name": application.name})
            return redirect("members:application_queue")
    return _reason_page(request, application, kind, form, status=400)


def _reason_page(request, application, kind, form, status=200):
    return render(
        request,
        "members/approvals/reason.html",
        {"application": application, "form": form, "kind": kind},
        status=status,
    )


@member_staff_required
def application_reject(request, pk):
    return _reason_view(request, pk, kind="reject")


@member_staff_required
def application_correction(request, pk):
    return _reason_view(request, pk, kind="correction")


urlpatterns = [
    path("approvals/", application_queue, name="application_queue"),
    path("approvals/bulk-approve/", application_bulk_approve, name="application_bulk_approve"),
    path("approvals/<int:pk>/", application_detail, name="application_detail"),
    path("approvals/<int:pk>/approve/", application_approve, name="application_approve"),
    path("approvals/<int:pk>/reject/", application_reject, name="application_reject"),
    path("approvals/<int:pk>/correction/", application_correction, name="application_correction"),
]
