"""The cadres whose integrity records an officer keeps (search by name), and one cadre's whole record
(read recorded: ``kinds.CADRE_RECORD_READ``). A cadre outside scope answers 404."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.pagination import page_number
from unions.selectors import get_visible_or_404

from .. import kinds, selectors, trail
from ..decorators import discipline_officer_required
from ..record import cadre_record

PER_PAGE = 30


@never_cache
@discipline_officer_required
def cadre_list(request):
    cadres = selectors.cadres_in_scope(request.user).order_by("union__path", "name", "pk")
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        cadres = cadres.filter(name__contains=q)
    if request.GET.get("left") != "1":
        cadres = cadres.filter(status="in_post")
    page = Paginator(cadres, PER_PAGE).get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "integrity/records/cadre_list.html",
        {"page": page, "rows": page.object_list, "q": q, "left": request.GET.get("left") == "1"},
    )


@never_cache
@discipline_officer_required
def cadre_detail(request, pk):
    cadre = get_visible_or_404(selectors.cadres_in_scope(request.user), pk)
    trail.record_read(request, cadre, action=kinds.CADRE_RECORD_READ)
    record = cadre_record(cadre)
    today = timezone.localdate()
    for item in record.rectifications:
        item.overdue = item.is_overdue(today)
    return render(request, "integrity/records/cadre_record.html", {"cadre": cadre, "record": record, "today": today})
