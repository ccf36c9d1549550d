"""Requesting, building and expiring reports.

A request is checked here (scope, month), reuses an identical report that is being built or still
ready, and queues the build after commit. The build is idempotent: a report already done is not
rebuilt, and a task delivered again after its worker died finishes the same record, with one file.
The queueing, the start, the outcome and the expiry are every job's (``accounts.jobs``).
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

from accounts import jobs
from accounts.models import User
from accounts.notify import notify
from members.selectors import card_of, membership_of
from unions.models import Role, Union

from . import builders, tallies
from .models import Report
from .permissions import SMALL_NODE_KINDS, can_request_node_report, can_request_roster, sees_exact_counts
from .statistics import parse_month, previous_month

logger = logging.getLogger(__name__)
K = Report.Kind
S = Report.Status


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
        if by is not None and not can_request_node_report(by, union):
            raise PermissionDenied
        # A grassroots or joint union's report holds small counts: as with the dashboard, who asks
        # settles whether they are printed, and with it who may read the copy.
        if union.kind in SMALL_NODE_KINDS:
            params["exact_counts"] = by is not None and sees_exact_counts(by, union)
    elif kind == K.DASHBOARD:
        if by is None or union is None or not can_request_node_report(by, union):
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
        if by is None or not can_request_roster(by, union):
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
        # The schedule asks in the portal's language; a person in theirs (the report's errors).
        language = (translation.get_language() if by is not None else None) or settings.LANGUAGE_CODE
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    kind=kind, union=union, parameters=params, requested_by=by, reuse_key=key, language=language
                )
        except IntegrityError:
            # Someone asked for the same report at the same moment: theirs is the one.
            return Report.objects.get(reuse_key=key, status__in=Report.IN_PROGRESS)
        transaction.on_commit(lambda: jobs.job_enqueue(Report, report.pk))
        return report
    if existing.status == S.QUEUED and (existing.queued_at is None or existing.queued_at < now - Report.requeue_after):
        # The broker may have been down when it was first queued: hand it over again.
        transaction.on_commit(lambda: jobs.job_enqueue(Report, existing.pk))
    return existing


def report_build(*, report_id: int) -> Report | None:
    """Build the report's PDF and mark it done; on any failure mark it failed with a reason."""
    report = jobs.job_start(Report, report_id)
    if report is None:
        return Report.objects.filter(pk=report_id).first()
    with translation.override(report.language):
        try:
            content, _filename = builders.build(report)
        except SoftTimeLimitExceeded:
            logger.warning("Report %s took too long and was stopped", report.pk)
            return jobs.job_fail(
                report, _("The report took too long to build and was stopped. Please try again later.")
            )
        except builders.ReportDataGone as exc:
            return jobs.job_fail(report, str(exc))
        except Exception:
            logger.exception("Report %s failed", report.pk)
            return jobs.job_fail(
                report, _("The report could not be built because of an error. The team has been told.")
            )
    return jobs.job_finish(
        report,
        name=report.file.field.generate_filename(report, "report.pdf"),
        content=ContentFile(content),
        keep_for=retention(),
        on_done=_tell_leaders_of_scheduled,
    )


def _tell_leaders_of_scheduled(report: Report) -> None:
    if report.kind == K.MONTHLY_MEMBERSHIP and report.requested_by_id is None:
        _tell_leaders(report)


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
    return jobs.jobs_expire(Report)
