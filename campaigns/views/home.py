"""The campaigns home: what the signed-in user may do here, one section for each thing they are
(organiser's staff, approver, clerk who enters and nominates, judge, keeper of the calendar), each with
an empty state."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .. import honour_selectors, permissions, selectors
from ..models import Competition, Nomination, Round
from ..templatetags.campaigns_menu import campaigns_roles

RECENT = 5
ACTIVE = (
    Competition.Status.DRAFT,
    Competition.Status.RETURNED,
    Competition.Status.SUBMITTED,
    Competition.Status.APPROVED,
    Competition.Status.RUNNING,
    Competition.Status.REVIEWING,
)


@never_cache
@login_required
def home(request):
    user = request.user
    roles = campaigns_roles(user)
    context = {"roles": roles}
    if roles["staff"]:
        managed = selectors.competitions_managed_by(user)
        context["counts"] = managed.aggregate(
            drafts=Count("pk", filter=Q(status__in=Competition.EDITABLE)),
            running=Count("pk", filter=Q(status__in=Competition.OPEN_FOR_ENTRIES)),
            reviewing=Count("pk", filter=Q(status=Competition.Status.REVIEWING)),
        )
        context["managed"] = list(managed.filter(status__in=ACTIVE).order_by("-starts_on", "-id")[:RECENT])
        context["can_organise"] = permissions.is_competition_staff(user)
        context["rounds"] = list(
            honour_selectors.rounds_managed_by(user)
            .exclude(status=Round.Status.CLOSED)
            .order_by("-year", "-id")[:RECENT]
        )
        context["to_review"] = (
            honour_selectors.first_review_queue(user).count()
            + honour_selectors.organiser_queue(user, Nomination.Status.FORWARDED).count()
        )
    if roles["approver"]:
        context["waiting"] = list(selectors.competitions_to_approve(user).order_by("submitted_at", "pk")[:RECENT])
    if roles["entrant"]:
        context["open_count"] = (
            selectors.competitions_open_to(user).filter(status__in=Competition.OPEN_FOR_ENTRIES).count()
        )
        context["nomination_counts"] = honour_selectors.nominations_visible_to(user).aggregate(
            drafts=Count("pk", filter=Q(status__in=Nomination.EDITABLE)),
            under_way=Count("pk", filter=Q(status__in=Nomination.ALIVE) & ~Q(status=Nomination.Status.AWARDED)),
        )
    if roles["judge"]:
        context["judgings"] = list(selectors.judgings_of(user).order_by("-competition__starts_on", "-pk")[:RECENT])
    return render(request, "campaigns/home/home.html", context)
