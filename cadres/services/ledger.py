"""The hours ledger's writes: hours rules, closing a year, and training taken elsewhere (补录).

A rule change may not reach a closed year: a rule starting in or before the latest closed year would
change that year's figures, so it is refused (a new rule starts after it instead). Closing a year
freezes every in-post cadre's figures in ``LedgerEntry`` rows; afterwards nothing credits hours to it.
External training is filed by the cadre or an officer in scope and approved, or returned with a
reason, by a cadre officer one level above the cadre's node.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.notify import notify

from .. import kinds, ledger
from ..models import Cadre, ExternalTraining, HoursRule, LedgerEntry, LedgerYear
from ..permissions import can_change_settings, can_manage_cadre, can_review_external, is_own

# pg_advisory_xact_lock key: one year closes at a time.
_CLOSE_LOCK = 0x6C656467  # "ledg"

RULE_FIELDS = ("rank", "starts_year", "hours", "period_years", "online_cap_percent")


def _closed_year_message(latest: int) -> str:
    return _(
        "The ledger of %(year)s is closed: a rule may start in %(next)s at the earliest, so that no closed "
        "year changes."
    ) % {"year": latest, "next": latest + 1}


def _check_rule(*, rank: str, starts_year: int, hours: Decimal, period_years: int, cap, exclude_pk=None) -> None:
    latest = ledger.latest_closed_year()
    if latest is not None and starts_year <= latest:
        raise ValidationError(_closed_year_message(latest))
    if hours is None or hours <= 0:
        raise ValidationError(_("A rule owes a positive number of hours."))
    if not 1 <= period_years <= 10:
        raise ValidationError(_("The period is from 1 to 10 years."))
    if cap is not None and not 0 <= cap <= 100:
        raise ValidationError(_("The online share is a percentage from 0 to 100."))
    same = HoursRule.objects.filter(rank=rank, starts_year=starts_year)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError(
            _("This rank already has a rule starting in %(year)s: edit that one.") % {"year": starts_year}
        )


def _rule_detail(rule: HoursRule) -> dict:
    return {
        "rank": rule.rank,
        "starts_year": rule.starts_year,
        "hours": str(rule.hours),
        "period_years": rule.period_years,
        "online_cap_percent": rule.online_cap_percent,
    }


@transaction.atomic
def hours_rule_create(
    *, rank: str, starts_year: int, hours: Decimal, period_years: int, online_cap_percent: int | None, by
) -> HoursRule:
    if not can_change_settings(by):
        raise PermissionDenied
    _lock_close()
    _check_rule(rank=rank, starts_year=starts_year, hours=hours, period_years=period_years, cap=online_cap_percent)
    rule = HoursRule.objects.create(
        rank=rank,
        starts_year=starts_year,
        hours=hours,
        period_years=period_years,
        online_cap_percent=online_cap_percent,
        updated_by=by,
    )
    audit.record(kinds.HOURS_RULE_CHANGED, actor=by, target=rule, detail={"created": _rule_detail(rule)})
    return rule


@transaction.atomic
def hours_rule_update(
    *, rule: HoursRule, rank: str, starts_year: int, hours: Decimal, period_years: int, online_cap_percent, by
) -> HoursRule:
    """Changing a rule changes every year it is in force: refused when it was in force in a closed year."""
    if not can_change_settings(by):
        raise PermissionDenied
    _lock_close()
    rule = HoursRule.objects.select_for_update().get(pk=rule.pk)
    latest = ledger.latest_closed_year()
    if latest is not None and rule.starts_year <= latest:
        raise ValidationError(
            _("This rule was in force in %(year)s, which is closed: add a rule starting in %(next)s or later instead.")
            % {"year": latest, "next": latest + 1}
        )
    _check_rule(
        rank=rank,
        starts_year=starts_year,
        hours=hours,
        period_years=period_years,
        cap=online_cap_percent,
        exclude_pk=rule.pk,
    )
    before = _rule_detail(rule)
    rule.rank, rule.starts_year, rule.hours = rank, starts_year, hours
    rule.period_years, rule.online_cap_percent, rule.updated_by = period_years, online_cap_percent, by
    rule.save(update_fields=[*RULE_FIELDS, "updated_by", "updated_at"])
    audit.record(
        kinds.HOURS_RULE_CHANGED, actor=by, target=rule, detail={"before": before, "after": _rule_detail(rule)}
    )
    return rule


def _lock_close() -> None:
    """Rules and closing wait for each other: a rule cannot slip in while a year closes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CLOSE_LOCK])


@transaction.atomic
def ledger_year_close(*, year: int, by=None) -> LedgerYear:
    """Freeze the year's figures of every cadre in post during it (with a rule for their rank).

    Only a past year; ``by`` None is the January task. Closing a closed year again changes nothing.
    """
    if by is not None and not can_change_settings(by):
        raise PermissionDenied
    if year >= timezone.localdate().year:
        raise ValidationError(_("Only a past year can be closed."))
    _lock_close()
    closed = LedgerYear.objects.filter(year=year).first()
    if closed is not None:
        return closed
    cadres = ledger.cadres_in_post_during(Cadre.objects.all(), year).order_by("pk")
    rows = ledger.ledger_rows(cadres, year)
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                cadre_id=row.cadre_id,
                year=year,
                rank=row.rank,
                union_id=row.union_id,
                owed=row.owed,
                in_person=row.in_person,
                online=row.online,
                counted=row.counted,
                short=row.short,
            )
            for row in rows
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    closed = LedgerYear.objects.create(year=year, closed_by=by)
    audit.record(
        kinds.LEDGER_YEAR_CLOSED,
        actor=by,
        target=closed,
        detail={"year": year, "cadres": len(rows), "short": sum(1 for row in rows if row.short > 0)},
    )
    return closed


