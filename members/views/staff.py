"""Staff pages of the member records: list, detail with history, edit, end, and the audited ID reveal.

Only member staff (unions.roles.MEMBER_STAFF_KINDS) reach these pages: other staff, a leader or a
security auditor, get 403 (they see aggregates, never personal lists). Every member is fetched
through the scoped selectors, so a member outside the user's subtree answers 404.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from accounts.links import url_pattern
from accounts.pagination import MAX_PAGE, page_number
from unions.decorators import member_staff_required

from .. import search_tokens, selectors, services
from ..filters import MemberFilter
from ..forms.staff import MemberEndForm, MemberForm
from ..id_number import upgrade_notice
from ..models import Member, MemberCard, MemberEvent
from ..permissions import can_see_full_mobile
from ..services.roster_export import count_up_to

# The history on the detail page shows this many events, newest first.
HISTORY_LIMIT = 200


@dataclass
class Page:
    """A page of a list that is never counted in full: COUNT(*) over a million members on every page
    costs more than the page itself. One row beyond the page says whether there is a next one."""

    number: int
    rows: list
    has_next: bool
    size: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)


def page_of(queryset, number, size: int, *, rows_for=None) -> Page:
    """The page in two steps: its ids first, which the covering indexes answer without reading the
    rows an offset skips (page 200 skips 10,000), then only those rows, through ``rows_for(queryset)``
    when the rows need more than the ids (an annotation computed per row, say)."""
    number = page_number(number)
    offset = (number - 1) * size
    ids = list(queryset.values_list("pk", flat=True)[offset : offset + size + 1])
    page_ids = ids[:size]
    found = {row.pk: row for row in (rows_for or (lambda qs: qs))(queryset.filter(pk__in=page_ids))}
    rows = [found[pk] for pk in page_ids if pk in found]
    return Page(number=number, rows=rows, has_next=len(ids) > size and number < MAX_PAGE, size=size)


def _with_card_number(members):
    current_card = MemberCard.objects.filter(member=OuterRef("pk"), revoked_on__isnull=True).values("number")[:1]
    return members.defer("id_hash", "id_encrypted").annotate(card_number=Subquery(current_card))


# The list counts its members up to this many and says "more than" beyond: an exact COUNT over a
# city's million members costs more than the page itself.
COUNT_CAP = 1000


@method_decorator([never_cache, vary_on_headers("HX-Request"), member_staff_required], name="dispatch")
class MemberListView(View):
    """The member list. Its search form is posted, so that a search by ID number or mobile reaches
    the address bar, the history and every link the page makes only as a token (see
    members.search_tokens); the other filters and a name stay readable in the URL."""

    page_size = 50

    def get(self, request):
        if search_tokens.is_private(request.GET.get("q")):
            # A typed address or an old link: the number leaves the address bar at once.
            return redirect(_list_url(search_tokens.shareable_query(request.user, request.GET)))
        data, expired = search_tokens.resolved_query(request.user, request.GET)
        shown = search_tokens.shareable_query(request.user, request.GET)
        return self._render(request, data, shown, page=request.GET.get("page"), search_expired=expired)

    def post(self, request):
        shown = search_tokens.shareable_query(request.user, request.POST)
        export = request.POST.get("export")
        if export:
            url = reverse("members:member_export") + "?" + _with(shown, format=export)
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
        if not request.htmx:
            return redirect(_list_url(shown))
        response = self._render(request, request.POST, shown, page=None)
        response["HX-Push-Url"] = _list_url(shown)
        return response

    def _render(self, request, data, shown, *, page, search_expired=False):
        member_filter = MemberFilter(data, queryset=selectors.members_visible_to(request.user), request=request)
        page = page_of(member_filter.qs, page, self.page_size, rows_for=_with_card_number)
        detail = url_pattern("members:member_detail")
        for member in page.rows:
            member.detail_url = detail.format(member.pk)
        total = count_up_to(member_filter.qs, COUNT_CAP + 1)
        context = {
            "filter": member_filter,
            "page": page,
            "page_url": {
                "first": _list_url(shown),
                "previous": _list_url(shown, page=page.previous_page_number),
                "next": _list_url(shown, page=page.next_page_number),
            },
            "total": min(total, COUNT_CAP),
            "total_label": f"{min(total, COUNT_CAP):,}",
            "total_capped": total > COUNT_CAP,
            "search_expired": search_expired,
            "union_link": _union_link(shown),
        }
        partial = request.htmx and not request.htmx.history_restore_request
        template = "members/staff/_member_results.html" if partial else "members/staff/member_list.html"
        return render(request, template, context)


def _with(query: QueryDict, **params) -> str:
    query = query.copy()
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


def _list_url(query: QueryDict, *, page: int = 1) -> str:
    params = _with(query, page=page) if page > 1 else query.urlencode()
    return reverse("members:member_list") + (f"?{params}" if params else "")


def _union_link(query: QueryDict) -> str:
    """The list's own query with ``union=`` last, for each row's union to complete (page reset)."""
    query = query.copy()
    query.pop("union", None)
    return "?" + (query.urlencode() + "&" if query else "") + "union="


def _edited_fields_label(note: str) -> str:
    """An edit event's note names the changed fields (``name, mobile``); show their labels instead."""
    labels = {field: str(Member._meta.get_field(field).verbose_name) for field in services.DETAIL_FIELDS}
    labels["id_number"] = str(Member._meta.get_field("id_masked").verbose_name)
    return ", ".join(labels.get(part.strip(), part.strip()) for part in note.split(",") if part.strip())


