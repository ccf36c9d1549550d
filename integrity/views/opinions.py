"""Opinion letter pages (廉政意见书).

Two sides that never meet:
- the discipline officers' queue, the letter's page (the cadre's record over the look-back years and
  the issue form; showing it is recorded as ``OPINION_RECORD_SHOWN``, which issuing requires) and the
  PDF: ``@discipline_officer_required``, letters from ``opinions_visible_to``;
- the requester's request form and their own requests, which show the conclusion and validity only
  (``integrity.opinions.conclusion_of``), never the record, the category or the remarks.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.audit import record
from accounts.pagination import page_number
from accounts.pdf import render_pdf
from unions.scope import holds_role_anywhere, roles_of
from unions.selectors import get_visible_or_404

from .. import kinds, trail
from ..decorators import discipline_officer_required
from ..forms.opinions import IssueForm, OpinionFilter, RequestForm
from ..models import IntegritySettings, OpinionLetter, Talk
from ..opinions import conclusion_of
from ..permissions import INTEGRITY_STAFF_KINDS, OPINION_REQUESTER_KINDS, can_request_opinion
from ..record import cadre_record
from ..selectors import opinions_requested_by, opinions_visible_to
from ..services import opinions as services

PER_PAGE = 50


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _url(name: str, *args) -> str:
    return reverse(f"integrity:{name}", args=args)


def _years_ago(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- the discipline officers' side ----------------------------------------------------------------
@never_cache
@vary_on_headers("HX-Request")
@discipline_officer_required
def opinion_list(request):
    """The queue: requests waiting first (oldest first), then the issued and withdrawn, newest first."""
    letters = opinions_visible_to(request.user).annotate(
        queue=Case(
            When(status=OpinionLetter.Status.REQUESTED, then=Value(0)),
            When(status=OpinionLetter.Status.ISSUED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    found = OpinionFilter(request.GET or None, queryset=letters)
    rows = found.qs.order_by("queue", "-issued_at", "requested_at", "pk")
    page = Paginator(rows, PER_PAGE).get_page(page_number(request.GET.get("page")))
    today = timezone.localdate()
    for letter in page.object_list:
        letter.view = conclusion_of(letter, today=today)
        letter.waiting_days = (today - timezone.localtime(letter.requested_at).date()).days
    context = {"filter": found, "page": page, "rows": page.object_list}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "integrity/opinions/_results.html" if partial else "integrity/opinions/list.html"
    return render(request, template, context)


def _record_context(letter: OpinionLetter) -> dict:
    """What the records hold for the cadre over the look-back years: no content, links to the pages
    that hold it (each of which records its own read)."""
    settings = IntegritySettings.current()
    today = timezone.localdate()
    since = _years_ago(today, settings.opinion_lookback_years)
    found = cadre_record(letter.cadre, since=since)
    talks = [t for t in found.talks if t.kind != Talk.Kind.ROUTINE]
    for talk in talks:
        talk.url = _url("talk_detail", talk.pk)
    rectifications = found.open_rectifications()
    for item in rectifications:
        item.overdue = item.is_overdue(today)
        item.url = _url("rectification_detail", item.pk)
    for entry in found.four_forms:
        entry.url = _url("four_forms_detail", entry.pk)
    return {
        "since": since,
        "lookback_years": settings.opinion_lookback_years,
        "valid_months": settings.opinion_valid_months,
        "talks": talks,
        "four_forms": found.four_forms,
        "rectifications": rectifications,
        "record_empty": not (talks or found.four_forms or rectifications),
        "cadre_record_url": _url("cadre_record", letter.cadre_id),
    }


def _render_detail(request, letter: OpinionLetter, form: IssueForm | None = None, *, status: int = 200):
    trail.record_read(request, letter, action=kinds.OPINION_RECORD_SHOWN)
    context = {"letter": letter, "view": conclusion_of(letter), **_record_context(letter)}
    if letter.status == OpinionLetter.Status.REQUESTED:
        context["form"] = form or IssueForm()
    return render(request, "integrity/opinions/detail.html", context, status=status)


@never_cache
@discipline_officer_required
def opinion_detail(request, pk: int):
    letter = get_visible_or_404(opinions_visible_to(request.user), pk)
    return _render_detail(request, letter)


@never_cache
@discipline_officer_required  # before the method check: anyone else gets 404 whatever the method
@require_POST
def opinion_issue(request, pk: int):
    letter = get_visible_or_404(opinions_visible_to(request.user), pk)
    form = IssueForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            issued = services.opinion_issue(
                letter=letter,
                by=request.user,
                conclusion=data["conclusion"],
                problem_category=data["problem_category"],
                remarks=data["remarks"],
                as_of=data["as_of"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
            letter.refresh_from_db()
        else:
            messages.success(request, _("The opinion letter %(number)s is issued.") % {"number": issued.number})
            return redirect("integrity:opinion_detail", pk=issued.pk)
    if letter.status != OpinionLetter.Status.REQUESTED:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
        return redirect("integrity:opinion_detail", pk=letter.pk)
    return _render_detail(request, letter, form, status=400)


def issuing_body(letter: OpinionLetter):
    """The node of the issuing officer's discipline role over the cadre (the nearest one above it)."""
    path = letter.cadre.union.path
    nodes = [
        role.union
        for role in roles_of(letter.issued_by)
        if role.kind in INTEGRITY_STAFF_KINDS and path.startswith(role.union.path)
    ]
    return max(nodes, key=lambda node: len(node.path)) if nodes else None


