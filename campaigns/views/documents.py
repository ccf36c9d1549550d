"""A competition's documents for its organiser's staff (``permissions.can_manage``): the summary as a
PDF, the entries and the scores as XLSX workbooks. Anyone else: 404. The exports are audited."""

import tempfile

from django.http import FileResponse, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import audit
from unions.selectors import get_visible_or_404

from .. import exports, kinds
from ..decorators import competition_staff_required
from ..selectors import competitions_managed_by
from ..summary import summary_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _managed(request, pk):
    return get_visible_or_404(competitions_managed_by(request.user), pk)


@never_cache
@competition_staff_required
@require_safe
def competition_summary_pdf(request, pk: int):
    competition = _managed(request, pk)
    response = HttpResponse(summary_pdf(competition), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="competition-{competition.pk}-summary.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _workbook(request, competition, write, action: str, name: str):
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    count = write(handle)
    handle.seek(0)
    audit.record(action, request=request, union=competition.organiser, target=competition, detail={"rows": count})
    response = FileResponse(
        handle, as_attachment=True, filename=f"competition-{competition.pk}-{name}.xlsx", content_type=XLSX
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@competition_staff_required
@require_safe
def entries_xlsx(request, pk: int):
    competition = _managed(request, pk)
    return _workbook(
        request, competition, lambda out: exports.write_entries(competition, out), kinds.ENTRIES_EXPORTED, "entries"
    )


@never_cache
@competition_staff_required
@require_safe
def scores_xlsx(request, pk: int):
    competition = _managed(request, pk)
    return _workbook(
        request,
        competition,
        lambda out: exports.write_scores(competition, request.user, out),
        kinds.SCORES_EXPORTED,
        "scores",
    )
