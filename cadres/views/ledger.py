"""Pages of the hours ledger: the ledger of a node for a year, the hours rules, closing a year, and
training taken elsewhere (补录), filed by an officer or the cadre and reviewed one level up.

Staff pages are a cadre officer's (``cadre_officer_required``); nodes, cadres and filings come through
the scoped selectors, so anything outside the officer's subtree answers 404. The rules are city-wide:
every cadre officer reads them, a cadre officer of the city (``can_change_settings``) changes them and
closes years. A cadre's own pages (``my/cadre/external/``) show only their own filings.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from unions.models import Union
from unions.scope import scope_paths, subtree_q
from unions.selectors import get_visible_or_404

from .. import ledger, selectors
from ..decorators import cadre_officer_required
from ..forms.ledger import (
    EXTERNAL_SCOPES,
    CadreSearchForm,
    CloseYearForm,
    ExternalFilterForm,
    ExternalTrainingForm,
    HoursRuleForm,
    LedgerFilterForm,
    OfficerExternalTrainingForm,
    ReturnForm,
)
from ..models import Cadre, ExternalTraining, HoursRule, Rank
from ..permissions import CADRE_STAFF_KINDS, can_change_settings, can_review_external, is_own, own_cadre
from ..services import ledger as services

LEDGER_PER_PAGE = 50
EXTERNAL_PER_PAGE = 50
# The officer's filing form lists at most this many cadres; past it, they are found by name.
OFFERED_CADRES_MAX = 200
officer_page = [never_cache, cadre_officer_required]


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _reverse_or_empty(name: str, *args) -> str:
    """A link to a page another part of the app provides; empty while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- the ledger ------------------------------------------------------------------------------------
@method_decorator([*officer_page, vary_on_headers("HX-Request")], name="dispatch")
class LedgerView(View):
    def get(self, request):
        user = request.user
        roots = scope_paths(user, CADRE_STAFF_KINDS)
        scope_unions = Union.objects.filter(subtree_q(roots))
        form = LedgerFilterForm(request.GET or None, scope_unions=scope_unions, roots=roots)
        if form.is_bound and not form.is_valid() and "union" in form.errors:
            raise Http404  # a node outside the officer's subtree
        node, year, short_only = form.choice()
        closed = ledger.year_is_closed(year)
        rows = []
        if node is not None:
            cadres = ledger.node_cadres(selectors.cadres_visible_to(user), node, year, closed=closed)
            rows = ledger.ledger_rows(cadres, year)
        total = ledger.totals(rows)
        if short_only:
            rows = [row for row in rows if row.short > 0]
        page = Paginator(rows, LEDGER_PER_PAGE).get_page(request.GET.get("page"))
        this_year = timezone.localdate().year
        context = {
            "form": form,
            "node": node,
            "year": year,
            "short_only": short_only,
            "page": page,
            "rows": page.object_list,
            "total": total,
            "closed": closed,
            "may_close": can_change_settings(user) and year < this_year and not closed,
            "export_url": _reverse_or_empty("cadres:export_ledger"),
            "cadre_url": _reverse_or_empty("cadres:cadre_detail", 0).replace("/0/", "/{}/"),
        }
        template = "cadres/ledger/_table.html" if request.htmx else "cadres/ledger/ledger.html"
        return render(request, template, context)


@never_cache
@require_POST
@cadre_officer_required
def ledger_close(request):
    form = CloseYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the year to close."))
        return redirect("cadres:ledger")
    year = form.cleaned_data["year"]
    if not can_change_settings(request.user):
        raise PermissionDenied
    try:
        services.ledger_year_close(year=year, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The ledger of %(year)s is closed: its figures no longer change.") % {"year": year})
    return redirect(reverse("cadres:ledger") + f"?year={year}")


# --- rules -----------------------------------------------------------------------------------------
@method_decorator(officer_page, name="dispatch")
class RuleListView(View):
    def get(self, request):
        this_year = timezone.localdate().year
        all_rules = list(HoursRule.objects.select_related("updated_by"))
        rules = ledger.Rules(all_rules)
        in_force = []
        for rank, label in Rank.choices:
            rule = rules.for_(rank, this_year)
            in_force.append({"rank": rank, "label": label, "rule": rule})
        order = {rank: index for index, (rank, _label) in enumerate(Rank.choices)}
        all_rules.sort(key=lambda rule: (order.get(rule.rank, 99), -rule.starts_year))
        in_force_ids = {item["rule"].pk for item in in_force if item["rule"]}
        latest = ledger.latest_closed_year()
        for rule in all_rules:
            rule.in_force = rule.pk in in_force_ids
            rule.editable = latest is None or rule.starts_year > latest
        context = {
            "year": this_year,
            "in_force": in_force,
            "rules": all_rules,
            "latest_closed": latest,
            "may_change": can_change_settings(request.user),
        }
        return render(request, "cadres/ledger/rules.html", context)


class _RuleFormView(View):
    title = ""

    def _render(self, request, form, rule=None, status=200):
        context = {"form": form, "rule": rule, "title": self.title, "latest_closed": ledger.latest_closed_year()}
        return render(request, "cadres/ledger/rule_form.html", context, status=status)


@method_decorator(officer_page, name="dispatch")
class RuleCreateView(_RuleFormView):
    def dispatch(self, request, *args, **kwargs):
        if not can_change_settings(request.user):
            raise PermissionDenied
        self.title = _("New hours rule")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        latest = ledger.latest_closed_year()
        start = max(timezone.localdate().year, (latest or 0) + 1)
        return self._render(request, HoursRuleForm(initial={"starts_year": start, "period_years": 1}))

    def post(self, request):
        form = HoursRuleForm(request.POST)
        if form.is_valid():
            try:
                services.hours_rule_create(**form.cleaned_data, by=request.user)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("The rule was added."))
                return redirect("cadres:rule_list")
        return self._render(request, form, status=400)


