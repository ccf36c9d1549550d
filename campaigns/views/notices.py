"""Staff pages of the public notice (公示) and the objections register (异议登记): publishing a round's
notice with its dates previewed in working days, a notice's page, the register and each objection's
page with its moves. Everything is fetched through the scoped selectors (404 outside them); the
services decide every move."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.pagination import page_number
from accounts.workdays import Calendar, UnknownYear
from cadres.qr import qr_svg
from unions.selectors import get_visible_or_404

from .. import honour_permissions, honour_selectors
from ..form_errors import apply_errors
from ..forms.notices import AnswerForm, AssignForm, CloseForm, NoticeForm, ObjectionFilterForm
from ..models import Nomination, Objection
from ..objections import objection_counts
from ..services import notices as notice_services
from ..services import objections as objection_services

PER_PAGE = 30


def honour_staff_required(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not honour_permissions.is_honour_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _preview(published_on, round_) -> dict:
    """The notice's dates for the page: the first and last day and what lies between, or why not."""
    if published_on is None:
        return {}
    try:
        return {"dates": notice_services.notice_dates(published_on, round_.notice_days)}
    except UnknownYear as exc:
        return {"unknown_year": exc.year}


def _parse_date(value):
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


# --- publishing ---------------------------------------------------------------------------------------
@never_cache
@honour_staff_required
def notice_create(request, pk):
    """Pick the date, see the notice's working days, publish every vetted nomination of the round."""
    round_ = get_visible_or_404(honour_selectors.rounds_managed_by(request.user), pk)
    if not honour_permissions.can_manage_round(request.user, round_):
        raise Http404
    can_keep_calendar = honour_permissions.can_keep_calendar(request.user)
    if request.htmx and request.method == "GET":
        context = {"round": round_, "can_keep_calendar": can_keep_calendar}
        context.update(_preview(_parse_date(request.GET.get("published_on")), round_))
        return render(request, "campaigns/honours/notices/_preview.html", context)
    today = timezone.localdate()
    initial = {
        "published_on": max(round_.notice_planned, today),
        "title": notice_services.default_title(round_),
    }
    form = NoticeForm(request.POST or None, initial=initial)
    published_on = initial["published_on"]
    if request.method == "POST":
        if form.is_valid():
            published_on = form.cleaned_data["published_on"]
            if "publish" in request.POST:
                data = form.cleaned_data
                try:
                    notice = notice_services.notice_publish(
                        round=round_,
                        published_on=data["published_on"],
                        title=data["title"],
                        contact=data["contact"],
                        by=request.user,
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("The notice is published."))
                    return redirect("campaigns:notice_detail", notice.pk)
        else:
            published_on = _parse_date(request.POST.get("published_on"))
    vetted = list(
        Nomination.objects.filter(round=round_, status=Nomination.Status.VETTED)
        .select_related("kind")
        .order_by("kind__order", "id")
        .only("id", "nominee_name", "unit_name", "kind__name", "kind__order")
    )
    context = {
        "round": round_,
        "form": form,
        "vetted": vetted,
        "can_keep_calendar": can_keep_calendar,
        "notices": list(round_.notices.order_by("-published_on", "-id")),
    }
    context.update(_preview(published_on, round_))
    return render(request, "campaigns/honours/notices/notice_form.html", context)


def working_days_left(notice, today) -> int | None:
    """Working days of the notice still to run, today included; None before it starts."""
    if today < notice.first_day:
        return None
    if today > notice.last_day:
        return 0
    calendar = Calendar(today, notice.last_day)
    days, day = 0, today
    while day <= notice.last_day:
        days += calendar.is_workday(day)
        day += dt.timedelta(days=1)
    return days


@never_cache
@honour_staff_required
def notice_detail(request, pk):
    notice = get_visible_or_404(honour_selectors.notices_managed_by(request.user), pk)
    rows = (
        Nomination.objects.filter(notice=notice)
        .select_related("kind", "union")
        .order_by("kind__order", "id")
        .only("id", "nominee_name", "unit_name", "status", "kind__name", "kind__order", "union__name")
    )
    page = Paginator(rows, PER_PAGE).get_page(page_number(request.GET.get("page")))
    nominations = list(page.object_list)
    counts = objection_counts(n.pk for n in nominations)
    for nomination in nominations:
        nomination.open_objections, nomination.closed_objections = counts.get(nomination.pk, (0, 0))
    today = timezone.localdate()
    public_url = request.build_absolute_uri(reverse("campaigns:public_notice", args=[notice.token]))
    context = {
        "notice": notice,
        "round": notice.round,
        "nominations": nominations,
        "page": page,
        "public_url": public_url,
        "qr": qr_svg(public_url),
        "today": today,
        "running": notice.is_running(today),
        "ended": notice.has_ended(today),
        "days_left": working_days_left(notice, today),
        "late_count": notice.objections.filter(late=True).count(),
    }
    return render(request, "campaigns/honours/notices/notice_detail.html", context)


