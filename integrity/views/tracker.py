"""The yearly routine integrity talk tracker (廉政谈话全覆盖): for a year and a node in the officer's
scope, the cadres in post still without a filed routine talk, to act on, and the coverage of each
child node; the uncovered list as an XLSX sheet.

Discipline officers only (anyone else: 404, a city admin included); a node outside the officer's
scope answers 404. The page shows names, nodes, posts and ranks: no record's content.
"""

import tempfile

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import audit
from accounts.links import url_pattern
from accounts.pagination import page_number
from cadres.models import Rank
from cadres.sheets.exporting import write_xlsx
from members.widgets import LongSelect
from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS
from unions.scope import scope_paths, subtree_q

from .. import kinds
from .. import tracker as tracking
from ..decorators import discipline_officer_required
from ..permissions import INTEGRITY_STAFF_KINDS

PER_PAGE = 50
FIRST_YEAR = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _link(name: str) -> str:
    return reverse(name)


def _record_pattern() -> str:
    """The cadre's integrity record for any id (``.format(pk)``)."""
    return url_pattern("integrity:cadre_record")


class TrackerForm(forms.Form):
    """The tracker's two questions: which year (this one unless asked), which node (the officer's
    widest unless asked; any node of their scope is accepted, the drop-down offers the federations)."""

    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)
    node = forms.IntegerField(label=pgettext_lazy("tree", "Node"), required=False, widget=LongSelect)

    def __init__(self, data, *, user):
        super().__init__(data)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(year, str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)]
        self.scope_paths = scope_paths(user, INTEGRITY_STAFF_KINDS)
        self.scope_unions = Union.objects.filter(subtree_q(self.scope_paths))
        self.roots: list[Union] = []

    def choose(self) -> tuple[int, Union | None]:
        """(year, node): the node asked for (404 outside scope or unknown) or the officer's one widest
        node, or None when their scope has several roots side by side (the tracker then covers them all)."""
        self.is_valid()
        year = self.cleaned_data.get("year") or timezone.localdate().year
        pk = self.cleaned_data.get("node")
        if "node" in self.errors:
            raise Http404
        self.roots = list(Union.objects.filter(path__in=self.scope_paths).order_by("path"))
        if pk is not None:
            node = self.scope_unions.filter(pk=pk).first()
            if node is None:
                raise Http404
        else:
            node = self.roots[0] if len(self.roots) == 1 else None
        chosen = node.pk if node is not None else None
        offered = list(
            self.scope_unions.filter(Q(kind__in=FEDERATION_NODE_KINDS) | Q(pk=chosen))
            .order_by("path")
            .only("pk", "name", "depth")
        )
        top = min((u.depth for u in offered), default=1)
        empty = [("", _("All my nodes"))] if len(self.roots) > 1 else []
        self.fields["node"].widget.choices = empty + [(u.pk, "\u3000" * (u.depth - top) + u.name) for u in offered]
        # The form shows what is shown, also when the address asked for nothing or for a bad year.
        self.data = self.data.copy()
        self.data["year"] = year
        self.data["node"] = chosen or ""
        return year, node


def _tracker_form(request) -> tuple[TrackerForm, int, Union | None]:
    form = TrackerForm(request.GET, user=request.user)
    year, node = form.choose()
    return form, year, node


def _paths(form: TrackerForm, node: Union | None) -> list[str]:
    return [node.path] if node is not None else form.scope_paths


@never_cache
@discipline_officer_required
@require_safe
def tracker(request):
    form, year, node = _tracker_form(request)
    if node is not None:
        rows = tracking.coverage_by_child(node, year)
    else:
        rows = [tracking.Row(root, *tracking.coverage_total([root.path], year)) for root in form.roots]
    in_post = sum(row.in_post for row in rows)
    covered = sum(row.covered for row in rows)
    paginator = Paginator(tracking.uncovered_cadres(_paths(form, node), year), PER_PAGE)
    # The coverage rows already counted the list: no second count over the city's cadres.
    paginator.count = in_post - covered
    page = paginator.get_page(page_number(request.GET.get("page")))
    cadres = list(page.object_list)
    if record := _record_pattern():
        for cadre in cadres:
            cadre.record_url = record.format(cadre.pk)
    query = request.GET.copy()
    query.pop("page", None)
    query["year"] = year
    if node is not None:
        query["node"] = node.pk
    context = {
        "form": form,
        "year": year,
        "node": node,
        "rows": rows,
        "in_post": in_post,
        "covered": covered,
        "uncovered": in_post - covered,
        "page": page,
        "cadres": cadres,
        "talk_create_url": _link("integrity:talk_create"),
        "export_url": f"{reverse('integrity:tracker_export')}?{query.urlencode()}",
    }
    return render(request, "integrity/tracker/tracker.html", context)


def export_headers() -> list[str]:
    return [
        pgettext("person", "Name"),
        pgettext("tree", "Node"),
        _("Post"),
        pgettext("cadre", "Rank"),
        _("In post since"),
    ]


def export_rows(paths: list[str], year: int):
    labels = {value: str(label) for value, label in Rank.choices}
    rows = tracking.uncovered_cadres(paths, year).values_list("name", "union__name", "post", "rank", "in_post_since")
    for name, union_name, post, rank, since in rows.iterator(chunk_size=2000):
        yield [name, union_name, post, labels.get(rank, rank), since]


@never_cache
@discipline_officer_required
@require_safe
def tracker_export(request):
    form, year, node = _tracker_form(request)
    paths = _paths(form, node)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    count = write_xlsx(
        handle,
        title=_("Without a talk %(year)s") % {"year": year},
        headers=export_headers(),
        rows=export_rows(paths, year),
        widths={0: 12, 1: 30, 2: 24, 3: 16, 4: 12},
    )
    handle.seek(0)
    audit.record(
        kinds.TRACKER_EXPORTED,
        request=request,
        union=node,
        detail={"year": year, "rows": count},
    )
    response = FileResponse(handle, as_attachment=True, filename=f"integrity-tracker-{year}.xlsx", content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response
