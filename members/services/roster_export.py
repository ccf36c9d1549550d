"""Member list exports: which rows a user may take out, at once or as a job, and the audit of each.

The rows are those of the member list with the same filters, within the user's scope; with full ID
numbers and mobiles only for a role in ``FULL_EXPORT_KINDS`` and then only from the subtree where
the user holds such a role. A list up to ``ROSTER_EXPORT_SYNC_MAX_ROWS`` is written while the user
waits; a larger one becomes a ``RosterExport`` built by a job (``export_build``) that applies the
filters again, with the requester's scope as it is when the job runs (the filter is built from the
user, not from a request). The job's lifecycle is every job's (``accounts.jobs``). Every export is
audited with its format, row count, masking and filters, never with an ID number.
"""

import logging
import tempfile
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts import audit, jobs
from accounts.phone import mask_mobile
from unions.models import Union
from unions.roles import FULL_EXPORT_KINDS, MEMBER_STAFF_KINDS
from unions.scope import scope_paths, subtree_q

from .. import kinds, selectors
from ..filters import SEARCH_BAD_ID, SEARCH_ID, SEARCH_MOBILE, MemberFilter, classify_search
from ..models import Member, RosterExport
from ..permissions import can_export_full
from ..roster import exporting

logger = logging.getLogger(__name__)
FORMATS = ("xlsx", "csv")
# Query parameters of the list that are not filters.
NOT_FILTERS = ("page", "format", "full_details", "csrfmiddlewaretoken")
PROGRESS_TIMEOUT = 24 * 3600
# An Excel sheet holds 1,048,576 rows, the header included.
XLSX_MAX_ROWS = 1_048_575


def filter_query(params: QueryDict) -> QueryDict:
    """The list's filters out of a request's parameters: no page number, format or form fields."""
    query = params.copy()
    for key in NOT_FILTERS:
        query.pop(key, None)
    return query


def member_filter_for(user, query: QueryDict) -> MemberFilter:
    """The member list's filter over what ``user`` may see, as the list page builds it."""
    return MemberFilter(query, queryset=selectors.members_visible_to(user), user=user)


def export_rows(user, query: QueryDict, *, full_details: bool) -> QuerySet[Member]:
    """The members the export holds: the list's filtered rows; for full details, only those under
    the user's full-export roles. Raises ValidationError when the filters are refused."""
    if full_details and not can_export_full(user):
        raise PermissionDenied
    member_filter = member_filter_for(user, query)
    if not member_filter.is_valid():
        problems = [
            f"{member_filter.form.fields[name].label}: {' '.join(errors)}"
            if name in member_filter.form.fields
            else " ".join(errors)
            for name, errors in member_filter.form.errors.items()
        ]
        raise ValidationError(_("The filters could not be applied: %(problems)s") % {"problems": "; ".join(problems)})
    rows = member_filter.qs
    if full_details:
        rows = rows.filter(subtree_q(scope_paths(user, FULL_EXPORT_KINDS), "union__path"))
    return rows


def sync_limit() -> int:
    # At least one: a search by ID number (one member at most) then never waits in a stored job,
    # whose query would keep the typed number.
    return max(settings.ROSTER_EXPORT_SYNC_MAX_ROWS, 1)


def count_up_to(rows: QuerySet, limit: int) -> int:
    """How many rows, counting no further than ``limit``: a COUNT over a LIMITed subquery."""
    return rows.order_by().values("pk")[:limit].count()


def _empty() -> ValidationError:
    return ValidationError(_("No members match these filters, so there is nothing to export."), code="empty")


@dataclass
class SmallExport:
    """An export written while the user waits: the rows and how many there are (exactly)."""

    rows: QuerySet
    count: int
    file_format: str
    full_details: bool