# --- the register -------------------------------------------------------------------------------------
@never_cache
@honour_staff_required
def objection_list(request):
    objections = honour_selectors.objections_visible_to(request.user).select_related(
        "notice__round", "nomination", "assigned_to"
    )
    form = ObjectionFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"] == "open":
            objections = objections.filter(status__in=Objection.OPEN)
        elif data["status"]:
            objections = objections.filter(status=data["status"])
        if data["late"]:
            objections = objections.filter(late=True)
        if data["nomination"]:
            objections = objections.filter(nomination_id=data["nomination"])
        if data["notice"]:
            objections = objections.filter(notice_id=data["notice"])
    page = Paginator(objections.order_by("-received_at", "-id"), PER_PAGE).get_page(
        page_number(request.GET.get("page"))
    )
    waiting = honour_selectors.objections_visible_to(request.user).filter(
        Q(status=Objection.Status.RECEIVED) | Q(status=Objection.Status.ASSIGNED, assigned_to=request.user)
    )
    context = {"filter_form": form, "page": page, "objections": page.object_list, "waiting": waiting.count()}
    return render(request, "campaigns/honours/notices/objection_list.html", context)


def _visible_objection(request, pk) -> Objection:
    objection = get_visible_or_404(
        honour_selectors.objections_visible_to(request.user).select_related(
            "notice__round__organiser", "nomination__kind", "assigned_to", "answered_by", "closed_by"
        ),
        pk,
    )
    if not honour_permissions.can_handle_objection(request.user, objection):
        raise Http404
    return objection


def _detail(request, objection, *, assign_form=None, answer_form=None, close_form=None, mobile=None, status=200):
    staff = objection_services.assignable_staff(objection.notice.round)
    context = {
        "objection": objection,
        "notice": objection.notice,
        "nomination": objection.nomination,
        "mobile": mobile or objection_services.objector_mobile_masked(objection),
        "revealed": mobile is not None,
        "assign_form": assign_form
        or AssignForm(staff=staff, initial={"assigned_to": objection.assigned_to_id and str(objection.assigned_to_id)}),
        "answer_form": answer_form or AnswerForm(initial={"finding": objection.finding}),
        "close_form": close_form or CloseForm(),
        "can_assign": objection.status in (Objection.Status.RECEIVED, Objection.Status.ASSIGNED),
        "can_answer": objection.status == Objection.Status.ASSIGNED,
        "can_close": objection.status == Objection.Status.ANSWERED,
    }
    return render(request, "campaigns/honours/notices/objection_detail.html", context, status=status)


@never_cache
@honour_staff_required
def objection_detail(request, pk):
    """The objection, its objector (mobile masked; shown in full on asking, audited) and its moves."""
    objection = _visible_objection(request, pk)
    if request.method == "POST":
        if "reveal" not in request.POST:
            return redirect("campaigns:objection_detail", objection.pk)
        mobile = objection_services.objector_mobile_reveal(objection=objection, by=request.user, request=request)
        return _detail(request, objection, mobile=mobile)
    return _detail(request, objection)


@require_POST
@honour_staff_required
def objection_assign(request, pk):
    objection = _visible_objection(request, pk)
    form = AssignForm(request.POST, staff=objection_services.assignable_staff(objection.notice.round))
    if form.is_valid():
        try:
            objection_services.objection_assign(
                objection=objection, to=form.cleaned_data["assigned_to"], by=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The objection is assigned."))
            return redirect("campaigns:objection_detail", objection.pk)
    return _detail(request, objection, assign_form=form, status=400)


@require_POST
@honour_staff_required
def objection_answer(request, pk):
    objection = _visible_objection(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            objection_services.objection_answer(
                objection=objection, finding=form.cleaned_data["finding"], by=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The finding is recorded."))
            return redirect("campaigns:objection_detail", objection.pk)
    return _detail(request, objection, answer_form=form, status=400)


@require_POST
@honour_staff_required
def objection_close(request, pk):
    objection = _visible_objection(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        upheld = form.cleaned_data["outcome"] == "upheld"
        try:
            objection_services.objection_close(objection=objection, upheld=upheld, by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if upheld:
                messages.success(request, _("The objection is upheld: the nominee is not commended."))
            else:
                messages.success(request, _("The objection is dismissed."))
            return redirect("campaigns:objection_detail", objection.pk)
    return _detail(request, objection, close_form=form, status=400)
