"""Pages of the responsibility letters (党风廉政责任书).

Thin: each parses the request, calls ``integrity.services.letters`` and renders. Every page is for a
discipline officer (anyone else: 404); letters, nodes and batches come from the scoped querysets (outside
scope: 404). A page or a file that shows a letter's content records the read (``integrity.trail``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import audit
from accounts.pagination import page_number
from cadres.models import Cadre
from unions.models import Union
from unions.scope import scope_paths, subtree_q
from unions.selectors import get_visible_or_404

from .. import kinds, selectors, trail
from .. import letter_documents as documents
from ..decorators import discipline_officer_required
from ..forms.letters import GenerateForm, LetterFilter, NodeYearForm, SignForm, TemplateUploadForm
from ..models import LetterBatch, ResponsibilityLetter
from ..permissions import INTEGRITY_STAFF_KINDS
from ..services import letters as service

LETTERS_PER_PAGE = 50
SCAN_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def nodes_for(user):
    """The nodes in the officer's scope where cadres serve: where letters are drafted."""
    in_post = Cadre.objects.filter(union=OuterRef("pk"), status=Cadre.Status.IN_POST)
    return (
        Union.objects.filter(subtree_q(scope_paths(user, INTEGRITY_STAFF_KINDS)))
        .filter(Exists(in_post))
        .order_by("path")
    )


def _node(request, source) -> Union | None:
    value = source.get("union")
    if not value:
        return None
    return get_visible_or_404(Union.objects.filter(subtree_q(scope_paths(request.user, INTEGRITY_STAFF_KINDS))), value)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


def _letter(request, pk) -> ResponsibilityLetter:
    return get_visible_or_404(selectors.letters_visible_to(request.user), pk)


# --- the list -------------------------------------------------------------------------------------
@never_cache
@require_safe
@discipline_officer_required
def letter_list(request):
    nodes = nodes_for(request.user)
    letters = selectors.letters_visible_to(request.user)
    filterset = LetterFilter(request.GET or None, queryset=letters, nodes=nodes)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else letters
    # The counts are of the letters the other filters keep, whatever status is asked for.
    others = request.GET.copy()
    for name in ("status", "page"):
        others.pop(name, None)
    counted = LetterFilter(others, queryset=letters, nodes=nodes)
    counts = service.status_counts((counted.qs if counted.is_valid() else letters).order_by())
    page = Paginator(rows.order_by("-year", "union__path", "status", "party", "pk"), LETTERS_PER_PAGE).get_page(
        page_number(request.GET.get("page"))
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "integrity/letters/list.html",
        {"filter": filterset, "page": page, "counts": counts, "query": query.urlencode()},
    )