@never_cache
@discipline_officer_required
def opinion_pdf(request, pk: int):
    letter = get_visible_or_404(opinions_visible_to(request.user), pk)
    if letter.status != OpinionLetter.Status.ISSUED:
        raise Http404
    content = render_pdf(
        "reports/integrity/opinion.html",
        {"letter": letter, "cadre": letter.cadre, "body": issuing_body(letter), "today": timezone.localdate()},
    )
    record(kinds.OPINION_DOWNLOADED, request=request, union=letter.cadre.union, target=letter)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"opinion-{letter.sequence_year}-{letter.sequence}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the requester's side -------------------------------------------------------------------------
def _requester_required(view):
    """A cadre officer somewhere (who asks from the portal); anyone else: 404, as for integrity pages."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if not holds_role_anywhere(request.user, OPINION_REQUESTER_KINDS):
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _own_link(letter: OpinionLetter, user) -> str:
    if letter.requested_by_id == user.pk:
        return reverse("integrity:opinion_requested_detail", args=[letter.pk])
    return ""


@never_cache
@_requester_required
def opinion_request(request):
    """Ask for a letter: a cadre of the officer's part of the tree (``?cadre=`` preselects), the purpose
    and what for. The permission to ask is checked here (``can_request_opinion``); the service checks
    the request's own rules."""
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    data = request.POST if request.method == "POST" else None
    initial = None if data is not None else {k: v for k, v in request.GET.items() if k in {"purpose", "note"}}
    form = RequestForm(data, initial=initial, user=user, search=source.get("q", ""), selected=source.get("cadre"))
    status = 200
    if data is not None:
        if form.is_valid():
            cadre = form.cleaned_data["cadre"]
            if not can_request_opinion(user, cadre):
                raise Http404
            try:
                letter = services.opinion_request(
                    cadre=cadre, purpose=form.cleaned_data["purpose"], by=user, note=form.cleaned_data["note"]
                )
            except (services.OpenRequestExists, services.ValidLetterExists) as exc:
                link = _own_link(exc.letter, user)
                if link:
                    form.add_error(
                        None, format_html('{} <a href="{}">{}</a>', _errors(exc), link, _("Open that letter"))
                    )
                else:
                    form.add_error(None, _errors(exc))
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(
                    request,
                    _("The opinion letter on %(name)s is asked for; you are told when it is issued.")
                    % {"name": letter.cadre.name},
                )
                return redirect("integrity:opinion_requested_detail", pk=letter.pk)
        status = 400
    return render(request, "integrity/opinions/request.html", {"form": form}, status=status)


@never_cache
@login_required
def opinion_requested_list(request):
    """The requester's own requests: the conclusion and validity only."""
    letters = opinions_requested_by(request.user).order_by("-requested_at", "-pk")
    page = Paginator(letters, PER_PAGE).get_page(page_number(request.GET.get("page")))
    today = timezone.localdate()
    for letter in page.object_list:
        letter.view = conclusion_of(letter, today=today)
    can_ask = holds_role_anywhere(request.user, OPINION_REQUESTER_KINDS)
    return render(
        request, "integrity/opinions/requested_list.html", {"page": page, "rows": page.object_list, "can_ask": can_ask}
    )


@never_cache
@login_required
def opinion_requested_detail(request, pk: int):
    letter = get_visible_or_404(opinions_requested_by(request.user), pk)
    trail.record_read(request, letter)
    view = conclusion_of(letter)
    context = {
        "letter": letter,
        "view": view,
        "can_ask_again": view.expired and can_request_opinion(request.user, letter.cadre),
    }
    return render(request, "integrity/opinions/requested_detail.html", context)
