"""Warning education (警示教育): sessions, who attended, and coverage per cadre per year.

A session is organised by a node; the cadres serving in the organiser's subtree may attend. Attendance
comes three ways, each recorded once per cadre and session:

- by hand: the officer ticks cadres (``education_attendance_add``) or takes them off (``..._remove``);
- by the attendance sheet training uses: the same flow (``cadres.services.sheets.SheetFlow``: read the
  file with the roster's checks, match each row's cadre by mobile and name, row errors, check then
  confirm, the same file refused twice by its SHA-256, all or nothing or the valid rows only); a
  session's sheet needs only mobile and name (``cadres.sheets.columns.ROLL_COLUMNS``);
- by the QR check-in training uses: the session's ``qr_token`` opens ``integrity:education_check_in``,
  where the signed-in cadre (``cadres.permissions.own_cadre``) under the organiser is recorded once,
  on the day of the session.

Every write checks the officer over the organiser (``permissions.can_manage``) and is audited
(``kinds.EDUCATION_*``); the check-in checks the cadre instead.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from cadres.models import Cadre
from cadres.permissions import own_cadre
from cadres.services.sheets import SheetFlow, sheet_check, sheet_discard, sheet_import
from cadres.sheets.columns import ROLL_COLUMNS
from cadres.sheets.matching import MatchedRow, match_rows
from unions.models import Union

from .. import kinds
from ..models.education import EducationAttendance, EducationSession, EducationSheet, _qr_token
from ..permissions import can_manage
from ..tracker import cadres_counted, year_bounds

# A session's sheet: a room of cadres, a few thousand at most.
MAX_ROWS = 20_000


def _check_manager(by, organiser: Union) -> None:
    if not can_manage(by, organiser):
        raise PermissionDenied


def _lock(session: EducationSession) -> EducationSession:
    return EducationSession.objects.select_for_update().select_related("organiser").get(pk=session.pk)


def session_cadres(session: EducationSession) -> QuerySet[Cadre]:
    """The cadres who may attend: those serving in the organiser's subtree."""
    return Cadre.objects.filter(union__path__startswith=session.organiser.path)


# --- sessions --------------------------------------------------------------------------------------
@transaction.atomic
def education_session_create(
    *, organiser: Union, kind: str, title: str, held_on: datetime.date, place: str = "", by
) -> EducationSession:
    _check_manager(by, organiser)
    if kind not in EducationSession.Kind.values:
        raise ValidationError(_("Choose the kind of session."), code="kind")
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Give the session a title."), code="title")
    if organiser.closed_on is not None:
        raise ValidationError(_("%(node)s is closed: choose an open unit.") % {"node": organiser.name}, code="closed")
    session = EducationSession.objects.create(
        organiser=organiser, kind=kind, title=title, held_on=held_on, place=(place or "").strip(), created_by=by
    )
    audit.record(
        kinds.EDUCATION_SESSION_CREATED,
        actor=by,
        union=organiser,
        target=session,
        detail={"kind": kind, "held_on": held_on.isoformat()},
    )
    return session


@transaction.atomic
def education_qr_renew(*, session: EducationSession, by) -> EducationSession:
    """A new check-in code: the old one (photographed, passed round) stops working at once."""
    session = _lock(session)
    _check_manager(by, session.organiser)
    session.qr_token = _qr_token()
    session.save(update_fields=["qr_token"])
    audit.record(kinds.EDUCATION_QR_RENEWED, actor=by, union=session.organiser, target=session)
    return session


# --- attendance by hand ----------------------------------------------------------------------------
@transaction.atomic
def education_attendance_add(*, session: EducationSession, cadre_ids, by) -> int:
    """Record these cadres as present; a cadre already recorded stays as recorded. Refused as a whole
    when a cadre is not under the organiser. Returns how many were added now."""
    session = _lock(session)
    _check_manager(by, session.organiser)
    wanted = {int(pk) for pk in cadre_ids}
    if not wanted:
        raise ValidationError(_("Tick the cadres who attended."), code="empty")
    allowed = set(session_cadres(session).filter(pk__in=wanted).values_list("pk", flat=True))
    outside = wanted - allowed
    if outside:
        raise ValidationError(
            _("Only cadres under %(node)s can attend this session; %(n)d of those chosen are not.")
            % {"node": session.organiser.name, "n": len(outside)},
            code="outside",
        )
    already = set(session.attendances.filter(cadre_id__in=wanted).values_list("cadre_id", flat=True))
    new = sorted(wanted - already)
    EducationAttendance.objects.bulk_create(
        [EducationAttendance(session=session, cadre_id=pk, source=EducationAttendance.Source.OFFICER) for pk in new],
        ignore_conflicts=True,
    )
    if new:
        audit.record(
            kinds.EDUCATION_ATTENDANCE_RECORDED,
            actor=by,
            union=session.organiser,
            target=session,
            detail={"source": EducationAttendance.Source.OFFICER, "added": len(new)},
        )
    return len(new)