# 补录 -----------------------------------------------------------------------------------------------
# A certificate is a scan or a photo: a PDF, a JPEG or a PNG, decided by its first bytes, never by its
# name; it is stored under the suffix of what it is.
CERTIFICATE_MAGIC = {b"%PDF-": "pdf", b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def certificate_type(upload) -> str | None:
    """ "pdf", "png" or "jpg" by the file's first bytes; None for anything else."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return next((kind for magic, kind in CERTIFICATE_MAGIC.items() if head.startswith(magic)), None)


def _closed_message(year: int) -> str:
    return _("The ledger of %(year)s is closed: no more hours can be credited to it.") % {"year": year}


@transaction.atomic
def external_training_file(
    *,
    cadre: Cadre,
    title: str,
    provider: str,
    mode: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    hours: Decimal | None,
    certificate,
    by,
) -> ExternalTraining:
    """The cadre (their own) or a cadre officer in scope files training taken elsewhere, with its
    certificate; it waits for a cadre officer one level up."""
    if not (is_own(by, cadre) or can_manage_cadre(by, cadre)):
        raise PermissionDenied
    if not cadre.in_post:
        raise ValidationError(_("Only a cadre in post can have training filed."))
    if hours is None or hours <= 0:
        raise ValidationError(_("Give the credit hours on the certificate: more than 0."))
    if ends_on < starts_on:
        raise ValidationError(_("The training cannot end before it starts."))
    if ends_on > timezone.localdate():
        raise ValidationError(_("Training is filed once it has ended: the end date is in the future."))
    if ledger.year_is_closed(ends_on.year):
        raise ValidationError(_closed_message(ends_on.year))
    if not certificate:
        raise ValidationError(_("Upload the certificate."))
    kind = certificate_type(certificate)
    if kind is None:
        raise ValidationError(_("Upload the certificate as a PDF file or a JPG or PNG picture."))
    certificate.name = f"certificate.{kind}"
    training = ExternalTraining.objects.create(
        cadre=cadre,
        title=title,
        provider=provider,
        mode=mode,
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
        certificate=certificate,
        filed_by=by,
    )
    return training


def _open(training: ExternalTraining) -> ExternalTraining:
    training = (
        ExternalTraining.objects.select_for_update(of=("self",))
        .select_related("cadre__union", "cadre__user")
        .get(pk=training.pk)
    )
    if training.status != ExternalTraining.Status.SUBMITTED:
        raise ValidationError(_("This training has already been decided."))
    return training


def _tell_cadre(training: ExternalTraining, title: str, body: str = "") -> None:
    if training.cadre.user_id:
        notify(
            recipient=training.cadre.user,
            kind=f"cadres.external_training_{training.status}",
            title=title,
            body=body,
            url=reverse("cadres:my_external_detail", args=[training.pk]),
        )


def _check_reviewer(training: ExternalTraining, by) -> None:
    """One level up, and never the cadre themself (an officer who is also a cadre below their node)."""
    if not can_review_external(by, training) or is_own(by, training.cadre):
        raise PermissionDenied


@transaction.atomic
def external_training_approve(*, training: ExternalTraining, by) -> ExternalTraining:
    training = _open(training)
    _check_reviewer(training, by)
    if ledger.year_is_closed(training.credited_year):
        raise ValidationError(_closed_message(training.credited_year))
    training.status, training.reviewed_by, training.reviewed_at = ExternalTraining.Status.APPROVED, by, timezone.now()
    training.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit.record(
        kinds.EXTERNAL_TRAINING_APPROVED,
        actor=by,
        union=training.cadre.union,
        target=training,
        detail={"cadre": training.cadre_id, "hours": str(training.hours), "year": training.credited_year},
    )
    _tell_cadre(
        training,
        _('Your training "%(title)s" was approved: %(hours)s hours count in %(year)s.')
        % {"title": training.title, "hours": training.hours, "year": training.credited_year},
    )
    return training


@transaction.atomic
def external_training_return(*, training: ExternalTraining, reason: str, by) -> ExternalTraining:
    training = _open(training)
    _check_reviewer(training, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the training is returned: the cadre reads it."))
    training.status, training.reviewed_by, training.reviewed_at = ExternalTraining.Status.RETURNED, by, timezone.now()
    training.return_reason = reason[:500]
    training.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
    audit.record(
        kinds.EXTERNAL_TRAINING_RETURNED,
        actor=by,
        union=training.cadre.union,
        target=training,
        detail={"cadre": training.cadre_id},
    )
    _tell_cadre(
        training,
        _('Your training "%(title)s" was returned') % {"title": training.title},
        _("Reason: %(reason)s. Correct it and file it again.") % {"reason": training.return_reason},
    )
    return training