def _detail_context(request, member: Member, **extra) -> dict:
    events = selectors.member_history(request.user, member, limit=HISTORY_LIMIT)
    for event in events:
        if event.kind == MemberEvent.Kind.EDITED and not event.outside_scope:
            event.note = _edited_fields_label(event.note)
    return {
        "member": member,
        "full_mobile": can_see_full_mobile(request.user, member.union),
        "card": member.cards.filter(revoked_on__isnull=True).first(),
        "events": events,
        "history_limit": HISTORY_LIMIT,
        "transfers": list(selectors.transfers_visible_to(request.user).filter(member=member)),
        **extra,
    }


@method_decorator([never_cache, member_staff_required], name="dispatch")
class MemberDetailView(View):
    def get(self, request, pk):
        member = selectors.member_get_visible(request.user, pk)
        return render(request, "members/staff/member_detail.html", _detail_context(request, member))


@never_cache
@require_POST
@member_staff_required
def member_reveal_id(request, pk):
    """The full ID number, once, for a clerk who needs it; the service writes the audit row and the
    member's history. htmx swaps the number into the detail page; without JS the page is rendered
    again with the number shown."""
    member = selectors.member_get_visible(request.user, pk)
    try:
        shown = {"revealed_id": services.member_reveal_id(member=member, by=request.user)}
        status = 200
    except ValidationError as exc:  # past the hourly limit: the service has audited the refusal
        shown = {"reveal_refused": " ".join(exc.messages)}
        status = 429
    if request.htmx:
        # 200 even for a refusal: htmx swaps no 4xx answer in, and the user must read why.
        return render(request, "members/staff/_id_number.html", {"member": member, **shown})
    context = _detail_context(request, member, **shown)
    return render(request, "members/staff/member_detail.html", context, status=status)


@method_decorator([never_cache, member_staff_required], name="dispatch")
class MemberUpdateView(View):
    template_name = "members/staff/member_form.html"

    def get(self, request, pk):
        member = selectors.member_get_visible(request.user, pk)
        form = MemberForm(instance=member, full_mobile=can_see_full_mobile(request.user, member.union))
        return render(request, self.template_name, {"form": form, "member": member})

    def post(self, request, pk):
        member = selectors.member_get_visible(request.user, pk)
        # The form works on its own copy: a refused edit must not leave changed values on ``member``.
        form = MemberForm(
            request.POST,
            instance=Member.objects.get(pk=member.pk),
            full_mobile=can_see_full_mobile(request.user, member.union),
        )
        if form.is_valid():
            number = form.cleaned_data["id_number"]
            if not form.has_changed():
                messages.info(request, _("Nothing was changed."))
                return redirect("members:member_detail", pk=member.pk)
            try:
                services.member_update(member=member, by=request.user, number=number, **form.details())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if notice := upgrade_notice(number):
                    messages.info(request, notice)
                messages.success(request, _("The member's details were saved."))
                return redirect("members:member_detail", pk=member.pk)
        return render(request, self.template_name, {"form": form, "member": member}, status=400)


@method_decorator([never_cache, member_staff_required], name="dispatch")
class MemberEndView(View):
    template_name = "members/staff/member_end.html"

    def get(self, request, pk):
        member = selectors.member_get_visible(request.user, pk)
        return render(request, self.template_name, {"form": MemberEndForm(member=member), "member": member})

    def post(self, request, pk):
        member = selectors.member_get_visible(request.user, pk)
        form = MemberEndForm(request.POST, member=member)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.member_end(
                    member=member, by=request.user, status=data["status"], on=data["on"], reason=data["reason"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if data["status"] == Member.Status.DECEASED:
                    messages.success(request, _("%(name)s was recorded as deceased.") % {"name": member.name})
                else:
                    messages.success(request, _("%(name)s has left the union.") % {"name": member.name})
                return redirect("members:member_detail", pk=member.pk)
        return render(request, self.template_name, {"form": form, "member": member}, status=400)


urlpatterns = [
    path("members/", MemberListView.as_view(), name="member_list"),
    path("members/<int:pk>/", MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", MemberUpdateView.as_view(), name="member_edit"),
    path("members/<int:pk>/end/", MemberEndView.as_view(), name="member_end"),
    path("members/<int:pk>/reveal-id/", member_reveal_id, name="member_reveal_id"),
]
