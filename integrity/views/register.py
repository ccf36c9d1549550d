"""The four-forms register's pages: the list (no note), a new entry for a cadre in scope, an entry's page.

Discipline officers only (anyone else: 404, a city admin included); entries and cadres come through the
scoped selectors (outside the officer's subtree: 404). An entry's page shows its note and records the
read. Entries are never edited: a mistaken one is corrected by a new entry, as the pages say.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.pagination import page_number
from cadres.models import Cadre
from unions.selectors import get_visible_or_404

from .. import selectors
from ..decorators import discipline_officer_required
from ..forms.register import FourFormsEntryForm, FourFormsFilter
from ..services import register as service
from ..trail import record_read

PER_PAGE = 50
# The cadre search of a new entry offers this many names; more means the name typed is too short.
SEARCH_LIMIT = 20


def _link(name: str, *args) -> str:
    return reverse(name, args=args)


@never_cache
@discipline_officer_required
@require_safe
def four_forms_list(request):
    entries = FourFormsFilter(
        request.GET,
        queryset=selectors.four_forms_visible_to(request.user).only(
            "pk", "form", "measure", "decided_on", "cadre__name", "cadre__union__name", "cadre__union__path"
        ),
        user=request.user,
    )
    page = Paginator(entries.qs, PER_PAGE).get_page(page_number(request.GET.get("page")))
    rows = list(page.object_list)
    record = _link("integrity:cadre_record", 0)
    if record:
        for entry in rows:
            entry.record_url = record.replace("/0/", f"/{entry.cadre_id}/")
    context = {"filter": entries, "page": page, "rows": rows}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "integrity/register/_results.html" if partial else "integrity/register/list.html"
    return render(request, template, context)


def _cadre_search(request):
    """The first step of a new entry without a cadre named: find the cadre by name."""
    search = " ".join((request.GET.get("q") or "").split())[:50]
    found, more = [], False
    if search:
        rows = list(
            selectors.cadres_in_scope(request.user)
            .filter(name__contains=search)
            .order_by("name", "pk")[: SEARCH_LIMIT + 1]
        )
        found, more = rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT
    return render(request, "integrity/register/choose_cadre.html", {"search": search, "found": found, "more": more})


@never_cache
@discipline_officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def four_forms_create(request):
    cadre_pk = request.GET.get("cadre")
    if not cadre_pk:
        return _cadre_search(request)
    cadre: Cadre = get_visible_or_404(selectors.cadres_in_scope(request.user), cadre_pk)
    form = FourFormsEntryForm(request.POST or None, cadre=cadre, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = service.four_forms_entry_create(cadre=cadre, by=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("The entry is recorded in the four-forms register."))
            return redirect("integrity:four_forms_detail", pk=entry.pk)
    context = {
        "cadre": cadre,
        "form": form,
        "record_url": _link("integrity:cadre_record", cadre.pk),
        "list_url": reverse("integrity:four_forms_list"),
    }
    return render(request, "integrity/register/form.html", context, status=400 if form.errors else 200)


@never_cache
@discipline_officer_required
@require_safe
def four_forms_detail(request, pk):
    entry = get_visible_or_404(selectors.four_forms_visible_to(request.user).select_related("created_by", "talk"), pk)
    record_read(request, entry)
    talk_url = ""
    if entry.talk_id and selectors.talks_visible_to(request.user).filter(pk=entry.talk_id).exists():
        talk_url = _link("integrity:talk_detail", entry.talk_id)
    context = {
        "entry": entry,
        "talk_url": talk_url,
        "record_url": _link("integrity:cadre_record", entry.cadre_id),
        "correct_url": f"{reverse('integrity:four_forms_create')}?cadre={entry.cadre_id}",
    }
    return render(request, "integrity/register/detail.html", context)