@transaction.atomic
def education_attendance_remove(*, session: EducationSession, cadre_ids, by) -> int:
    """Take these cadres off the session's attendance (however it was recorded). Returns how many."""
    session = _lock(session)
    _check_manager(by, session.organiser)
    removed, _detail = session.attendances.filter(cadre_id__in={int(pk) for pk in cadre_ids}).delete()
    if removed:
        audit.record(
            kinds.EDUCATION_ATTENDANCE_REMOVED,
            actor=by,
            union=session.organiser,
            target=session,
            detail={"removed": removed},
        )
    return removed


# --- attendance by sheet (the training class's flow) -----------------------------------------------
def _evaluate(sheet, session: EducationSession, visible_cadres: QuerySet) -> list[MatchedRow]:
    candidates = {
        mobile: (pk, name) for pk, mobile, name in session_cadres(session).values_list("pk", "mobile", "name")
    }
    return match_rows(
        sheet,
        candidates=candidates,
        visible_cadres=visible_cadres,
        not_a_candidate=_("The cadre with this mobile number is not under %(node)s, which organises the session.")
        % {"node": session.organiser.name},
        duplicate_key=lambda row: row.target_id,
        duplicate_message=_("The same cadre is already on row %(n)d."),
    )


def _plain(rows: list[MatchedRow]) -> list[tuple[int, int]]:
    return [(row.number, row.target_id) for row in rows if not row.errors]


def _from_plain(values) -> list[MatchedRow]:
    return [MatchedRow(number=number, target_id=cadre_id) for number, cadre_id in values]


def _still(session: EducationSession, rows: list[MatchedRow]) -> set[int]:
    """The cadres still under the organiser at the confirmation (a cadre moved away since is left out)."""
    return set(session_cadres(session).filter(pk__in={row.target_id for row in rows}).values_list("pk", flat=True))