@method_decorator(officer_page, name="dispatch")
class RuleEditView(_RuleFormView):
    def dispatch(self, request, *args, **kwargs):
        # Rules hold city-wide; an officer who may not change them has no such page.
        if not can_change_settings(request.user):
            raise Http404
        self.title = _("Edit the hours rule")
        return super().dispatch(request, *args, **kwargs)

    def _rule(self, pk) -> HoursRule:
        try:
            return HoursRule.objects.get(pk=pk)
        except HoursRule.DoesNotExist:
            raise Http404 from None

    def get(self, request, pk):
        rule = self._rule(pk)
        return self._render(request, HoursRuleForm(instance=rule), rule)

    def post(self, request, pk):
        rule = self._rule(pk)
        form = HoursRuleForm(request.POST, instance=HoursRule.objects.get(pk=rule.pk))
        if form.is_valid():
            try:
                services.hours_rule_update(rule=rule, **form.cleaned_data, by=request.user)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("The rule was changed."))
                return redirect("cadres:rule_list")
        return self._render(request, form, rule, status=400)


# --- external training: officers -------------------------------------------------------------------
def waiting_for(user, trainings):
    """Filings the user may decide: a cadre officer strictly above the cadre's node (at the root, the
    root's own officers). In scope, that is every cadre not at the top node of one of the user's
    subtrees, and those at a top node that is the tree's root."""
    tops = [path for path in scope_paths(user, CADRE_STAFF_KINDS) if len(path) > Union.steplen]
    return trainings.filter(status=ExternalTraining.Status.SUBMITTED).exclude(cadre__union__path__in=tops)


@method_decorator([*officer_page, vary_on_headers("HX-Request")], name="dispatch")
class ExternalListView(View):
    def get(self, request):
        visible = selectors.external_trainings_visible_to(request.user)
        scope = request.GET.get("scope")
        scope = scope if scope in dict(EXTERNAL_SCOPES) else "waiting"
        filter_form = ExternalFilterForm(request.GET)
        trainings = waiting_for(request.user, visible) if scope == "waiting" else filter_form.filter(visible)
        trainings = trainings.select_related("cadre__union").order_by("-filed_at", "-id")
        page = Paginator(trainings, EXTERNAL_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "page": page,
            "rows": list(page.object_list),
            "scope": scope,
            "scopes": EXTERNAL_SCOPES,
            "filter_form": filter_form,
            "waiting_count": waiting_for(request.user, visible).count(),
        }
        template = "cadres/ledger/_external_list.html" if request.htmx else "cadres/ledger/external_list.html"
        return render(request, template, context)


def _file(form, cadre: Cadre, by):
    data = form.cleaned_data
    return services.external_training_file(
        cadre=cadre,
        title=data["title"],
        provider=data["provider"],
        mode=data["mode"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        hours=data["hours"],
        certificate=data["certificate"],
        by=by,
    )


@method_decorator(officer_page, name="dispatch")
class ExternalCreateView(View):
    def _cadres(self, request):
        return selectors.cadres_visible_to(request.user).filter(status=Cadre.Status.IN_POST)

    def _offered(self, cadres, *, name: str = "", pk=None) -> list[Cadre]:
        """The cadres the list shows: the one named in the link or the form, those whose name starts
        with what was searched, or every one when the officer's scope is small."""
        if pk is not None and str(pk).isdigit():
            return list(cadres.filter(pk=int(pk)))
        if name:
            return list(cadres.filter(name__startswith=name).order_by("name", "pk")[:OFFERED_CADRES_MAX])
        few = list(cadres.order_by("name", "pk")[: OFFERED_CADRES_MAX + 1])
        return few if len(few) <= OFFERED_CADRES_MAX else []

    def _render(self, request, form, search, offered, status=200):
        context = {"form": form, "search": search, "offered_count": len(offered)}
        return render(request, "cadres/ledger/external_new.html", context, status=status)

    def get(self, request):
        cadres = self._cadres(request)
        search = CadreSearchForm(request.GET)
        name = search.cleaned_data["q"].strip() if search.is_valid() else ""
        chosen = request.GET.get("cadre", "").strip()
        offered = self._offered(cadres, name=name, pk=chosen or None)
        initial = {"cadre": offered[0].pk} if len(offered) == 1 else {}
        form = OfficerExternalTrainingForm(initial=initial, cadres=cadres, offered=offered)
        return self._render(request, form, search, offered)

    def post(self, request):
        cadres = self._cadres(request)
        offered = self._offered(cadres, pk=request.POST.get("cadre") or None)
        form = OfficerExternalTrainingForm(request.POST, request.FILES, cadres=cadres, offered=offered)
        if form.is_valid():
            try:
                training = _file(form, form.cleaned_data["cadre"], request.user)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("The training was filed. A cadre officer one level up approves it."))
                return redirect("cadres:external_detail", pk=training.pk)
        return self._render(request, form, CadreSearchForm(), offered, status=400)


