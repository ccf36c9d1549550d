"""Training pages: the classes of the officer's subtree, a class with its enrolments, the officer's
attendance table, the QR poster and the cadre's check-in after scanning it, and the cadre's own hub.

Staff pages fetch every class through ``classes_visible_to`` (outside scope: 404) and leave the rules
to ``cadres.services.training``. The check-in and the hub are the cadre's own: they find the cadre
through the signed-in account, never through an id in the address.
"""

import datetime
from decimal import Decimal

import segno
from allauth.core.exceptions import RateLimited
from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from unions.selectors import get_visible_or_404

from .. import ledger, selectors
from ..decorators import cadre_officer_required
from ..filters.training import TrainingClassFilter
from ..forms.training import AttendanceDayForm, CadreSearchForm, TrainingClassForm
from ..models import Attendance, Enrolment, TrainingClass
from ..permissions import own_cadre
from ..services import training as services

CLASSES_PER_PAGE = 30
ENROLMENTS_PER_PAGE = 100
CANDIDATES_SHOWN = 30
# The QR check-in, per account and per IP; a rate in THROTTLE_RATES["cadre_check_in"] wins.
CHECK_IN_RATE = "20/m/user,120/m/ip"


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def url_if_any(name: str, *args) -> str:
    """The URL of a page of another part of the app, or "" while that page does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _class(request, pk) -> TrainingClass:
    return get_visible_or_404(selectors.classes_visible_to(request.user).select_related("created_by"), pk)


# --- the list, creating and editing --------------------------------------------------------------
@method_decorator([never_cache, vary_on_headers("HX-Request"), cadre_officer_required], name="dispatch")
class ClassListView(View):
    def get(self, request):
        classes = (
            selectors.classes_visible_to(request.user)
            .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status__in=services.PLACE_HOLDING)))
            .order_by("-starts_on", "-id")
        )
        class_filter = TrainingClassFilter(request.GET, queryset=classes)
        page = Paginator(class_filter.qs, CLASSES_PER_PAGE).get_page(request.GET.get("page"))
        context = {"filter": class_filter, "page": page, "rows": list(page.object_list)}
        partial = request.htmx and not request.htmx.history_restore_request
        template = "cadres/training/_class_results.html" if partial else "cadres/training/class_list.html"
        return render(request, template, context)


def _class_kwargs(data: dict) -> dict:
    return {
        "organiser": data["organiser"],
        "title": data["title"],
        "category": data["category"],
        "mode": data["mode"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "credit_hours": data["credit_hours"],
        "capacity": data["capacity"],
        "audience": data["audience"],
        "audience_ranks": data["audience_ranks"],
        "location": data["location"],
    }


@method_decorator([never_cache, cadre_officer_required], name="dispatch")
class ClassCreateView(View):
    template = "cadres/training/class_form.html"

    def get(self, request):
        form = TrainingClassForm(user=request.user)
        organisers = list(form.fields["organiser"].queryset[:2])
        if len(organisers) >= 1:
            form.fields["organiser"].initial = organisers[0].pk
        return render(request, self.template, {"form": form})

    def post(self, request):
        form = TrainingClassForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                training_class = services.class_create(**_class_kwargs(form.cleaned_data), by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The class was created. Enrol its cadres next."))
                return redirect("cadres:class_detail", pk=training_class.pk)
        return render(request, self.template, {"form": form}, status=400)


@method_decorator([never_cache, cadre_officer_required], name="dispatch")
class ClassEditView(View):
    template = "cadres/training/class_form.html"

    def get(self, request, pk):
        training_class = _class(request, pk)
        if training_class.status not in services.ACTIVE_STATUSES:
            messages.info(request, _("A finished or cancelled class can no longer change."))
            return redirect("cadres:class_detail", pk=training_class.pk)
        form = TrainingClassForm(initial=TrainingClassForm.initial_from(training_class), user=request.user)
        return render(request, self.template, {"form": form, "training_class": training_class})

    def post(self, request, pk):
        training_class = _class(request, pk)
        form = TrainingClassForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.class_update(
                    training_class=training_class, by=request.user, **_class_kwargs(form.cleaned_data)
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The class was saved."))
                return redirect("cadres:class_detail", pk=training_class.pk)
        return render(request, self.template, {"form": form, "training_class": training_class}, status=400)


# --- a class and its enrolments ------------------------------------------------------------------
def _candidates(request, training_class: TrainingClass, query: str):
    """In-post cadres under the organiser and in the officer's scope whose name starts with the query,
    not yet enrolled (a cancelled enrolment may be renewed)."""
    if not query:
        return []
    enrolled = Enrolment.objects.filter(training_class=training_class).exclude(status=Enrolment.Status.CANCELLED)
    return list(
        selectors.cadres_visible_to(request.user)
        .filter(
            union__path__startswith=training_class.organiser.path,
            status="in_post",
            name__startswith=query,
        )
        .exclude(pk__in=enrolled.values("cadre_id"))
        .order_by("name", "pk")[:CANDIDATES_SHOWN]
    )


@never_cache
@cadre_officer_required
def class_detail(request, pk):
    training_class = _class(request, pk)
    today = timezone.localdate()
    enrolments = (
        training_class.enrolments.select_related("cadre__union")
        .annotate(
            days_present=Count("attendance", filter=Q(attendance__signed_in_at__isnull=False)),
            present_before_today=Count(
                "attendance", filter=Q(attendance__signed_in_at__isnull=False, attendance__on_date__lt=today)
            ),
        )
        .order_by("status", "cadre__union__path", "cadre__name", "pk")
    )
    page = Paginator(enrolments, ENROLMENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    cadre_url = url_if_any("cadres:cadre_detail", 0)
    for enrolment in rows:
        # While the class runs, the days to come are not counted as missed yet.
        missed = services.days_gone(training_class, today) - enrolment.present_before_today
        enrolment.absence = services.absence_hours(training_class, missed, enrolment.absent_hours)
        enrolment.over_limit = services.over_leave_limit(training_class, missed, enrolment.absent_hours)
        enrolment.cadre_url = cadre_url.replace("/0/", f"/{enrolment.cadre_id}/") if cadre_url else ""
    counts = training_class.enrolments.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Enrolment.Status.values}
    )
    search = CadreSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    context = {
        "training_class": training_class,
        "page": page,
        "rows": rows,
        "counts": counts,
        "places_taken": counts["enrolled"] + counts["completed"] + counts["withdrawn"],
        "search": search,
        "query": query,
        "candidates": _candidates(request, training_class, query),
        "active": training_class.status in services.ACTIVE_STATUSES,
        "can_finish": training_class.status in services.ACTIVE_STATUSES and today >= training_class.ends_on,
        "running": training_class.status in services.ACTIVE_STATUSES and today <= training_class.ends_on,
        "leave_limit": training_class.leave_limit_hours.quantize(Decimal("0.1")),
        "hours_per_day": (training_class.credit_hours / training_class.days).quantize(Decimal("0.1")),
    }
    return render(request, "cadres/training/class_detail.html", context)


@require_POST
@cadre_officer_required
def class_enrol(request, pk):
    """``audience``: everyone the class's audience names; otherwise the cadres ticked (``cadres``)."""
    training_class = _class(request, pk)
    try:
        if request.POST.get("action") == "audience":
            result = services.class_enrol_audience(training_class=training_class, by=request.user)
        else:
            ids = [value for value in request.POST.getlist("cadres") if value.isdigit()]
            # Any cadre of the officer's scope is looked up, so that one outside the organiser gets the service's message.
            cadres = list(selectors.cadres_visible_to(request.user).filter(pk__in=ids))
            if len(cadres) != len(set(ids)):
                raise ValidationError(_("A cadre you chose is not in your part of the tree."))
            result = services.class_enrol_cadres(training_class=training_class, cadres=cadres, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        text = _("%(count)s cadre(s) enrolled.") % {"count": result.enrolled}
        if result.already:
            text += " " + _("%(count)s were enrolled already.") % {"count": result.already}
        if result.not_fitted:
            messages.warning(
                request,
                text
                + " "
                + _("%(count)s cadre(s) did not fit in the capacity of %(capacity)s and were not enrolled.")
                % {"count": result.not_fitted, "capacity": training_class.capacity},
            )
        else:
            messages.success(request, text)
    return redirect("cadres:class_detail", pk=training_class.pk)


@require_POST
@cadre_officer_required
def class_unenrol(request, pk):
    training_class = _class(request, pk)
    enrolment = training_class.enrolments.filter(pk=request.POST.get("enrolment") or 0).first()
    if enrolment is None:
        raise Http404
    try:
        services.enrolment_cancel(enrolment=enrolment, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The enrolment of %(name)s was cancelled.") % {"name": enrolment.cadre.name})
    return redirect("cadres:class_detail", pk=training_class.pk)


@require_POST
@cadre_officer_required
def class_cancel(request, pk):
    training_class = _class(request, pk)
    try:
        services.class_cancel(training_class=training_class, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The class was cancelled, and its enrolments with it."))
    return redirect("cadres:class_detail", pk=training_class.pk)


@require_POST
@cadre_officer_required
def class_finish(request, pk):
    training_class = _class(request, pk)
    try:
        result = services.class_finish(training_class=training_class, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        if result.already_finished:
            messages.info(request, _("This class was already finished; nothing changed."))
        else:
            messages.success(
                request,
                _("The class is finished: %(completed)s completed and were credited, %(withdrawn)s withdrawn.")
                % {"completed": result.completed, "withdrawn": result.withdrawn},
            )
    return redirect("cadres:class_detail", pk=training_class.pk)


# --- the officer's attendance table --------------------------------------------------------------
def _class_days(training_class: TrainingClass) -> list[datetime.date]:
    return [training_class.starts_on + datetime.timedelta(days=n) for n in range(training_class.days)]


def _chosen_day(training_class: TrainingClass, value) -> datetime.date | None:
    """The day asked for (``?day=``); without one, today during the class, else its first day."""
    if value:
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            return None
    today = timezone.localdate()
    return today if training_class.starts_on <= today <= training_class.ends_on else training_class.starts_on


@never_cache
@cadre_officer_required
def class_attendance(request, pk):
    training_class = _class(request, pk)
    day = _chosen_day(training_class, request.POST.get("day") or request.GET.get("day"))
    days = _class_days(training_class)
    if day not in days:
        messages.error(
            request,
            _("That day is not a day of this class (%(start)s to %(end)s).")
            % {"start": training_class.starts_on.isoformat(), "end": training_class.ends_on.isoformat()},
        )
        return redirect("cadres:class_attendance", pk=training_class.pk)
    enrolments = list(
        training_class.enrolments.filter(status=Enrolment.Status.ENROLLED)
        .select_related("cadre__union")
        .order_by("cadre__union__path", "cadre__name", "pk")
    )
    rows_of_day = {a.enrolment_id: a for a in Attendance.objects.filter(enrolment__in=enrolments, on_date=day)}
    editable = training_class.status in services.ACTIVE_STATUSES
    status = 200
    saved_ok = False
    forms = []
    for enrolment in enrolments:
        attendance = rows_of_day.get(enrolment.pk)
        initial = {
            "signed_in": bool(attendance and attendance.signed_in_at),
            "signed_out": bool(attendance and attendance.signed_out_at),
            "absent_hours": enrolment.absent_hours,
        }
        data = request.POST if request.method == "POST" else None
        form = AttendanceDayForm(data, initial=initial, prefix=f"c{enrolment.cadre_id}")
        forms.append((enrolment, attendance, form))
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This class is finished or cancelled: its attendance can no longer change."))
            return redirect("cadres:class_attendance", pk=training_class.pk)
        if all(form.is_valid() for _e, _a, form in forms):
            marks = {
                enrolment.cadre_id: services.Mark(
                    signed_in=form.cleaned_data["signed_in"],
                    signed_out=form.cleaned_data["signed_out"],
                    absent_hours=form.cleaned_data["absent_hours"]
                    if form.cleaned_data["absent_hours"] is not None
                    else Decimal(0),
                )
                for enrolment, _a, form in forms
            }
            marks.update(_extra_marks(request, marks))
            try:
                services.attendance_record(training_class=training_class, on_date=day, marks=marks, by=request.user)
            except ValidationError as exc:
                messages.error(request, _errors(exc))
                status = 400
            else:
                saved_ok = True
        else:
            status = 400
        if saved_ok:
            messages.success(request, _("The attendance of %(day)s was saved.") % {"day": day.isoformat()})
            return redirect(f"{reverse('cadres:class_attendance', args=[training_class.pk])}?day={day.isoformat()}")
    context = {
        "training_class": training_class,
        "day": day,
        "days": days,
        "forms": forms,
        "editable": editable,
        "present": sum(1 for _e, a, _f in forms if a and a.signed_in_at),
    }
    return render(request, "cadres/training/class_attendance.html", context, status=status)


def _extra_marks(request, marks: dict) -> dict:
    """Cadres named in the POST who are not in the table (not enrolled, or a forged field): passed on to
    the service, which refuses them with a message instead of silently dropping them."""
    extra = {}
    for key in request.POST:
        if key.startswith("c") and key.endswith("-signed_in"):
            cadre_id = key[1 : -len("-signed_in")]
            if cadre_id.isdigit() and int(cadre_id) not in marks:
                extra[int(cadre_id)] = services.Mark(signed_in=True)
    return extra


# --- the QR poster and the check-in --------------------------------------------------------------
def check_in_url(training_class: TrainingClass) -> str:
    """The absolute address the class's code carries, at the portal's public address (SITE_URL)."""
    return f"{settings.SITE_URL}{reverse('cadres:check_in', args=[training_class.qr_token])}"


def qr_svg(url: str) -> str:
    """Inline SVG of the code, as the member card makes it (members.cards.qr_svg), sized to fill its box."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=2, omitsize=True, svgclass="d-block w-100 h-auto bg-white", title=url)
    # segno writes the markup itself from a URL of ours (the host setting and a URL-safe token).
    return mark_safe(svg)  # noqa: S308


@never_cache
@cadre_officer_required
def class_qr(request, pk):
    training_class = _class(request, pk)
    url = check_in_url(training_class)
    context = {
        "training_class": training_class,
        "url": url,
        "qr": qr_svg(url),
        "active": training_class.status in services.ACTIVE_STATUSES,
    }
    return render(request, "cadres/training/class_qr.html", context)


@require_POST
@cadre_officer_required
def class_qr_renew(request, pk):
    training_class = _class(request, pk)
    try:
        services.class_qr_renew(training_class=training_class, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("A new code was made. The old one no longer works: show this one in the room."))
    return redirect("cadres:class_qr", pk=training_class.pk)


def _throttle_check_in(request) -> None:
    rate = settings.THROTTLE_RATES.get("cadre_check_in", CHECK_IN_RATE)
    if not request.user.is_authenticated:  # an anonymous visitor is counted per IP only
        rate = ",".join(part for part in rate.split(",") if not part.strip().endswith("/user"))
    allowed = ratelimit.consume(
        request, app="portal", action="cadre_check_in", config={"cadre_check_in": rate}, limit_get=True
    )
    if not allowed:
        raise RateLimited


@never_cache
def check_in(request, token):
    """The page the class's code opens on the cadre's phone: sign in, later sign out, or why not.

    Scanning (GET) only shows what the button will do; the button (POST) does it, so a page reloaded or
    scanned twice by mistake does not sign the cadre out."""
    _throttle_check_in(request)
    training_class = TrainingClass.objects.select_related("organiser").filter(qr_token=token).first()
    context = {"training_class": training_class, "token": token}
    if training_class is None:
        context["invalid"] = True
        return render(request, "cadres/training/check_in.html", context, status=404)
    if not request.user.is_authenticated:
        context["login_url"] = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
        return render(request, "cadres/training/check_in.html", context)
    cadre = own_cadre(request.user)
    if request.method == "POST":
        try:
            attendance = services.class_check_in(token=token, user=request.user)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            when = timezone.localtime(attendance.signed_out_at or attendance.signed_in_at)
            if attendance.signed_out_at:
                messages.success(request, _("Signed out at %(time)s. Thank you.") % {"time": f"{when:%H:%M}"})
            else:
                messages.success(request, _("Signed in at %(time)s.") % {"time": f"{when:%H:%M}"})
        return redirect("cadres:check_in", token=token)
    state = services.check_in_state(training_class, cadre, timezone.localdate())
    context.update(
        {
            "cadre": cadre,
            "state": state,
            "refusal": services.check_in_refusal(state, training_class),
            "attendance": state.attendance,
        }
    )
    return render(request, "cadres/training/check_in.html", context)


# --- the cadre's own hub -------------------------------------------------------------------------
def _hours_this_year(cadre, year: int) -> dict:
    """This year's owed / done / short from the ledger; without a rule for the rank, the hours done only."""
    rows = ledger.cadre_years(cadre, [year])
    if rows:
        row = rows[0]
        return {
            "owed": row.owed,
            "done": row.done,
            "counted": row.counted,
            "short": row.short,
            "period_years": row.period_years,
        }
    done = sum(
        (
            e.credited_hours
            for e in cadre.enrolments.filter(status=Enrolment.Status.COMPLETED, training_class__ends_on__year=year)
        ),
        Decimal(0),
    )
    return {"owed": None, "done": done, "counted": done, "short": None, "period_years": 1}


def _task(label, url: str, *, note: str = "", icon: str = "bi-check2-square") -> dict:
    return {"label": label, "url": url, "note": note, "icon": icon}


def _my_tasks(cadre) -> list[dict]:
    """What the cadre has to do, linking to the pages of the parts that own them; a page that does not
    exist yet is left out rather than linked broken."""
    tasks = []
    if link := url_if_any("cadres:my_external_create"):
        tasks.append(_task(_("File training taken elsewhere"), link, icon="bi-journal-plus"))
    for item in cadre.external_trainings.order_by("-filed_at", "-pk")[:5]:
        if link := url_if_any("cadres:my_external_detail", item.pk):
            tasks.append(_task(item.title, link, note=item.get_status_display(), icon="bi-journal-check"))
    open_postings = ["active", "report_due"]
    for secondment in cadre.secondments.filter(status__in=open_postings, report_submitted_at__isnull=True)[:5]:
        if link := url_if_any("cadres:my_secondment", secondment.pk):
            note = secondment.host_name
            if secondment.report_due_on:
                note += " · " + _("due %(day)s") % {"day": secondment.report_due_on.isoformat()}
            tasks.append(_task(_("Secondment report"), link, note=note, icon="bi-briefcase"))
    stays = cadre.stays.select_related("union").filter(status__in=open_postings, report_submitted_at__isnull=True)
    for stay in stays[:5]:
        if link := url_if_any("cadres:my_stay", stay.pk):
            note = stay.unit_name
            if stay.report_due_on:
                note += " · " + _("due %(day)s") % {"day": stay.report_due_on.isoformat()}
            tasks.append(_task(_("Research report of the grassroots stay"), link, note=note, icon="bi-house"))
    for force in cadre.task_forces_led.exclude(status="closed").order_by("-pk")[:5]:
        if link := url_if_any("cadres:my_task_force", force.pk):
            tasks.append(_task(_("Task force I lead"), link, note=force.name, icon="bi-people"))
    for assessment in cadre.assessments.order_by("-year", "-pk")[:2]:
        if link := url_if_any("cadres:my_assessment", assessment.pk):
            label = _("Yearly assessment %(year)s") % {"year": assessment.year}
            tasks.append(_task(label, link, note=assessment.get_status_display(), icon="bi-award"))
    return tasks


@never_cache
@login_required
def my_home(request):
    """The cadre's own page (phone-first): the record, this year's hours, classes, and what to do."""
    cadre = own_cadre(request.user)
    if cadre is None:
        raise Http404
    today = timezone.localdate()
    upcoming = list(
        cadre.enrolments.filter(status=Enrolment.Status.ENROLLED, training_class__ends_on__gte=today)
        .select_related("training_class__organiser")
        .order_by("training_class__starts_on", "pk")[:10]
    )
    done = list(
        cadre.enrolments.filter(status__in=[Enrolment.Status.COMPLETED, Enrolment.Status.WITHDRAWN])
        .select_related("training_class")
        .order_by("-training_class__ends_on", "-pk")[:10]
    )
    context = {
        "cadre": cadre,
        "year": today.year,
        "today": today,
        "hours": _hours_this_year(cadre, today.year),
        "upcoming": upcoming,
        "done": done,
        "tasks": _my_tasks(cadre),
    }
    return render(request, "cadres/training/my_home.html", context)
