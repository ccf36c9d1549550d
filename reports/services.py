"""Requesting, building and expiring reports.

A request is checked here (scope, month), reuses an identical report that is being built or still
ready, and queues the build after commit. The build is idempotent: a report already done is not
rebuilt, and a task delivered again after its worker died finishes the same record, with one file.
"""

import datetime
import json
import logging
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import Role, User
from accounts.notify import notify
from accounts.roles import MEMBER_STAFF_KINDS
from accounts.scope import covers
from members.models import Union
from members.selectors import card_of, membership_of

from . import builders, tallies
from .models import Report
from .permissions import MONTHLY_READER_KINDS, SMALL_NODE_KINDS, sees_exact_counts
from .statistics import parse_month, previous_month

logger = logging.getLogger(__name__)
K = Report.Kind
S = Report.Status

# A queued report whose task has not started after this long is handed to the broker again.
REQUEUE_AFTER = timedelta(minutes=5)


def retention() -> timedelta:
    return timedelta(days=getattr(settings, "REPORT_RETENTION_DAYS", 30))


def _reuse_key(kind: str, union: Union, params: dict, data_version: str = "") -> str:
    key = f"{kind}:{union.pk}:{json.dumps(params, sort_keys=True, separators=(',', ':'))}"
    return f"{key}:{data_version}" if data_version else key


def _month_param(params: dict) -> str:
    month = str(params.get("month", "")).strip()
    try:
        first = parse_month(month)
    except (ValueError, TypeError):
        raise ValidationError(_("Give the month as year and month, for example 2026-10."), code="month") from None
    if first.year < 2000:
        raise ValidationError(_("Give the month as year and month, for example 2026-10."), code="month")
    if first > timezone.localdate().replace(day=1):
        raise ValidationError(_("A report cannot be made for a month that has not begun."), code="future")
    return f"{first:%Y-%m}"


def _year_param(params: dict, today: datetime.date) -> int:
    """The dashboard's target year: this year unless another is given (2000 up to this year)."""
    year = params.get("year") or today.year
    try:
        year = int(year)
    except (ValueError, TypeError):
        raise ValidationError(_("Give the year as four digits, for example 2026."), code="year") from None
    if not 2000 <= year <= today.year:
        raise ValidationError(_("Give the year as four digits, for example 2026."), code="year")
    return year


def report_request(*, kind: str, union: Union | None, params: dict | None, by: User | None) -> Report:
    """Ask for a report; returns the one being built (or still ready) when it is the same request.

    Who may ask: for the monthly report and the dashboard, a leader or member staff whose subtree
    holds the node; for a roster, member staff over a grassroots or joint union; for a card, the
    member themself (the node is their union). ``by=None`` is the monthly schedule, which makes
    monthly reports only.

    A dashboard is of today's figures: the same node, year and day reuse one report, but only while
    the summary data is unchanged (its version is part of the reuse key), so a PDF never shows older
    numbers than the page it was asked from.
    """
    params = dict(params or {})
    today = timezone.localdate()
    data_version = ""
    if kind == K.MONTHLY_MEMBERSHIP:
        params = {"month": _month_param(params)}
        if by is not None and not covers(by, union.path, MONTHLY_READER_KINDS):
            raise PermissionDenied
        # A grassroots or joint union's report holds small counts: as with the dashboard, who asks
        # settles whether they are printed, and with it who may read the copy.
        if union.kind in SMALL_NODE_KINDS:
            params["exact_counts"] = by is not None and sees_exact_counts(by, union)
    elif kind == K.DASHBOARD:
        if by is None or union is None or not covers(by, union.path, MONTHLY_READER_KINDS):
            raise PermissionDenied
        # Whether the PDF may print small counts exactly is settled by who asks, and then limits who
        # may read it (selectors.reports_visible_to): a leader never opens member staff's exact copy.
        params = {
            "year": _year_param(params, today),
            "date": today.isoformat(),
            "exact_counts": sees_exact_counts(by, union),
        }
        data_version = f"v{tallies.version()}"
    elif kind == K.ROSTER:
        if by is None or not covers(by, union.path, MEMBER_STAFF_KINDS):
            raise PermissionDenied
        if not union.holds_members:
            raise ValidationError(_("Only a grassroots or joint union has a roster."), code="roster")
        params = {"date": today.isoformat()}
    elif kind == K.MEMBER_CARD:
        member = membership_of(by) if by is not None else None
        if member is None or card_of(member) is None:
            raise ValidationError(_("Only a member with a valid card can download it."), code="card")
        union = member.union
        params = {"member": member.pk, "date": today.isoformat()}
    else:
        raise ValidationError(_("Unknown kind of report."), code="kind")
    return _find_or_create(kind=kind, union=union, params=params, by=by, data_version=data_version)


