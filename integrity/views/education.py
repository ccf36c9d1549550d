"""Warning education pages: the sessions, a session's attendance (by hand, by sheet, the QR poster),
coverage per cadre per year, and the page the session's code opens on a cadre's phone.

Staff pages: ``discipline_officer_required`` and the session from ``education_sessions_visible_to``
(outside scope: 404). The check-in is the cadre's page (signed in, own cadre record). The sheet pages
are the training class's (``cadres.views.sheets``) on the shared flow; the QR code is drawn as the
class's (``cadres.qr.qr_svg``).
"""

import io

from allauth.core.exceptions import RateLimited
from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.pagination import page_number
from cadres import sheet_pages
from cadres.permissions import own_cadre
from cadres.qr import qr_svg
from cadres.sheets import templates as sheet_templates
from cadres.sheets.columns import ROLL_COLUMNS
from unions.scope import scope_paths
from unions.selectors import get_visible_or_404

from .. import selectors
from ..decorators import discipline_officer_required
from ..forms.education import AttendanceForm, CoverageForm, RollUploadForm, SessionFilter, SessionForm
from ..models import EducationAttendance, EducationSession
from ..permissions import INTEGRITY_STAFF_KINDS
from ..services import education as services
from ..trail import record_read

SESSIONS_PER_PAGE = 25
ATTENDEES_PER_PAGE = 50
CANDIDATES_SHOWN = 50
SHEETS_PER_PAGE = 20
ERRORS_PER_PAGE = 50
COVERAGE_PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The QR check-in, per account and per IP; a rate in THROTTLE_RATES["education_check_in"] wins.
CHECK_IN_RATE = "20/m/user,120/m/ip"


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _session(request, pk) -> EducationSession:
    return get_visible_or_404(selectors.education_sessions_visible_to(request.user), pk)


# --- sessions --------------------------------------------------------------------------------------
@never_cache
@discipline_officer_required
@require_safe
def education_list(request):
    sessions = selectors.education_sessions_visible_to(request.user).annotate(attended=Count("attendances"))
    found = SessionFilter(request.GET, queryset=sessions)
    page = Paginator(found.qs.order_by("-held_on", "-pk"), SESSIONS_PER_PAGE).get_page(
        page_number(request.GET.get("page"))
    )
    return render(request, "integrity/education/list.html", {"filter": found, "page": page})


