"""The yearly assessment pages (年度考核).

Cadre officers open rounds, follow them and grade (the assessments of units in their subtree); the
leader of a unit (or above it) confirms the evaluated grades and sees only names, posts, units, grades
and the assessor's comments; the cadre writes their self-report on their own page and sees the grade
once it is published, never the evidence nor the comment.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from unions.decorators import staff_required
from unions.models import Union
from unions.scope import holds_role_anywhere
from unions.selectors import get_visible_or_404, scoped

from ..decorators import cadre_officer_required
from ..evidence import for_display, gather_evidence
from ..filters.assessments import AssessmentFilter
from ..forms.assessments import EvaluateForm, RoundForm, SelfReportForm
from ..models import Assessment, AssessmentGrade, AssessmentRound, CadreSettings
from ..permissions import CADRE_LEADER_KINDS, can_manage, is_cadre_officer, is_own
from ..political import political_veto
from ..selectors import assessments_visible_to, rounds_visible_to
from ..services import assessments as services
from ..services.assessments import HOLDING_A_GRADE, excellent_places

ROUNDS_PER_PAGE = 25
ASSESSMENTS_PER_PAGE = 50
CONFIRM_PER_PAGE = 100


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _status_counts(assessments) -> dict[str, int]:
    rows = assessments.order_by().values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(Assessment.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def _leader_assessments(user):
    """The assessments of the units at or under the user's leader roles: what they may confirm."""
    return scoped(Assessment.objects.all(), user, CADRE_LEADER_KINDS, "unit__path")


# --- rounds ---------------------------------------------------------------------------------------
@method_decorator([never_cache, staff_required], name="dispatch")
class RoundListView(View):
    """Cadre officers: the rounds opened in their subtree, with their progress. Leaders: the rounds
    with grades waiting for their confirmation (counts only)."""

    def get(self, request):
        user = request.user
        officer = is_cadre_officer(user)
        leader = holds_role_anywhere(user, CADRE_LEADER_KINDS)
        if not (officer or leader):
            raise PermissionDenied
        context = {"officer": officer, "leader": leader}
        if officer:
            rounds = (
                rounds_visible_to(user)
                .order_by("-year", "union__path", "pk")
                .annotate(
                    total=Count("assessments"),
                    **{
                        f"n_{value}": Count("assessments", filter=Q(assessments__status=value))
                        for value in Assessment.Status.values
                    },
                )
            )
            year = request.GET.get("year", "")
            if year.isdigit():
                rounds = rounds.filter(year=int(year))
            context["page"] = Paginator(rounds, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
            context["year"] = year
        if leader:
            context["to_confirm"] = list(
                _leader_assessments(user)
                .filter(status=Assessment.Status.EVALUATED)
                .order_by("-round__year", "round__union__path")
                .values("round_id", "round__year", "round__union__name")
                .annotate(n=Count("id"))
            )
        return render(request, "cadres/assessments/round_list.html", context)


@method_decorator([never_cache, cadre_officer_required], name="dispatch")
class RoundCreateView(View):
    template_name = "cadres/assessments/round_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": RoundForm(user=request.user)})

    def post(self, request):
        form = RoundForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                opened = services.round_open(
                    union=data["union"], year=data["year"], self_report_due=data["self_report_due"], by=request.user
                )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                text = _("The %(year)d assessment round of %(node)s is open: %(n)d cadres are assessed.") % {
                    "year": opened.round.year,
                    "node": opened.round.union.name,
                    "n": opened.assessed,
                }
                if opened.skipped:
                    text += " " + _("%(n)d cadres already assessed for the year in another round were left out.") % {
                        "n": opened.skipped
                    }
                messages.success(request, text)
                return redirect("cadres:round_detail", pk=opened.round.pk)
        return render(request, self.template_name, {"form": form}, status=400)


