"""Read queries over integrity records, always scoped to the user in SQL (``permissions`` says why).

A record outside these querysets answers 404 (``unions.selectors.get_visible_or_404``). Lists show no
content; a page that shows a record's content records the read (``integrity.trail``).
"""

from django.db.models import Q, QuerySet

from cadres.models import Cadre
from unions.scope import scope_paths, subtree_q
from unions.selectors import scoped

from .models import (
    EducationAttendance,
    EducationSession,
    FourFormsEntry,
    LetterBatch,
    LetterTemplate,
    OpinionLetter,
    Rectification,
    ResponsibilityLetter,
    Talk,
)
from .permissions import INTEGRITY_STAFF_KINDS


def _officer_q(user, field: str) -> Q:
    return subtree_q(scope_paths(user, INTEGRITY_STAFF_KINDS), field)


def cadres_in_scope(user) -> QuerySet[Cadre]:
    """The cadres whose integrity records a discipline officer keeps."""
    return scoped(Cadre.objects.select_related("union"), user, INTEGRITY_STAFF_KINDS)


def talks_visible_to(user) -> QuerySet[Talk]:
    """Filed talks of cadres in the officer's subtree, and every talk the user records (drafts only so)."""
    if not user.is_authenticated:
        return Talk.objects.none()
    in_scope = _officer_q(user, "cadre__union__path") & ~Q(status=Talk.Status.DRAFT)
    return Talk.objects.select_related("cadre__union", "recorder").filter(in_scope | Q(recorder=user))


def rectifications_visible_to(user) -> QuerySet[Rectification]:
    """Items of filed talks of cadres in scope, and the items of the talks the user records."""
    if not user.is_authenticated:
        return Rectification.objects.none()
    in_scope = _officer_q(user, "cadre__union__path") & ~Q(talk__status=Talk.Status.DRAFT)
    return Rectification.objects.select_related("cadre__union", "talk").filter(in_scope | Q(talk__recorder=user))


def education_sessions_visible_to(user) -> QuerySet[EducationSession]:
    return scoped(EducationSession.objects.select_related("organiser"), user, INTEGRITY_STAFF_KINDS, "organiser__path")


def education_attendances_visible_to(user) -> QuerySet[EducationAttendance]:
    return scoped(
        EducationAttendance.objects.select_related("session", "cadre__union"),
        user,
        INTEGRITY_STAFF_KINDS,
        "session__organiser__path",
    )


def letters_visible_to(user) -> QuerySet[ResponsibilityLetter]:
    return scoped(ResponsibilityLetter.objects.select_related("union", "cadre"), user, INTEGRITY_STAFF_KINDS)


def letter_templates_visible_to(user) -> QuerySet[LetterTemplate]:
    return scoped(LetterTemplate.objects.select_related("union"), user, INTEGRITY_STAFF_KINDS)


def letter_batches_visible_to(user) -> QuerySet[LetterBatch]:
    """A batch holds every letter of its node: officers over the node, and only their own requests."""
    return scoped(LetterBatch.objects.select_related("union"), user, INTEGRITY_STAFF_KINDS).filter(requested_by=user)


def opinions_visible_to(user) -> QuerySet[OpinionLetter]:
    """Every opinion letter on cadres in the officer's subtree: the issuing side."""
    return scoped(
        OpinionLetter.objects.select_related("cadre__union", "requested_by", "issued_by"),
        user,
        INTEGRITY_STAFF_KINDS,
        "cadre__union__path",
    )


def opinions_requested_by(user) -> QuerySet[OpinionLetter]:
    """The requester's side: their own requests, whose pages show the conclusion and validity only."""
    if not user.is_authenticated:
        return OpinionLetter.objects.none()
    return OpinionLetter.objects.select_related("cadre__union").filter(requested_by=user)


def four_forms_visible_to(user) -> QuerySet[FourFormsEntry]:
    return scoped(
        FourFormsEntry.objects.select_related("cadre__union"), user, INTEGRITY_STAFF_KINDS, "cadre__union__path"
    )