def export_request(*, user, query: QueryDict, file_format: str, full_details: bool) -> SmallExport | RosterExport:
    """Start an export: a small one is audited and returned for the view to write; a large one is
    stored and its build queued once the transaction commits."""
    if file_format not in FORMATS:
        raise ValidationError(_("Choose XLSX or CSV."), code="format")
    query = filter_query(query)
    rows = export_rows(user, query, full_details=full_details)
    limit = sync_limit()
    count = count_up_to(rows, limit + 1)
    if count == 0:
        raise _empty()
    if count <= limit:
        _audit(user=user, query=query, file_format=file_format, full_details=full_details, rows=count)
        return SmallExport(rows=rows, count=count, file_format=file_format, full_details=full_details)
    stored = query.urlencode()
    if len(stored) > RosterExport._meta.get_field("query").max_length:
        # Cut short, the filters would select other members than the list showed.
        raise ValidationError(_("The filters are too long to keep for a background export: use fewer of them."))
    record = RosterExport.objects.create(
        requested_by=user,
        query=stored,
        file_format=file_format,
        full_details=full_details,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    # A broker that is down leaves it queued, for the sweep (``accounts.jobs``) to hand over again.
    transaction.on_commit(lambda: jobs.job_enqueue(RosterExport, record.pk))
    return record


# --- progress -------------------------------------------------------------------------------------
def _progress_key(pk: int) -> str:
    return f"roster-export:{pk}:progress"


def set_progress(pk: int, done: int, total: int) -> None:
    cache.set(_progress_key(pk), {"done": done, "total": total}, PROGRESS_TIMEOUT)


def get_progress(pk: int) -> dict | None:
    return cache.get(_progress_key(pk))


# --- the job --------------------------------------------------------------------------------------
def file_name(record: RosterExport) -> str:
    """The stored file's name: the same for every delivery of the job (so a rerun replaces, never
    adds, a file) and not guessable from the export's number."""
    token = salted_hmac("members.roster_export", str(record.pk)).hexdigest()[:32]
    return f"roster-exports/{record.created_at:%Y/%m}/{record.pk}-{token}.{record.file_format}"


def export_build(pk: int) -> RosterExport | None:
    """Build a stored export's file (job). Acts only on a queued or running export."""
    record = jobs.job_start(RosterExport, pk)
    if record is None:
        return RosterExport.objects.filter(pk=pk).first()
    query = QueryDict(record.query, mutable=True)
    language = record.language
    user = record.requested_by
    with translation.override(language):
        try:
            rows = export_rows(user, query, full_details=record.full_details)
            total = rows.count()
            if total == 0:
                raise _empty()
            if record.file_format == "xlsx" and total > XLSX_MAX_ROWS:
                raise ValidationError(
                    _(
                        "An Excel workbook holds at most %(max)s rows and this list has %(n)s: "
                        "export it as CSV, or narrow the filters."
                    )
                    % {"max": f"{XLSX_MAX_ROWS:,}", "n": f"{total:,}"}
                )
            set_progress(pk, 0, total)
            with tempfile.TemporaryFile() as out:
                write = exporting.write_xlsx if record.file_format == "xlsx" else exporting.write_csv
                written = write(
                    rows, out, full_details=record.full_details, progress=lambda done: set_progress(pk, done, total)
                )
                out.seek(0)
                name = file_name(record)
                record = jobs.job_finish(
                    record,
                    name=name,
                    content=File(out, name=name),
                    keep_for=retention(),
                    fields={"rows_total": written},
                    # Audited once, with the file: a second delivery finds the export done.
                    on_done=lambda done: _audit(
                        user=user,
                        query=query,
                        file_format=done.file_format,
                        full_details=done.full_details,
                        rows=done.rows_total,
                        target=done,
                    ),
                )
        except PermissionDenied:
            return jobs.job_fail(record, _("You no longer hold a role that may export full ID numbers and mobiles."))
        except ValidationError as exc:
            return jobs.job_fail(record, " ".join(exc.messages))
        except SoftTimeLimitExceeded:
            logger.warning("Roster export %s took too long and was stopped", pk)
            return jobs.job_fail(
                record, _("The export took too long and was stopped. Narrow the filters and try again.")
            )
        except Exception:
            logger.exception("Roster export %s failed", pk)
            return jobs.job_fail(record, _("The export failed because of an error. Please try again later."))
    return record


# --- the user's exports ---------------------------------------------------------------------------
def exports_of(user) -> QuerySet[RosterExport]:
    return RosterExport.objects.filter(requested_by=user)


def retention() -> timedelta:
    return timedelta(days=settings.ROSTER_FILE_RETENTION_DAYS)


def exports_expire() -> int:
    """Delete the files of exports past their retention and mark them expired (the records stay)."""
    return jobs.jobs_expire(RosterExport)


# --- audit ----------------------------------------------------------------------------------------
def audit_filters(query: QueryDict) -> dict:
    """The filters as the audit row keeps them: a searched ID number is never written, a mobile masked."""
    filters = {key: value for key, value in query.items() if value}
    if "q" in filters:
        kind, term = classify_search(filters["q"])
        if kind in (SEARCH_ID, SEARCH_BAD_ID):
            filters["q"] = "[ID number]"
        elif kind == SEARCH_MOBILE:
            filters["q"] = mask_mobile(term)
    return filters


def _audit_union(user, query: QueryDict) -> Union | None:
    """The node the audit row is filed under: the filtered union, or the top of the user's scope."""
    union_id = query.get("union")
    if union_id and union_id.isdigit():
        found = Union.objects.filter(pk=int(union_id)).first()
        if found is not None:
            return found
    roots = scope_paths(user, MEMBER_STAFF_KINDS)
    return Union.objects.filter(path=roots[0]).first() if len(roots) == 1 else None


def _audit(*, user, query: QueryDict, file_format: str, full_details: bool, rows: int, target=None) -> None:
    audit.record(
        kinds.ROSTER_EXPORTED,
        actor=user,
        union=_audit_union(user, query),
        target=target,
        detail={
            "format": file_format,
            "rows": rows,
            "full_details": full_details,
            "filters": audit_filters(query),
        },
    )