def _external(request, pk) -> ExternalTraining:
    return get_visible_or_404(
        selectors.external_trainings_visible_to(request.user).select_related("filed_by", "reviewed_by"), pk
    )


@method_decorator(officer_page, name="dispatch")
class ExternalDetailView(View):
    def _render(self, request, training, return_form=None, status=200):
        context = {
            "training": training,
            "may_review": can_review_external(request.user, training) and not is_own(request.user, training.cadre),
            "return_form": return_form or ReturnForm(),
            "year_closed": ledger.year_is_closed(training.credited_year),
        }
        return render(request, "cadres/ledger/external_detail.html", context, status=status)

    def get(self, request, pk):
        return self._render(request, _external(request, pk))

    def post(self, request, pk):
        training = _external(request, pk)
        action = request.POST.get("action")
        if action == "approve":
            try:
                services.external_training_approve(training=training, by=request.user)
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("Approved: the hours count in the ledger."))
            return redirect("cadres:external_detail", pk=training.pk)
        if action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                return self._render(request, training, form, status=400)
            try:
                services.external_training_return(
                    training=training, reason=form.cleaned_data["reason"], by=request.user
                )
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("Returned: the cadre reads the reason and may file it again."))
            return redirect("cadres:external_detail", pk=training.pk)
        return self._render(request, training, status=400)


def _certificate_response(training: ExternalTraining) -> FileResponse:
    try:
        handle = training.certificate.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    suffix = training.certificate.name.rsplit(".", 1)[-1].lower() if "." in training.certificate.name else "pdf"
    content_type = {"pdf": "application/pdf", "png": "image/png"}.get(suffix, "image/jpeg")
    response = FileResponse(handle, as_attachment=False, filename=f"certificate-{training.pk}.{suffix}")
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@cadre_officer_required
def external_certificate(request, pk):
    return _certificate_response(_external(request, pk))


# --- external training: the cadre's own ------------------------------------------------------------
def _own_cadre_or_404(request) -> Cadre:
    cadre = own_cadre(request.user)
    if cadre is None:
        raise Http404
    return cadre


def _own_external(request, pk) -> ExternalTraining:
    cadre = _own_cadre_or_404(request)
    return get_visible_or_404(
        ExternalTraining.objects.filter(cadre=cadre).select_related("cadre__union", "reviewed_by"), pk
    )


@method_decorator([never_cache, login_required], name="dispatch")
class MyExternalCreateView(View):
    def _render(self, request, form, cadre, status=200):
        context = {"form": form, "cadre": cadre, "mine": list(cadre.external_trainings.order_by("-filed_at")[:20])}
        return render(request, "cadres/ledger/my_external_new.html", context, status=status)

    def get(self, request):
        cadre = _own_cadre_or_404(request)
        initial = {}
        again = request.GET.get("again", "")
        if again.isdigit():
            returned = cadre.external_trainings.filter(pk=int(again), status=ExternalTraining.Status.RETURNED).first()
            if returned is not None:
                initial = ExternalTrainingForm.again(returned)
        return self._render(request, ExternalTrainingForm(initial=initial), cadre)

    def post(self, request):
        cadre = _own_cadre_or_404(request)
        form = ExternalTrainingForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                training = _file(form, cadre, request.user)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Filed. You will be told when it is approved or returned."))
                return redirect("cadres:my_external_detail", pk=training.pk)
        return self._render(request, form, cadre, status=400)


@never_cache
@login_required
def my_external_detail(request, pk):
    training = _own_external(request, pk)
    return render(request, "cadres/ledger/my_external_detail.html", {"training": training})


@never_cache
@login_required
def my_external_certificate(request, pk):
    return _certificate_response(_own_external(request, pk))
