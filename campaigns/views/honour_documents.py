"""The honours' documents: a nomination's approval form (Word and PDF) for whoever may see the
nomination; a notice's paper copy for the organiser's staff; a round's summary for leaders and staff
over its organiser. Anything else, or outside scope: 404. Downloading the approval form is audited."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import audit
from unions.selectors import get_visible_or_404, scoped

from .. import kinds, nomination_form, notice_document
from ..honour_permissions import AGGREGATE_KINDS
from ..honour_selectors import nominations_visible_to, notices_managed_by
from ..honour_summary import file_name as summary_file_name
from ..honour_summary import summary_pdf
from ..models import Round

PDF = "application/pdf"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _nomination(request, pk):
    return get_visible_or_404(nominations_visible_to(request.user).select_related("round__organiser", "first_node"), pk)


def _form(request, pk: int, suffix: str):
    nomination = _nomination(request, pk)
    if suffix == "docx":
        content, content_type = nomination_form.docx_bytes(nomination), nomination_form.DOCX_CONTENT_TYPE
    else:
        content, content_type = nomination_form.pdf_bytes(nomination), PDF
    audit.record(
        kinds.NOMINATION_FORM_DOWNLOADED,
        request=request,
        union=nomination.union,
        target=nomination,
        detail={"format": suffix},
    )
    return _download(content, content_type, nomination_form.file_name(nomination, suffix))


@never_cache
@login_required
@require_safe
def nomination_form_docx(request, pk: int):
    return _form(request, pk, "docx")


@never_cache
@login_required
@require_safe
def nomination_form_pdf(request, pk: int):
    return _form(request, pk, "pdf")


@never_cache
@login_required
@require_safe
def notice_pdf(request, pk: int):
    notice = get_visible_or_404(notices_managed_by(request.user), pk)
    return _download(notice_document.notice_pdf(notice), PDF, notice_document.file_name(notice))


def rounds_summarised_for(user):
    """Rounds whose organiser is in a subtree where the user is federation staff or a leader."""
    return scoped(Round.objects.select_related("organiser"), user, AGGREGATE_KINDS, "organiser__path")


@never_cache
@login_required
@require_safe
def round_summary_pdf(request, pk: int):
    round_ = get_visible_or_404(rounds_summarised_for(request.user), pk)
    return _download(summary_pdf(round_), PDF, summary_file_name(round_))