def _write(sheet: EducationSheet, rows: list[MatchedRow]) -> int:
    """Record the rows' cadres as present; a cadre already recorded (by hand, QR, another sheet) is kept
    as it was and not counted. Returns how many were recorded now."""
    session_id = sheet.session_id
    already = set(
        EducationAttendance.objects.filter(
            session_id=session_id, cadre_id__in={row.target_id for row in rows}
        ).values_list("cadre_id", flat=True)
    )
    new = sorted({row.target_id for row in rows} - already)
    EducationAttendance.objects.bulk_create(
        [
            EducationAttendance(session_id=session_id, cadre_id=pk, source=EducationAttendance.Source.SHEET)
            for pk in new
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(new)


EDUCATION_FLOW = SheetFlow(
    key="integrity:education-sheet",
    model=EducationSheet,
    owner_field="session",
    columns=ROLL_COLUMNS,
    max_rows=MAX_ROWS,
    evaluate=_evaluate,
    plain=_plain,
    from_plain=_from_plain,
    write=_write,
    still=_still,
    gone_message=gettext_lazy("The cadre no longer serves under the organiser."),
    changed_message=gettext_lazy(
        "Cadres moved since the check: upload the sheet again to have it checked anew, or import the valid rows only."
    ),
    raced_message=gettext_lazy("This sheet has just been imported for the session."),
)


def education_sheet_check(*, session: EducationSession, upload, by, visible_cadres: QuerySet) -> EducationSheet:
    """Read and check a sheet (the dry run): counts and row errors, nothing written. ``visible_cadres``
    are the cadres the officer keeps records of (``selectors.cadres_in_scope``)."""
    _check_manager(by, session.organiser)
    return sheet_check(EDUCATION_FLOW, owner=session, upload=upload, visible_cadres=visible_cadres, by=by)


@transaction.atomic
def education_sheet_import(*, sheet: EducationSheet, mode: str, by) -> EducationSheet:
    """Import a checked sheet: all or nothing, or the valid rows only; the same file once per session."""
    session = _lock(sheet.session)
    _check_manager(by, session.organiser)
    locked = sheet_import(EDUCATION_FLOW, sheet=sheet, owner=session, mode=mode)
    audit.record(
        kinds.EDUCATION_SHEET_IMPORTED,
        actor=by,
        union=session.organiser,
        target=session,
        detail={"sheet": locked.pk, "mode": mode, "rows": locked.rows_total, "imported": locked.imported_count},
    )
    return locked


def education_sheet_discard(*, sheet: EducationSheet, by) -> EducationSheet:
    _check_manager(by, sheet.session.organiser)
    return sheet_discard(EDUCATION_FLOW, sheet=sheet)


# --- the cadre's QR check-in -----------------------------------------------------------------------
@dataclass(frozen=True)
class CheckIn:
    """What a scan of the session's code does for this cadre (``state``), and why not."""

    state: str
    attendance: EducationAttendance | None = None

    CHECK_IN = "check_in"
    DONE = "done"  # already recorded
    NO_CADRE = "no_cadre"
    OUTSIDE = "outside"  # not under the organiser
    NOT_TODAY = "not_today"

    @property
    def can_act(self) -> bool:
        return self.state == self.CHECK_IN


def check_in_state(session: EducationSession, cadre: Cadre | None, today: datetime.date) -> CheckIn:
    if cadre is None:
        return CheckIn(CheckIn.NO_CADRE)
    if not cadre.union.path.startswith(session.organiser.path):
        return CheckIn(CheckIn.OUTSIDE)
    attendance = session.attendances.filter(cadre=cadre).first()
    if attendance is not None:
        return CheckIn(CheckIn.DONE, attendance)
    if today != session.held_on:
        return CheckIn(CheckIn.NOT_TODAY)
    return CheckIn(CheckIn.CHECK_IN)


def check_in_refusal(state: CheckIn, session: EducationSession) -> str:
    if state.state == CheckIn.NO_CADRE:
        return _(
            "Your account is not linked to a cadre record, so you cannot check in. Ask your cadre officer to link it."
        )
    if state.state == CheckIn.OUTSIDE:
        return _("This session is for the cadres under %(node)s; you cannot check in to it.") % {
            "node": session.organiser.name
        }
    if state.state == CheckIn.NOT_TODAY:
        return _("This session is held on %(day)s: check in on that day.") % {"day": session.held_on.isoformat()}
    if state.state == CheckIn.DONE:
        return _("Your attendance is already recorded.")
    return ""


@transaction.atomic
def education_check_in(*, token: str, user, today: datetime.date | None = None) -> EducationAttendance:
    """The cadre scans the session's code and is recorded as present, once. Raises ValidationError with
    the reason otherwise (an invalid or renewed code, not a cadre, not under the organiser...)."""
    session = EducationSession.objects.select_related("organiser").filter(qr_token=token).first()
    if session is None:
        raise ValidationError(
            _("This code is not valid. It may have been renewed: scan the code shown in the room."), code="invalid"
        )
    session = _lock(session)
    cadre = own_cadre(user)
    state = check_in_state(session, cadre, today or timezone.localdate())
    if not state.can_act:
        raise ValidationError(check_in_refusal(state, session), code=state.state)
    attendance = EducationAttendance.objects.create(session=session, cadre=cadre, source=EducationAttendance.Source.QR)
    audit.record(
        kinds.EDUCATION_ATTENDANCE_RECORDED,
        actor=user,
        union=session.organiser,
        target=session,
        detail={"source": EducationAttendance.Source.QR, "added": 1},
    )
    return attendance


# --- coverage --------------------------------------------------------------------------------------
def _attended_in(year: int) -> QuerySet[EducationAttendance]:
    first, last = year_bounds(year)
    return EducationAttendance.objects.filter(session__held_on__gte=first, session__held_on__lte=last)


def education_coverage_counts(paths: list[str], year: int) -> tuple[int, int]:
    """(cadres in post, those of them who attended at least one session held in the year) over those
    subtrees, in one query; "in post" as the talk tracker counts (``tracker.cadres_counted``)."""
    attended = Exists(_attended_in(year).filter(cadre_id=OuterRef("pk")))
    totals = cadres_counted(paths, year).aggregate(in_post=Count("pk"), attended=Count("pk", filter=attended))
    return totals["in_post"], totals["attended"]


def coverage_rows(paths: list[str], year: int) -> QuerySet[Cadre]:
    """The cadres in post in those subtrees, each with ``sessions``: how many sessions held in the year
    they attended; those with none first, then by node and name. One query."""
    attended = _attended_in(year).filter(cadre_id=OuterRef("pk")).order_by().values("cadre_id").annotate(n=Count("pk"))
    return (
        cadres_counted(paths, year)
        .select_related("union")
        .annotate(sessions=Coalesce(Subquery(attended.values("n")), 0))
        .order_by("sessions", "union__path", "name", "pk")
    )
