"""Staff pages of training classes: the list of the officer's subtree, creating and editing a class,
a class with its enrolments, enrolling and finishing. Every class is fetched through
``classes_visible_to`` (outside scope: 404); the rules are ``cadres.services.training``'s."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from unions.selectors import get_visible_or_404

from ... import selectors
from ...decorators import cadre_officer_required
from ...filters.training import TrainingClassFilter
from ...forms.training import CadreSearchForm, TrainingClassForm
from ...models import Enrolment, TrainingClass
from ...services import training as services

CLASSES_PER_PAGE = 30
ENROLMENTS_PER_PAGE = 100
CANDIDATES_SHOWN = 30


def errors_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def url_if_any(name: str, *args) -> str:
    """The URL of a page of another part of the app, or "" while that page does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def class_or_404(request, pk) -> TrainingClass:
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
        training_class = class_or_404(request, pk)
        if training_class.status not in services.ACTIVE_STATUSES:
            messages.info(request, _("A finished or cancelled class can no longer change."))
            return redirect("cadres:class_detail", pk=training_class.pk)
        form = TrainingClassForm(initial=TrainingClassForm.initial_from(training_class), user=request.user)
        return render(request, self.template, {"form": form, "training_class": training_class})

    def post(self, request, pk):
        training_class = class_or_404(request, pk)
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
    training_class = class_or_404(request, pk)
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
    training_class = class_or_404(request, pk)
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
        messages.error(request, errors_text(exc))
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
    training_class = class_or_404(request, pk)
    enrolment = training_class.enrolments.filter(pk=request.POST.get("enrolment") or 0).first()
    if enrolment is None:
        # The class is the user's to see; the enrolment named is not one of it (or none was named).
        messages.error(request, _("That cadre is not enrolled in this class."))
        return redirect("cadres:class_detail", pk=training_class.pk)
    try:
        services.enrolment_cancel(enrolment=enrolment, by=request.user)
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    else:
        messages.success(request, _("The enrolment of %(name)s was cancelled.") % {"name": enrolment.cadre.name})
    return redirect("cadres:class_detail", pk=training_class.pk)


@require_POST
@cadre_officer_required
def class_cancel(request, pk):
    training_class = class_or_404(request, pk)
    try:
        services.class_cancel(training_class=training_class, by=request.user)
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    else:
        messages.success(request, _("The class was cancelled, and its enrolments with it."))
    return redirect("cadres:class_detail", pk=training_class.pk)


@require_POST
@cadre_officer_required
def class_finish(request, pk):
    training_class = class_or_404(request, pk)
    try:
        result = services.class_finish(training_class=training_class, by=request.user)
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
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