def _find_or_create(*, kind: str, union: Union, params: dict, by: User | None, data_version: str = "") -> Report:
    key = _reuse_key(kind, union, params, data_version)
    now = timezone.now()
    reusable = Q(status__in=Report.IN_PROGRESS) | Q(status=S.DONE, expires_at__gt=now)
    existing = Report.objects.filter(reuse_key=key).filter(reusable).order_by("-created_at").first()
    if existing is None:
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    kind=kind, union=union, parameters=params, requested_by=by, reuse_key=key
                )
        except IntegrityError:
            # Someone asked for the same report at the same moment: theirs is the one.
            return Report.objects.get(reuse_key=key, status__in=Report.IN_PROGRESS)
        transaction.on_commit(lambda: report_enqueue(report.pk))
        return report
    if existing.status == S.QUEUED and (existing.queued_at is None or existing.queued_at < now - REQUEUE_AFTER):
        # The broker may have been down when it was first queued: hand it over again.
        transaction.on_commit(lambda: report_enqueue(existing.pk))
    return existing


def report_enqueue(report_id: int) -> bool:
    """Hand the build to the broker; if it is down, the report stays queued for the sweep to retry."""
    from .tasks import report_build_task

    try:
        report_build_task.apply_async((report_id,), retry=False)
    except (BrokerError, OSError) as exc:
        logger.warning("Report %s stays queued: the broker is not reachable (%s)", report_id, type(exc).__name__)
        return False
    Report.objects.filter(pk=report_id).update(queued_at=timezone.now())
    return True


def reports_requeue_stale() -> int:
    """Queue again the reports that were never picked up (the broker was down when they were asked for)."""
    cutoff = timezone.now() - REQUEUE_AFTER
    stale = Report.objects.filter(status=S.QUEUED).filter(Q(queued_at__isnull=True) | Q(queued_at__lt=cutoff))
    stale = stale.filter(created_at__lt=timezone.now() - timedelta(minutes=1))
    return sum(report_enqueue(pk) for pk in stale.values_list("pk", flat=True)[:500])


def _start(report_id: int) -> Report | None:
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status not in Report.IN_PROGRESS:
            return None  # done, failed or expired: a repeated delivery changes nothing
        # RUNNING here means a worker died mid-build and the task came back: build it again.
        report.status, report.started_at, report.error = S.RUNNING, timezone.now(), ""
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "error", "attempts"])
    return report


def _fail(report: Report, message: str) -> Report:
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status == S.RUNNING:
            report.status, report.error, report.finished_at = S.FAILED, message, timezone.now()
            report.save(update_fields=["status", "error", "finished_at"])
    return report


def report_build(*, report_id: int) -> Report | None:
    """Build the report's PDF and mark it done; on any failure mark it failed with a reason."""
    report = _start(report_id)
    if report is None:
        return Report.objects.filter(pk=report_id).first()
    try:
        content, filename = builders.build(report)
    except SoftTimeLimitExceeded:
        logger.warning("Report %s took too long and was stopped", report.pk)
        return _fail(report, _("The report took too long to build and was stopped. Please try again later."))
    except builders.ReportDataGone as exc:
        return _fail(report, str(exc))
    except Exception:
        logger.exception("Report %s failed", report.pk)
        return _fail(report, _("The report could not be built because of an error. The team has been told."))
    return _finish(report, content)


def _finish(report: Report, content: bytes) -> Report:
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status != S.RUNNING:
            return report
        storage = report.file.storage
        name = report.file.field.generate_filename(report, "report.pdf")
        if storage.exists(name):
            storage.delete(name)
        report.file.save(name, ContentFile(content), save=False)
        now = timezone.now()
        report.status, report.finished_at, report.expires_at = S.DONE, now, now + retention()
        report.save(update_fields=["status", "file", "finished_at", "expires_at"])
        if report.kind == K.MONTHLY_MEMBERSHIP and report.requested_by_id is None:
            _tell_leaders(report)
    return report


def _tell_leaders(report: Report) -> None:
    """The monthly schedule's reports: every leader of that node hears it is ready (in Chinese)."""
    leaders = User.objects.filter(roles__union=report.union, roles__kind=Role.Kind.LEADER, is_active=True).distinct()
    url = reverse("reports:detail", args=[report.pk])
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(union)s: the membership report for %(month)s is ready") % {
            "union": report.union.name,
            "month": report.month,
        }
        body = _("The monthly membership report has been built. Open it in the portal to download the PDF.")
        for leader in leaders:
            notify(
                recipient=leader, kind="report_ready", title=title, body=body, url=url, key=f"report_ready:{report.pk}"
            )


def monthly_nodes():
    """The nodes that get a monthly report on the 1st: the city, each district federation and industry union."""
    return Union.objects.filter(
        kind__in=[Union.Kind.CITY_FEDERATION, Union.Kind.DISTRICT_FEDERATION, Union.Kind.INDUSTRY_UNION],
        closed_on__isnull=True,
    ).order_by("path")


def monthly_reports_request(*, today: datetime.date | None = None) -> list[Report]:
    """Last month's report for every node of ``monthly_nodes``; run twice, it asks for nothing twice."""
    month = previous_month(today or timezone.localdate())
    return [
        _find_or_create(kind=K.MONTHLY_MEMBERSHIP, union=union, params={"month": month}, by=None)
        for union in monthly_nodes()
    ]


def reports_expire() -> int:
    """Delete the files of reports past their retention and mark them expired."""
    expired = 0
    for report in Report.objects.filter(status=S.DONE, expires_at__lte=timezone.now()).iterator():
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report.pk)
            if report.status != S.DONE:
                continue
            if report.file:
                report.file.delete(save=False)
            report.status = S.EXPIRED
            report.save(update_fields=["status", "file"])
            expired += 1
    return expired