# --- drafting -------------------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
@discipline_officer_required
def letter_generate(request):
    nodes = nodes_for(request.user)
    choose = NodeYearForm(request.GET or None, nodes=nodes)
    if not (request.GET.get("union") and choose.is_valid()):
        return render(request, "integrity/letters/generate.html", {"choose": choose, "form": None})
    union, year = choose.cleaned_data["union"], choose.cleaned_data["year"]
    form = GenerateForm(request.POST or None, union=union)
    if request.method == "POST" and form.is_valid():
        try:
            result = service.letter_generate(
                union=union,
                year=year,
                cadres=form.leaders(),
                departments=form.department_names(),
                items=form.cleaned_data["items"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(
                request,
                _("%(created)s letters drafted; %(kept)s already there were kept as they are.")
                % {"created": result.created, "kept": result.kept},
            )
            return redirect(f"{reverse('integrity:letter_list')}?{urlencode({'year': year, 'union': union.pk})}")
    template = service.template_for(union)
    return render(
        request,
        "integrity/letters/generate.html",
        {"choose": choose, "form": form, "union": union, "year": year, "template": template},
    )


# --- the node's template --------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
@discipline_officer_required
def letter_template(request):
    nodes = nodes_for(request.user)
    choose = NodeYearForm(request.GET or None, nodes=nodes)
    union = _node(request, request.GET)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if union is not None and request.method == "POST" and form.is_valid():
        year = choose.cleaned_data["year"] if choose.is_valid() else None
        try:
            service.letter_template_upload(
                union=union,
                year=year or service.year_bounds()[1] - 1,
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error("file", _errors(exc))
        else:
            messages.success(request, _("The template is kept: the letters drafted from now on use it."))
            return redirect(f"{reverse('integrity:letter_template')}?{urlencode({'union': union.pk})}")
    context = {
        "choose": choose,
        "union": union,
        "form": form,
        "template": service.template_for(union) if union is not None else None,
        "fields": list(documents.FIELDS.items()),
    }
    return render(request, "integrity/letters/template.html", context)


@never_cache
@require_safe
@discipline_officer_required
def letter_template_download(request):
    union = _node(request, request.GET)
    template = service.template_for(union) if union is not None else None
    try:
        content = service.template_bytes(template)
    except FileNotFoundError:
        raise Http404 from None
    if template is not None:
        audit.record(kinds.LETTER_DOWNLOADED, request=request, union=union, target=template)
    name = f"{_('responsibility letter template')}.docx"
    return _download(content, name, documents.DOCX_CONTENT_TYPE)


# --- one letter -----------------------------------------------------------------------------------
@never_cache
@require_safe
@discipline_officer_required
def letter_detail(request, pk):
    letter = _letter(request, pk)
    trail.record_read(request, letter)
    context = {
        "letter": letter,
        "party_name": service.party_name(letter),
        "items": [line for line in (letter.items or "").splitlines() if line.strip()],
        "sign_form": SignForm() if letter.status == ResponsibilityLetter.Status.SENT else None,
    }
    return render(request, "integrity/letters/detail.html", context)


def _file_read(request, letter):
    trail.record_read(request, letter, action=kinds.LETTER_DOWNLOADED)


@never_cache
@require_safe
@discipline_officer_required
def letter_docx(request, pk):
    letter = _letter(request, pk)
    try:
        content = service.letter_docx(letter)
    except FileNotFoundError:
        raise Http404 from None
    _file_read(request, letter)
    return _download(content, service.letter_file_name(letter, "docx"), documents.DOCX_CONTENT_TYPE)


@never_cache
@require_safe
@discipline_officer_required
def letter_pdf(request, pk):
    letter = _letter(request, pk)
    try:
        content = service.letter_pdf(letter)
    except FileNotFoundError:
        raise Http404 from None
    _file_read(request, letter)
    return _download(content, service.letter_file_name(letter, "pdf"), "application/pdf")


@never_cache
@require_safe
@discipline_officer_required
def letter_scan(request, pk):
    letter = _letter(request, pk)
    if not letter.scan:
        raise Http404
    try:
        handle = letter.scan.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = letter.scan.name.rsplit(".", 1)[-1]
    _file_read(request, letter)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=service.letter_file_name(letter, suffix),
        content_type=SCAN_TYPES.get(suffix, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@discipline_officer_required
def letter_send(request, pk):
    letter = _letter(request, pk)
    try:
        service.letter_send(letter=letter, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The letter is marked as sent."))
    return redirect("integrity:letter_detail", letter.pk)


@require_POST
@discipline_officer_required
def letter_chase(request, pk):
    letter = _letter(request, pk)
    try:
        told = service.letter_chase(letter=letter, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        if told:
            messages.success(request, _("Chased: the leader is told in the portal's inbox. The chase is recorded."))
        else:
            messages.success(
                request, _("The chase is recorded. Nobody here has a portal account: contact them directly.")
            )
    return redirect("integrity:letter_detail", letter.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@discipline_officer_required
def letter_sign(request, pk):
    letter = _letter(request, pk)
    form = SignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.letter_sign(
                letter=letter, scan=form.cleaned_data["scan"], signed_on=form.cleaned_data["signed_on"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("The signed letter is kept."))
            return redirect("integrity:letter_detail", letter.pk)
    elif request.method == "GET" and letter.status == ResponsibilityLetter.Status.SIGNED:
        messages.info(request, service._already_signed(letter).messages[0])
        return redirect("integrity:letter_detail", letter.pk)
    return render(
        request,
        "integrity/letters/sign.html",
        {"letter": letter, "party_name": service.party_name(letter), "form": form},
    )


# --- the batch for printing -----------------------------------------------------------------------
@require_POST
@discipline_officer_required
def letter_batch_create(request):
    union = _node(request, request.POST)
    if union is None:
        raise Http404
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        raise Http404 from None
    try:
        batch = service.letter_batch_request(union=union, year=year, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(f"{reverse('integrity:letter_list')}?{urlencode({'year': year, 'union': union.pk})}")
    return redirect("integrity:letter_batch_detail", batch.pk)


def _batch(request, pk) -> LetterBatch:
    return get_visible_or_404(selectors.letter_batches_visible_to(request.user), pk)


@never_cache
@require_safe
@discipline_officer_required
def letter_batch_detail(request, pk):
    batch = _batch(request, pk)
    name = "integrity/letters/_batch_status.html" if getattr(request, "htmx", False) else "integrity/letters/batch.html"
    return render(request, name, {"batch": batch})


@never_cache
@require_safe
@discipline_officer_required
def letter_batch_download(request, pk):
    batch = _batch(request, pk)
    if batch.status != LetterBatch.Status.DONE or not batch.file:
        raise Http404
    try:
        handle = batch.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit.record(kinds.LETTER_DOWNLOADED, request=request, union=batch.union, target=batch, detail={"year": batch.year})
    response = FileResponse(
        handle, as_attachment=True, filename=f"{batch.year}-{batch.union.name}.zip", content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response