def _unit_places(assessment_round: AssessmentRound, share: int) -> list[dict]:
    """For each unit of the round: cadres assessed in the year, 优秀 allowed and taken (one query)."""
    units = Assessment.objects.filter(round=assessment_round).values("unit_id")
    rows = (
        Assessment.objects.filter(year=assessment_round.year, unit_id__in=units)
        .order_by("unit__path")
        .values("unit_id", "unit__name")
        .annotate(
            assessed=Count("id"),
            excellent=Count("id", filter=Q(grade=AssessmentGrade.EXCELLENT, status__in=HOLDING_A_GRADE)),
        )
    )
    return [{**row, "allowed": row["assessed"] * share // 100} for row in rows]


@method_decorator([never_cache, vary_on_headers("HX-Request"), cadre_officer_required], name="dispatch")
class RoundDetailView(View):
    def get(self, request, pk):
        user = request.user
        assessment_round = get_visible_or_404(rounds_visible_to(user).select_related("opened_by"), pk)
        in_round = assessments_visible_to(user).filter(round=assessment_round)
        units = Union.objects.filter(pk__in=in_round.values("unit_id")).order_by("path")
        assessment_filter = AssessmentFilter(request.GET, queryset=in_round, units=units)
        page = Paginator(
            assessment_filter.qs.order_by("unit__path", "cadre__name", "pk"), ASSESSMENTS_PER_PAGE
        ).get_page(request.GET.get("page"))
        context = {"round": assessment_round, "filter": assessment_filter, "page": page}
        if request.htmx and not request.htmx.history_restore_request:
            return render(request, "cadres/assessments/_assessments.html", context)
        share = CadreSettings.current().excellent_share_percent
        counts = _status_counts(in_round)
        context.update(
            {
                "counts": counts,
                "total": sum(counts.values()),
                "share": share,
                "unit_places": _unit_places(assessment_round, share),
                "can_publish": can_manage(user, assessment_round.union)
                and assessment_round.status == AssessmentRound.Status.OPEN
                and counts[Assessment.Status.CONFIRMED] > 0,
                "status_cards": [(value, label, counts[value]) for value, label in Assessment.Status.choices],
            }
        )
        return render(request, "cadres/assessments/round_detail.html", context)


@never_cache
@require_POST
@cadre_officer_required
def round_publish(request, pk):
    assessment_round = get_visible_or_404(rounds_visible_to(request.user), pk)
    try:
        published = services.round_publish(assessment_round=assessment_round, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request, _("%(n)d grades were published; the cadres with an account are told.") % {"n": published}
        )
    return redirect("cadres:round_detail", pk=assessment_round.pk)


def _round_visible(user, assessment: Assessment) -> bool:
    """A round opened above the officer's node holds assessments they grade but is not theirs to see."""
    return rounds_visible_to(user).filter(pk=assessment.round_id).exists()


# --- one assessment, for the officer --------------------------------------------------------------
@method_decorator([never_cache, cadre_officer_required], name="dispatch")
class AssessmentDetailView(View):
    """The cadre's self-report, the evidence gathered for the assessor, and the grade form."""

    template_name = "cadres/assessments/assessment_detail.html"

    def _get(self, request, pk) -> Assessment:
        queryset = assessments_visible_to(request.user).select_related(
            "round__union", "cadre__union", "evaluated_by", "confirmed_by"
        )
        return get_visible_or_404(queryset, pk)

    def get(self, request, pk):
        assessment = self._get(request, pk)
        initial = {"grade": assessment.grade, "comment": assessment.assessor_comment} if assessment.grade else None
        return self._render(request, assessment, EvaluateForm(initial=initial))

    def post(self, request, pk):
        assessment = self._get(request, pk)
        if not can_manage(request.user, assessment.unit):
            raise Http404
        form = EvaluateForm(request.POST)
        if form.is_valid():
            try:
                services.assessment_evaluate(
                    assessment=assessment,
                    grade=form.cleaned_data["grade"],
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(
                    request,
                    _("%(name)s is graded %(grade)s.")
                    % {"name": assessment.cadre.name, "grade": AssessmentGrade(form.cleaned_data["grade"]).label},
                )
                if _round_visible(request.user, assessment):
                    return redirect("cadres:round_detail", pk=assessment.round_id)
                return redirect("cadres:assessment_detail", pk=assessment.pk)
            assessment.refresh_from_db()
        return self._render(request, assessment, form, status=400)

    def _render(self, request, assessment: Assessment, form, status: int = 200):
        user = request.user
        stored = assessment.status in HOLDING_A_GRADE and bool(assessment.evidence)
        evidence = for_display(assessment.evidence if stored else gather_evidence(assessment))
        waiting_for_report = (
            assessment.status == Assessment.Status.OPEN and timezone.localdate() <= assessment.round.self_report_due
        )
        gradable = (
            not assessment.is_final
            and assessment.round.status == AssessmentRound.Status.OPEN
            and not is_own(user, assessment.cadre)
            and not waiting_for_report
        )
        context = {
            "assessment": assessment,
            "cadre": assessment.cadre,
            "evidence": evidence,
            "evidence_stored": stored,
            "form": form,
            "gradable": gradable,
            "waiting_for_report": waiting_for_report,
            "own": is_own(user, assessment.cadre),
            "round_visible": _round_visible(user, assessment),
            "places": excellent_places(year=assessment.year, unit_id=assessment.unit_id, exclude_pk=assessment.pk),
            "veto": evidence["political"].get("veto") if stored else political_veto(assessment.cadre),
        }
        return render(request, self.template_name, context, status=status)


# --- the leader's confirmation --------------------------------------------------------------------
@method_decorator([never_cache, staff_required], name="dispatch")
class RoundConfirmView(View):
    """A leader confirms the evaluated grades of the units under them: all of them, or those ticked.

    Only a leader with a unit of the round under them reaches the page; anyone else gets 404."""

    template_name = "cadres/assessments/round_confirm.html"

    def _scope(self, request, pk):
        try:
            assessment_round = AssessmentRound.objects.select_related("union").get(pk=pk)
        except AssessmentRound.DoesNotExist:
            raise Http404 from None
        mine = _leader_assessments(request.user).filter(round=assessment_round)
        if not mine.exists():
            raise Http404
        return assessment_round, mine

    def get(self, request, pk):
        assessment_round, mine = self._scope(request, pk)
        return self._render(request, assessment_round, mine)

    def post(self, request, pk):
        assessment_round, mine = self._scope(request, pk)
        evaluated = mine.filter(status=Assessment.Status.EVALUATED)
        if request.POST.get("all"):
            pks = list(evaluated.values_list("pk", flat=True))
        else:
            pks = [int(value) for value in request.POST.getlist("assessment") if value.isdigit()]
        try:
            confirmed = services.assessments_confirm(assessment_round=assessment_round, pks=pks, by=request.user)
        except ValidationError as exc:
            return self._render(request, assessment_round, mine, error=_errors(exc), status=400)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("%(n)d grades were confirmed.") % {"n": confirmed})
        return redirect("cadres:round_confirm", pk=assessment_round.pk)

    def _render(self, request, assessment_round, mine, *, error: str = "", status: int = 200):
        evaluated = (
            mine.filter(status=Assessment.Status.EVALUATED)
            .select_related("cadre", "unit")
            .only(
                "pk",
                "grade",
                "assessor_comment",
                "status",
                "cadre__name",
                "cadre__post",
                "unit__name",
                "unit__path",
                "round_id",
            )
            .order_by("unit__path", "cadre__name", "pk")
        )
        page = Paginator(evaluated, CONFIRM_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "round": assessment_round,
            "page": page,
            "counts": _status_counts(mine),
            "error": error,
        }
        return render(request, self.template_name, context, status=status)


# --- the cadre's own page -------------------------------------------------------------------------
def _own_assessments(user):
    return Assessment.objects.filter(cadre__user=user).select_related("round__union", "unit", "cadre")


@method_decorator([never_cache, login_required], name="dispatch")
class MyAssessmentView(View):
    """The cadre's own assessment (phone-first): the self-report while it can be written, the grade once
    published. Nothing of the assessor's evidence or comment, ever."""

    template_name = "cadres/assessments/my_assessment.html"

    def get(self, request, pk):
        assessment = get_visible_or_404(_own_assessments(request.user), pk)
        return self._render(request, assessment, SelfReportForm(initial={"self_report": assessment.self_report}))

    def post(self, request, pk):
        assessment = get_visible_or_404(_own_assessments(request.user), pk)
        form = SelfReportForm(request.POST)
        if form.is_valid():
            try:
                services.assessment_self_report(
                    assessment=assessment, text=form.cleaned_data["self_report"], by=request.user
                )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Your self-report is handed in. You can change it until it is graded."))
                return redirect("cadres:my_assessment", pk=assessment.pk)
        return self._render(request, assessment, form, status=400)

    def _render(self, request, assessment: Assessment, form, status: int = 200):
        context = {
            "assessment": assessment,
            "form": form,
            "can_write": assessment.status in (Assessment.Status.OPEN, Assessment.Status.SELF_REPORTED),
            "published": assessment.status == Assessment.Status.PUBLISHED,
            "others": list(
                Assessment.objects.filter(cadre_id=assessment.cadre_id)
                .exclude(pk=assessment.pk)
                .only("pk", "year", "status")
                .order_by("-year")
            ),
            "overdue": assessment.status == Assessment.Status.OPEN
            and timezone.localdate() > assessment.round.self_report_due,
        }
        return render(request, self.template_name, context, status=status)
