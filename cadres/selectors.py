"""Read queries over cadres and their records, always scoped to the user in SQL.

Every staff page starts from one of these; an object outside the user's scope is not in the queryset,
so ``unions.selectors.get_visible_or_404`` answers 404 for it.
"""

from django.db.models import Q, QuerySet

from unions.selectors import scoped

from .models import (
    Assessment,
    AssessmentRound,
    Cadre,
    CadreExport,
    CadreImport,
    ExternalTraining,
    GrassrootsStay,
    PoliticalReview,
    Rotation,
    Secondment,
    TaskForce,
    TrainingClass,
)
from .permissions import CADRE_STAFF_KINDS


def cadres_visible_to(user) -> QuerySet[Cadre]:
    return scoped(Cadre.objects.select_related("union"), user, CADRE_STAFF_KINDS)


def classes_visible_to(user) -> QuerySet[TrainingClass]:
    """Classes organised in the user's subtree."""
    return scoped(TrainingClass.objects.select_related("organiser"), user, CADRE_STAFF_KINDS, "organiser__path")


def external_trainings_visible_to(user) -> QuerySet[ExternalTraining]:
    return scoped(
        ExternalTraining.objects.select_related("cadre__union"), user, CADRE_STAFF_KINDS, "cadre__union__path"
    )


def secondments_visible_to(user) -> QuerySet[Secondment]:
    return scoped(Secondment.objects.select_related("cadre__union"), user, CADRE_STAFF_KINDS, "cadre__union__path")


def stays_visible_to(user) -> QuerySet[GrassrootsStay]:
    return scoped(
        GrassrootsStay.objects.select_related("cadre__union", "union"), user, CADRE_STAFF_KINDS, "cadre__union__path"
    )


def rotations_visible_to(user) -> QuerySet[Rotation]:
    return scoped(Rotation.objects.select_related("cadre__union"), user, CADRE_STAFF_KINDS, "cadre__union__path")


def political_reviews_visible_to(user) -> QuerySet[PoliticalReview]:
    return scoped(PoliticalReview.objects.select_related("cadre__union"), user, CADRE_STAFF_KINDS, "cadre__union__path")


def task_forces_visible_to(user) -> QuerySet[TaskForce]:
    """Task forces organised in the user's subtree."""
    return scoped(TaskForce.objects.select_related("organiser", "lead"), user, CADRE_STAFF_KINDS, "organiser__path")


def rounds_visible_to(user) -> QuerySet[AssessmentRound]:
    """Rounds opened in the user's subtree, and rounds opened above it that assess cadres of it (a
    district's officers grade their own cadres in the city's round; its pages list only those)."""
    opened_here = scoped(AssessmentRound.objects.all(), user, CADRE_STAFF_KINDS).values("pk")
    assessing_here = assessments_visible_to(user).values("round_id")
    return AssessmentRound.objects.select_related("union").filter(Q(pk__in=opened_here) | Q(pk__in=assessing_here))


def assessments_visible_to(user) -> QuerySet[Assessment]:
    """The assessments of the units in the user's subtree (the unit when the round opened)."""
    return scoped(Assessment.objects.select_related("cadre", "unit", "round"), user, CADRE_STAFF_KINDS, "unit__path")


def imports_visible_to(user) -> QuerySet[CadreImport]:
    return scoped(CadreImport.objects.select_related("union"), user, CADRE_STAFF_KINDS)


def exports_of(user) -> QuerySet[CadreExport]:
    """A user's own exports: an export is downloaded only by whoever asked for it."""
    return CadreExport.objects.filter(requested_by=user) if user.is_authenticated else CadreExport.objects.none()


# --- postings and task forces: the signed-in cadre's own (the hub and the my/cadre/ pages) -------
def _own(queryset: QuerySet, user, field: str = "cadre__user") -> QuerySet:
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(**{field: user})


def own_secondments(user) -> QuerySet[Secondment]:
    return _own(Secondment.objects.select_related("cadre"), user)


def own_stays(user) -> QuerySet[GrassrootsStay]:
    return _own(GrassrootsStay.objects.select_related("cadre", "union"), user)


def own_task_forces_led(user) -> QuerySet[TaskForce]:
    """The task forces the signed-in cadre leads: they assess the members (``cadres:my_task_force``)."""
    return _own(TaskForce.objects.select_related("organiser", "lead"), user, "lead__user")


def own_task_force_results(user) -> QuerySet:
    """The signed-in cadre's own grades in task forces, once each force is closed; never another
    member's grade, and nothing while the lead may still change it."""
    from .models import TaskForceMember

    return _own(
        TaskForceMember.objects.select_related("task_force").filter(task_force__status=TaskForce.Status.CLOSED),
        user,
    ).order_by("-task_force__ends_on", "-id")
