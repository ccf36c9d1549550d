"""Public pages (no sign-in): a competition's results and the check a certificate's QR code opens.

Both show only the fields listed for them: the results page the place, the entry's name and unit, its
kind, the final score and the prize; the check page whether the certificate is valid, its prize, its
competition and the organiser, and nobody's name. Their addresses carry unguessable tokens.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.pagination import page_number
from accounts.throttle import throttle

from ..models import Award, Competition, Entry, Prize

TOKEN_MAX = 64
RESULTS_PER_PAGE = 100


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
@never_cache
def results(request, token):
    """The frozen ranking: public, or for signed-in portal users only, as the competition says. Throttled
    per IP like every public page; a city contest of thousands of entries is paged."""
    throttle(request, "competition_results")
    competition = (
        Competition.objects.select_related("organiser")
        .filter(public_token=token[:TOKEN_MAX], status__in=[Competition.Status.CLOSED, Competition.Status.COMMENDED])
        .first()
    )
    if competition is None:
        raise Http404
    if competition.results != Competition.Results.PUBLIC and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Only what the page shows is read: no member, no team leader, no person beyond the entry's name.
    rows = (
        Entry.objects.filter(competition=competition, status=Entry.Status.ACCEPTED, rank__isnull=False)
        .order_by("rank", "entered_at", "id")
        .values("rank", "name", "unit_name", "kind", "final_score", "award__prize__grade")
    )
    page = Paginator(rows, RESULTS_PER_PAGE).get_page(page_number(request.GET.get("page")))
    kinds = dict(Entry.Kind.choices)
    grades = dict(Prize.Grade.choices)
    ranking = [
        {
            "rank": row["rank"],
            "name": row["name"],
            "unit": row["unit_name"],
            "kind": kinds.get(row["kind"], ""),
            "score": row["final_score"],
            "prize": grades.get(row["award__prize__grade"], ""),
        }
        for row in page.object_list
    ]
    context = {"competition": competition, "ranking": ranking, "page": page}
    return _private(render(request, "campaigns/public/results.html", context))


@require_safe
@never_cache
def certificate_check(request, token):
    """Whoever scans a certificate learns whether it is valid, its prize and its competition; never the
    name. Unknown tokens get the same "not valid" page. Throttled per IP, so tokens cannot be tried in bulk."""
    throttle(request, "certificate_check")
    award = None
    if token and len(token) <= TOKEN_MAX:
        award = (
            Award.objects.select_related("prize", "entry__competition__organiser")
            .filter(token=token, entry__competition__status=Competition.Status.COMMENDED)
            .first()
        )
    context = {"award": award, "checked_at": timezone.now()}
    if award is not None:
        competition = award.entry.competition
        context.update(
            prize=award.prize.get_grade_display(),
            competition_title=competition.title,
            organiser=competition.organiser.name,
        )
    return _private(render(request, "campaigns/public/check.html", context))