@never_cache
@discipline_officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def education_create(request):
    posted = request.method == "POST"
    form = SessionForm(request.POST if posted else None, user=request.user)
    if posted and form.is_valid():
        try:
            session = services.education_session_create(**form.cleaned_data, by=request.user)
        except PermissionDenied:
            form.add_error("organiser", _("Choose a unit in your part of the tree."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The session was created. Record who attended."))
            return redirect("integrity:education_detail", pk=session.pk)
    return render(request, "integrity/education/form.html", {"form": form}, status=400 if posted else 200)


def _candidates(session: EducationSession, query: str):
    """Cadres under the organiser, in post, not yet recorded, whose name holds the search."""
    cadres = (
        services.session_cadres(session)
        .filter(status="in_post")
        .exclude(pk__in=session.attendances.values("cadre_id"))
        .select_related("union")
        .order_by("union__path", "name", "pk")
    )
    if query:
        cadres = cadres.filter(name__icontains=query)
    return list(cadres[: CANDIDATES_SHOWN + 1])


@never_cache
@discipline_officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def education_detail(request, pk):
    """The session and who attended; the officer ticks cadres to add (found by name) or to take off."""
    session = _session(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            # Any cadre may be named; the service refuses one not under the organiser, saying so.
            offered = [int(pk) for pk in request.POST.getlist("cadres") if pk.isdigit()]
        else:
            offered = list(session.attendances.values_list("cadre_id", flat=True))
        form = AttendanceForm(request.POST, offered=offered)
        if action not in ("add", "remove"):
            messages.error(request, _("Choose what to do with the cadres ticked."))
        elif not form.is_valid():
            messages.error(request, " ".join(form.errors.get("cadres", [])))
        else:
            chosen = form.cleaned_data["cadres"]
            try:
                if action == "add":
                    n = services.education_attendance_add(session=session, cadre_ids=chosen, by=request.user)
                    messages.success(request, _("%(n)d cadres recorded as present.") % {"n": n})
                else:
                    n = services.education_attendance_remove(session=session, cadre_ids=chosen, by=request.user)
                    messages.success(request, _("%(n)d cadres taken off the attendance.") % {"n": n})
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                messages.error(request, _errors(exc))
        return redirect("integrity:education_detail", pk=session.pk)

    record_read(request, session)
    attendances = session.attendances.select_related("cadre__union").order_by("cadre__union__path", "cadre__name")
    page = Paginator(attendances, ATTENDEES_PER_PAGE).get_page(page_number(request.GET.get("page")))
    query = (request.GET.get("q") or "").strip()[:50]
    candidates = _candidates(session, query) if query or request.GET.get("add") else None
    context = {
        "session": session,
        "page": page,
        "query": query,
        "candidates": candidates[:CANDIDATES_SHOWN] if candidates is not None else None,
        "more_candidates": candidates is not None and len(candidates) > CANDIDATES_SHOWN,
        "sources": EducationAttendance.Source,
    }
    return render(request, "integrity/education/detail.html", context)


# --- sheets ----------------------------------------------------------------------------------------
@never_cache
@discipline_officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def education_sheet_list(request, pk):
    """The session's sheets, newest first; a sheet waiting shows its errors and the confirmation.
    POST: import (``mode``) or set aside the sheet named by ``sheet``."""
    session = _session(request, pk)
    sheets = session.sheets.select_related("uploaded_by")
    if request.method == "POST":
        return sheet_pages.sheet_action(
            request,
            sheets,
            url=reverse("integrity:education_sheet_list", args=[session.pk]),
            not_found=_("Choose a sheet of this session to import or set aside."),
            discard=lambda sheet: services.education_sheet_discard(sheet=sheet, by=request.user),
            do_import=lambda sheet, mode: services.education_sheet_import(sheet=sheet, mode=mode, by=request.user),
            imported=_("Attendance imported: %(n)d cadres recorded."),
        )
    context = {**sheet_pages.sheets_context(request, sheets), "session": session}
    return render(request, "integrity/education/sheet_list.html", context)


@never_cache
@discipline_officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def education_sheet_upload(request, pk):
    session = _session(request, pk)
    posted = request.method == "POST"
    form = RollUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            sheet = services.education_sheet_check(
                session=session,
                upload=form.cleaned_data["file"],
                by=request.user,
                visible_cadres=selectors.cadres_in_scope(request.user),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_error("file", _errors(exc))
        else:
            return redirect(f"{reverse('integrity:education_sheet_list', args=[session.pk])}?sheet={sheet.pk}")
    context = {"session": session, "form": form, "columns": ROLL_COLUMNS}
    return render(request, "integrity/education/sheet_upload.html", context, status=400 if posted else 200)


@discipline_officer_required
@require_safe
def education_sheet_template(request):
    out = io.BytesIO()
    sheet_templates.build_roll(out)
    out.seek(0)
    response = FileResponse(out, as_attachment=True, filename="警示教育签到表模板.xlsx", content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


# --- the QR poster and the cadre's check-in --------------------------------------------------------
def check_in_url(session: EducationSession) -> str:
    return f"{settings.SITE_URL}{reverse('integrity:education_check_in', args=[session.qr_token])}"


@never_cache
@discipline_officer_required
@require_safe
def education_qr(request, pk):
    session = _session(request, pk)
    url = check_in_url(session)
    context = {"session": session, "url": url, "qr": qr_svg(url), "today": timezone.localdate()}
    return render(request, "integrity/education/qr.html", context)


@discipline_officer_required
@require_POST
def education_qr_renew(request, pk):
    session = _session(request, pk)
    try:
        services.education_qr_renew(session=session, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("A new code was made. The old one no longer works: show this one in the room."))
    return redirect("integrity:education_qr", pk=session.pk)


def _throttle_check_in(request) -> None:
    rate = settings.THROTTLE_RATES.get("education_check_in", CHECK_IN_RATE)
    if not request.user.is_authenticated:
        rate = ",".join(part for part in rate.split(",") if not part.strip().endswith("/user"))
    allowed = ratelimit.consume(
        request, app="portal", action="education_check_in", config={"education_check_in": rate}, limit_get=True
    )
    if not allowed:
        raise RateLimited


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def education_check_in(request, token):
    """The page the session's code opens on the cadre's phone. Scanning (GET) shows what the button
    does; the button (POST) records the cadre once. Not signed in: sent to sign in and back here."""
    _throttle_check_in(request)
    if not request.user.is_authenticated:
        # Before the session is looked up: the code tells a visitor nothing, valid or not.
        messages.info(request, _("Sign in to your account to check in; you come back to this page afterwards."))
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    session = EducationSession.objects.select_related("organiser").filter(qr_token=token).first()
    context = {"session": session, "token": token}
    if session is None:
        context["invalid"] = True
        return render(request, "integrity/education/check_in.html", context, status=404)
    if request.method == "POST":
        try:
            attendance = services.education_check_in(token=token, user=request.user)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            when = timezone.localtime(attendance.recorded_at)
            messages.success(request, _("Checked in at %(time)s.") % {"time": f"{when:%H:%M}"})
        return redirect("integrity:education_check_in", token=token)
    cadre = own_cadre(request.user)
    state = services.check_in_state(session, cadre, timezone.localdate())
    context.update(
        {
            "cadre": cadre,
            "state": state,
            "refusal": services.check_in_refusal(state, session),
            "attendance": state.attendance,
        }
    )
    return render(request, "integrity/education/check_in.html", context)


# --- coverage --------------------------------------------------------------------------------------
@never_cache
@discipline_officer_required
@require_safe
def education_coverage(request):
    """Cadres in scope with the sessions they attended in the year, those with none first."""
    form = CoverageForm(request.GET or None, user=request.user)
    year, node = timezone.localdate().year, None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        node = form.cleaned_data["node"]
    paths = [node.path] if node is not None else scope_paths(request.user, INTEGRITY_STAFF_KINDS)
    in_post, attended = services.education_coverage_counts(paths, year)
    page = Paginator(services.coverage_rows(paths, year), COVERAGE_PER_PAGE).get_page(
        page_number(request.GET.get("page"))
    )
    context = {
        "form": form,
        "year": year,
        "node": node,
        "page": page,
        "in_post": in_post,
        "attended": attended,
        "none": in_post - attended,
    }
    return render(request, "integrity/education/coverage.html", context)
