"""Staff pages of the cadre profiles: the list, a cadre's page (the whole record as one timeline),
adding and correcting a cadre, leaving or retiring, rotations and the list of cadres due for one, the
political-quality file, and the app's settings.

Every page is a cadre officer's (``cadre_officer_required``: other staff get 403); every cadre comes
through ``cadres_visible_to``, so a cadre outside the officer's subtree answers 404.
"""

import unicodedata

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from accounts.links import url_pattern
from unions.selectors import get_visible_or_404

from .. import selectors
from ..decorators import cadre_officer_required
from ..filters.profiles import STATUS_LABELS, CadreFilter
from ..forms.profiles import (
    CadreForm,
    CadreSettingsForm,
    CadreStatusForm,
    PoliticalReviewForm,
    RotationForm,
)
from ..ledger import cadre_years
from ..models import Cadre, CadreSettings, PoliticalConclusion
from ..permissions import can_change_settings
from ..political import latest_review
from ..services import profiles as services
from ..timeline import cadre_timeline

PER_PAGE = 50
# The cadre page shows the hours of this many years, the current one last.
HOURS_YEARS = 5

officer_page = [never_cache, cadre_officer_required]


def _reverse_or_empty(name: str, *args) -> str:
    """A link to a page another part of the app provides; empty while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _cadre_of(request, pk) -> Cadre:
    cadre = get_visible_or_404(selectors.cadres_visible_to(request.user), pk)
    cadre.status_label = STATUS_LABELS[cadre.status]
    return cadre


def _years_between(start, today) -> int:
    return today.year - start.year - ((today.month, today.day) < (start.month, start.day))


def _with_row_facts(cadres, today) -> None:
    """What each row shows that is computed: age, years in post, young cadre, the link."""
    detail = url_pattern("cadres:cadre_detail")
    for cadre in cadres:
        cadre.age = cadre.age_on(today)
        cadre.young = cadre.is_young_on(today)
        cadre.years_in_post = _years_between(cadre.in_post_since, today)
        cadre.detail_url = detail.format(cadre.pk)
        cadre.status_label = STATUS_LABELS[cadre.status]


# --- the list --------------------------------------------------------------------------------------
def _looks_like_a_number(value: str) -> bool:
    digits = sum(c.isdigit() for c in unicodedata.normalize("NFKC", value))
    return digits >= 7


@method_decorator([*officer_page, vary_on_headers("HX-Request")], name="dispatch")
class CadreListView(View):
    def get(self, request):
        if _looks_like_a_number(request.GET.get("q", "")):
            # A mobile (or an ID number) must not stay in addresses: the list searches names and posts.
            query = request.GET.copy()
            query.pop("q")
            query.pop("page", None)
            messages.info(request, _("The list searches names and posts, not numbers: the number was left out."))
            url = reverse("cadres:cadre_list") + (f"?{query.urlencode()}" if query else "")
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
        cadre_filter = CadreFilter(request.GET, queryset=selectors.cadres_visible_to(request.user), user=request.user)
        page = Paginator(cadre_filter.qs, PER_PAGE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        _with_row_facts(rows, timezone.localdate())
        query = request.GET.copy()
        query.pop("page", None)
        export_url = _reverse_or_empty("cadres:export_cadres")
        context = {
            "filter": cadre_filter,
            "page": page,
            "rows": rows,
            "export_url": f"{export_url}?{query.urlencode()}" if export_url and query else export_url,
            "import_url": _reverse_or_empty("cadres:import_create"),
        }
        partial = request.htmx and not request.htmx.history_restore_request
        template = "cadres/profiles/_cadre_results.html" if partial else "cadres/profiles/cadre_list.html"
        return render(request, template, context)


# --- one cadre -------------------------------------------------------------------------------------
def _hours(cadre: Cadre, today) -> list:
    years = range(today.year - HOURS_YEARS + 1, today.year + 1)
    return cadre_years(cadre, years)


@method_decorator(officer_page, name="dispatch")
class CadreDetailView(View):
    def get(self, request, pk):
        cadre = _cadre_of(request, pk)
        today = timezone.localdate()
        review = latest_review(cadre)
        context = {
            "cadre": cadre,
            "age": cadre.age_on(today),
            "young": cadre.is_young_on(today),
            "years_in_post": _years_between(cadre.in_post_since, today),
            "latest_review": review,
            "veto": review is not None and review.conclusion == PoliticalConclusion.FAIL,
            "timeline": cadre_timeline(cadre),
            "hours": _hours(cadre, today),
            "pdf_url": _reverse_or_empty("reports:cadre_pdf", cadre.pk),
        }
        return render(request, "cadres/profiles/cadre_detail.html", context)


def _form_page(request, template: str, context: dict, status: int = 200):
    return render(request, template, context, status=status)


@method_decorator(officer_page, name="dispatch")
class CadreCreateView(View):
    template_name = "cadres/profiles/cadre_form.html"

    def get(self, request):
        return _form_page(request, self.template_name, {"form": CadreForm(user=request.user)})

    def post(self, request):
        form = CadreForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                cadre = services.cadre_create(by=request.user, user=form.account_user, **form.details())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": cadre.name})
                return redirect("cadres:cadre_detail", pk=cadre.pk)
        return _form_page(request, self.template_name, {"form": form}, status=400)


@method_decorator(officer_page, name="dispatch")
class CadreUpdateView(View):
    template_name = "cadres/profiles/cadre_form.html"

    def get(self, request, pk):
        cadre = _cadre_of(request, pk)
        return _form_page(
            request, self.template_name, {"form": CadreForm(instance=cadre, user=request.user), "cadre": cadre}
        )

    def post(self, request, pk):
        cadre = _cadre_of(request, pk)
        # The form works on its own copy: a refused edit must leave ``cadre`` as it is.
        form = CadreForm(request.POST, instance=Cadre.objects.get(pk=cadre.pk), user=request.user)
        if form.is_valid():
            try:
                changed = services.cadre_update(cadre=cadre, by=request.user, user=form.account_user, **form.details())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if changed:
                    messages.success(request, _("The cadre's details were saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("cadres:cadre_detail", pk=cadre.pk)
        return _form_page(request, self.template_name, {"form": form, "cadre": cadre}, status=400)


@method_decorator(officer_page, name="dispatch")
class CadreStatusView(View):
    """Left or retired: the form on GET, the change on POST."""

    template_name = "cadres/profiles/cadre_status.html"

    def get(self, request, pk):
        cadre = _cadre_of(request, pk)
        return _form_page(request, self.template_name, {"form": CadreStatusForm(), "cadre": cadre})

    def post(self, request, pk):
        cadre = _cadre_of(request, pk)
        form = CadreStatusForm(request.POST)
        if form.is_valid():
            try:
                services.cadre_set_status(
                    cadre=cadre, status=form.cleaned_data["status"], on=form.cleaned_data["on"], by=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                cadre.refresh_from_db()
                messages.success(
                    request,
                    _("%(name)s is recorded as %(status)s.")
                    % {"name": cadre.name, "status": STATUS_LABELS[cadre.status]},
                )
                return redirect("cadres:cadre_detail", pk=cadre.pk)
        return _form_page(request, self.template_name, {"form": form, "cadre": cadre}, status=400)


# --- rotations -------------------------------------------------------------------------------------
@method_decorator(officer_page, name="dispatch")
class RotationCreateView(View):
    template_name = "cadres/profiles/rotation_form.html"

    def _context(self, request, cadre, form):
        review = latest_review(cadre)
        return {
            "form": form,
            "cadre": cadre,
            "veto": review is not None and review.conclusion == PoliticalConclusion.FAIL,
        }

    def get(self, request, pk):
        cadre = _cadre_of(request, pk)
        form = RotationForm(user=request.user, cadre=cadre)
        return _form_page(request, self.template_name, self._context(request, cadre, form))

    def post(self, request, pk):
        cadre = _cadre_of(request, pk)
        form = RotationForm(request.POST, user=request.user, cadre=cadre)
        if form.is_valid():
            try:
                services.rotation_record(cadre=cadre, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The move of %(name)s was recorded.") % {"name": cadre.name})
                return redirect("cadres:cadre_detail", pk=cadre.pk)
        return _form_page(request, self.template_name, self._context(request, cadre, form), status=400)


@method_decorator(officer_page, name="dispatch")
class RotationDueView(View):
    """Cadres in post in the same post longer than the setting's years, longest first."""

    def get(self, request):
        settings = CadreSettings.current()
        today = timezone.localdate()
        try:
            since = today.replace(year=today.year - settings.rotation_due_years)
        except ValueError:  # 29 February
            since = today.replace(year=today.year - settings.rotation_due_years, day=28)
        due = (
            selectors.cadres_visible_to(request.user)
            .filter(status=Cadre.Status.IN_POST, in_post_since__lte=since)
            .order_by("in_post_since", "union__path", "name", "id")
        )
        page = Paginator(due, PER_PAGE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        _with_row_facts(rows, today)
        rotate = url_pattern("cadres:rotation_create")
        for cadre in rows:
            cadre.rotate_url = rotate.format(cadre.pk)
        context = {"page": page, "rows": rows, "years": settings.rotation_due_years, "since": since}
        return render(request, "cadres/profiles/rotation_due.html", context)


# --- the political-quality file --------------------------------------------------------------------
@method_decorator(officer_page, name="dispatch")
class PoliticalCreateView(View):
    template_name = "cadres/profiles/political_form.html"

    def get(self, request, pk):
        cadre = _cadre_of(request, pk)
        form = PoliticalReviewForm(initial={"assessed_on": timezone.localdate()})
        return _form_page(request, self.template_name, {"form": form, "cadre": cadre})

    def post(self, request, pk):
        cadre = _cadre_of(request, pk)
        form = PoliticalReviewForm(request.POST)
        if form.is_valid():
            try:
                review = services.political_review_record(cadre=cadre, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The political-quality assessment was recorded."))
                return redirect("cadres:political_detail", pk=review.pk)
        return _form_page(request, self.template_name, {"form": form, "cadre": cadre}, status=400)


@method_decorator(officer_page, name="dispatch")
class PoliticalDetailView(View):
    def get(self, request, pk):
        review = get_visible_or_404(
            selectors.political_reviews_visible_to(request.user).select_related("recorded_by"), pk
        )
        context = {"review": review, "cadre": review.cadre, "is_fail": review.conclusion == PoliticalConclusion.FAIL}
        return render(request, "cadres/profiles/political_detail.html", context)


# --- settings --------------------------------------------------------------------------------------
@method_decorator(officer_page, name="dispatch")
class SettingsView(View):
    """The city-wide settings: a cadre officer of the city federation only (others 403)."""

    template_name = "cadres/profiles/settings.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_change_settings(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = CadreSettingsForm(instance=CadreSettings.current())
        return _form_page(request, self.template_name, {"form": form})

    def post(self, request):
        form = CadreSettingsForm(request.POST, instance=CadreSettings.current())
        if form.is_valid():
            try:
                services.cadre_settings_update(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The settings were saved."))
                return redirect("cadres:settings")
        return _form_page(request, self.template_name, {"form": form}, status=400)
