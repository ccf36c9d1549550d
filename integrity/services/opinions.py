"""Integrity opinion letters (廉政意见书): asked for, then issued after the record has been looked at.

``opinion_request`` is what the portal's request page and the campaigns app call. It checks the rules
of the request (a cadre, a purpose, no second open request, no valid letter already there) but **not
who may ask**: the portal's view checks ``permissions.can_request_opinion`` (a cadre officer over the
cadre, the cadre picked from ``cadres.selectors.cadres_visible_to``), and a campaigns reviewer is
authorised by campaigns before it calls. ``opinion_issue`` checks everything itself, the issuing
officer included.

Looking before issuing: an officer may issue only after the letter's page showed them the cadre's
record (an audit row ``OPINION_RECORD_SHOWN``, actor the officer, target the letter) **at or after the
latest change to that record** (a talk filed, corrected or closed; a rectification item set, evidenced
or struck off; a four-forms entry recorded) and at or after the request. A record that changed since
the page was opened must be looked at again. No time limit beyond that.

Numbering: ``廉意〔YYYY〕N号``, N counting from 1 within the year of issue, taken as max + 1 under a
PostgreSQL advisory lock on that year (held to the end of the transaction), with the unique
constraints on (year, sequence) and on the number as the backstop.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.audit import record
from accounts.models import AuditEvent, User
from accounts.notify import notify
from cadres.models import Cadre

from .. import kinds
from ..models import FourFormsEntry, IntegritySettings, OpinionLetter, Rectification, Talk, TalkCorrection
from ..permissions import can_manage_cadre

# An advisory lock's key: this namespace and the year (pg_advisory_xact_lock(int, int)).
NUMBER_LOCK_NAMESPACE = 1515


class OpenRequestExists(ValidationError):
    """A request for the same cadre and purpose is still waiting: ``letter`` is that request."""

    def __init__(self, message: str, letter: OpinionLetter) -> None:
        super().__init__(message, code="open_request")
        self.letter = letter


class ValidLetterExists(ValidationError):
    """A letter for the same cadre and purpose is issued and still valid: ``letter``, offered instead."""

    def __init__(self, message: str, letter: OpinionLetter) -> None:
        super().__init__(message, code="valid_letter")
        self.letter = letter


def letter_number(year: int, sequence: int) -> str:
    return f"廉意〔{year}〕{sequence}号"


def valid_until_for(as_of: datetime.date, months: int | None = None) -> datetime.date:
    """The last day a letter issued as of ``as_of`` is valid: ``as_of`` plus the setting's months
    (the 31st plus a month ending on the 30th stops at the 30th)."""
    if months is None:
        months = IntegritySettings.current().opinion_valid_months
    return as_of + relativedelta(months=months)


def _cadre_of(cadre) -> Cadre:
    """The cadre asked about: a ``Cadre``, or a portal account that has a cadre profile."""
    if isinstance(cadre, Cadre):
        return cadre
    if isinstance(cadre, User):
        found = Cadre.objects.select_related("union").filter(user=cadre).first()
        if found is not None:
            return found
        name = cadre.name or cadre.get_username()
        raise ValidationError(
            _("%(name)s has no cadre profile: an opinion letter is asked for a cadre only.") % {"name": name},
            code="no_cadre",
        )
    raise ValidationError(_("Choose the cadre the opinion letter is for."), code="no_cadre")


@transaction.atomic
def opinion_request(*, cadre, purpose: str, by, note: str = "") -> OpinionLetter:
    """Ask for an opinion letter on ``cadre`` (a ``Cadre``, or an account with a cadre profile) for
    ``purpose``. Who may ask is the caller's check (module docstring).

    Refused: no cadre profile; an unknown purpose; a request for the same cadre and purpose still
    waiting (``OpenRequestExists``); a letter for the same purpose issued and still valid today
    (``ValidLetterExists``: offer that letter instead).
    """
    cadre = _cadre_of(cadre)
    if purpose not in OpinionLetter.Purpose.values:
        raise ValidationError(_("Choose what the opinion letter is for."), code="purpose")
    # One request at a time per cadre: two officers asking at once wait for each other here.
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("union").get(pk=cadre.pk)
    purpose_label = OpinionLetter.Purpose(purpose).label
    waiting = (
        OpinionLetter.objects.filter(cadre=cadre, purpose=purpose, status=OpinionLetter.Status.REQUESTED)
        .select_related("requested_by")
        .order_by("requested_at", "pk")
        .first()
    )
    if waiting is not None:
        who = waiting.requested_by.name or waiting.requested_by.get_username()
        raise OpenRequestExists(
            _(
                "An opinion letter on %(name)s for %(purpose)s is already asked for "
                "(request no. %(pk)d of %(date)s, by %(who)s) and waits to be issued."
            )
            % {
                "name": cadre.name,
                "purpose": purpose_label,
                "pk": waiting.pk,
                "date": date_format(timezone.localtime(waiting.requested_at).date()),
                "who": who,
            },
            waiting,
        )
    today = timezone.localdate()
    valid = (
        OpinionLetter.objects.filter(
            cadre=cadre,
            purpose=purpose,
            status=OpinionLetter.Status.ISSUED,
            as_of__lte=today,
            valid_until__gte=today,
        )
        .order_by("-as_of", "-pk")
        .first()
    )
    if valid is not None:
        raise ValidLetterExists(
            _(
                "The opinion letter %(number)s on %(name)s for %(purpose)s is valid until %(date)s: "
                "use it instead of asking again."
            )
            % {
                "number": valid.number,
                "name": cadre.name,
                "purpose": purpose_label,
                "date": date_format(valid.valid_until),
            },
            valid,
        )
    letter = OpinionLetter.objects.create(
        cadre=cadre, purpose=purpose, request_note=note.strip()[:200], requested_by=by
    )
    record(kinds.OPINION_REQUESTED, actor=by, union=cadre.union, target=letter, detail={"purpose": purpose})
    return letter


def record_changed_at(cadre: Cadre) -> datetime.datetime | None:
    """The latest change to what the opinion letter's page shows of the cadre (drafts are not shown,
    so a draft's creation is no change; its filing is). Four queries."""
    moments = []
    talks = Talk.objects.filter(cadre=cadre).exclude(status=Talk.Status.DRAFT)
    moments += talks.aggregate(a=Max("filed_at"), b=Max("closed_at"), c=Max("created_at")).values()
    moments.append(
        TalkCorrection.objects.filter(talk__cadre=cadre)
        .exclude(talk__status=Talk.Status.DRAFT)
        .aggregate(a=Max("created_at"))["a"]
    )
    rects = Rectification.objects.filter(cadre=cadre).exclude(talk__status=Talk.Status.DRAFT)
    moments += rects.aggregate(a=Max("created_at"), b=Max("evidence_at"), c=Max("struck_off_at")).values()
    moments.append(FourFormsEntry.objects.filter(cadre=cadre).aggregate(a=Max("created_at"))["a"])
    moments = [moment for moment in moments if moment is not None]
    return max(moments) if moments else None


def record_shown_since(letter: OpinionLetter) -> datetime.datetime:
    """The moment after which the officer must have been shown the record to issue ``letter``."""
    changed = record_changed_at(letter.cadre)
    return max(letter.requested_at, changed) if changed else letter.requested_at


def was_shown_record(letter: OpinionLetter, by) -> bool:
    return AuditEvent.objects.filter(
        action=kinds.OPINION_RECORD_SHOWN,
        actor=by,
        target_type=OpinionLetter._meta.label_lower,
        target_id=str(letter.pk),
        created_at__gte=record_shown_since(letter),
    ).exists()


def _next_sequence(year: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [NUMBER_LOCK_NAMESPACE, year])
    last = OpinionLetter.objects.filter(sequence_year=year).aggregate(n=Max("sequence"))["n"]
    return (last or 0) + 1


@transaction.atomic
def opinion_issue(
    *,
    letter: OpinionLetter,
    by,
    conclusion: str,
    problem_category: str = "",
    remarks: str = "",
    as_of: datetime.date,
) -> OpinionLetter:
    """Issue the letter: a discipline officer over the cadre who has been shown the record (module
    docstring). A problem names its category; no problem names none. ``as_of`` is not in the future,
    and not so long ago that the letter would be expired already. Valid until ``as_of`` plus
    ``IntegritySettings.opinion_valid_months``; numbered within the year of issue. The requester is
    told that the letter is issued (no conclusion in the notice: it is on their page)."""
    letter = (
        OpinionLetter.objects.select_for_update(of=("self",))
        .select_related("cadre__union", "requested_by")
        .get(pk=letter.pk)
    )
    if not can_manage_cadre(by, letter.cadre) or letter.cadre.user_id == by.pk:
        raise PermissionDenied
    if letter.status == OpinionLetter.Status.ISSUED:
        raise ValidationError(
            _("This opinion letter is already issued as %(number)s.") % {"number": letter.number}, code="issued"
        )
    if letter.status != OpinionLetter.Status.REQUESTED:
        raise ValidationError(_("This request was withdrawn: there is nothing to issue."), code="withdrawn")
    if conclusion not in OpinionLetter.Conclusion.values:
        raise ValidationError(_("Choose the conclusion of the opinion."), code="conclusion")
    problem_category = problem_category or ""
    if conclusion == OpinionLetter.Conclusion.PROBLEM:
        if problem_category not in OpinionLetter.ProblemCategory.values:
            raise ValidationError(_("A problem on record must name its category."), code="category_missing")
    elif problem_category:
        raise ValidationError(
            _("With no problem on record the letter names no category of problem."), code="category_forbidden"
        )
    today = timezone.localdate()
    if as_of is None:
        raise ValidationError(_("Give the date the opinion is as of."), code="as_of")
    if as_of > today:
        raise ValidationError(_("The opinion cannot be as of a day still to come."), code="as_of_future")
    valid_until = valid_until_for(as_of)
    if valid_until < today:
        raise ValidationError(
            _("As of %(date)s the letter would have expired already: give a later date.")
            % {"date": date_format(as_of)},
            code="as_of_expired",
        )
    if not was_shown_record(letter, by):
        raise ValidationError(
            _(
                "Look at the cadre's record on this page before issuing: it was not shown to you "
                "since the request or since it last changed."
            ),
            code="record_not_shown",
        )
    year = today.year
    sequence = _next_sequence(year)
    letter.status = OpinionLetter.Status.ISSUED
    letter.conclusion = conclusion
    letter.problem_category = problem_category if conclusion == OpinionLetter.Conclusion.PROBLEM else ""
    letter.remarks = remarks.strip()
    letter.as_of, letter.valid_until = as_of, valid_until
    letter.sequence_year, letter.sequence = year, sequence
    letter.number = letter_number(year, sequence)
    letter.issued_by, letter.issued_at = by, timezone.now()
    letter.save()
    record(kinds.OPINION_ISSUED, actor=by, union=letter.cadre.union, target=letter, detail={"number": letter.number})
    if letter.requested_by.is_active:
        notify(
            recipient=letter.requested_by,
            kind=kinds.REMINDER_OPINION_ISSUED,
            title=_("The opinion letter on %(name)s is issued") % {"name": letter.cadre.name},
            body=_("Its conclusion and validity are on the letter's page."),
            url=reverse("integrity:opinion_requested_detail", args=[letter.pk]),
            key=f"{kinds.REMINDER_OPINION_ISSUED}:opinion:{letter.pk}",
        )
    return letter


@transaction.atomic
def opinion_withdraw(*, letter: OpinionLetter, by) -> OpinionLetter:
    """The requester withdraws a request still waiting."""
    letter = OpinionLetter.objects.select_for_update(of=("self",)).select_related("cadre__union").get(pk=letter.pk)
    if letter.requested_by_id != by.pk:
        raise PermissionDenied
    if letter.status != OpinionLetter.Status.REQUESTED:
        raise ValidationError(_("Only a request still waiting can be withdrawn."), code="not_waiting")
    letter.status = OpinionLetter.Status.WITHDRAWN
    letter.save(update_fields=["status"])
    record(kinds.OPINION_WITHDRAWN, actor=by, union=letter.cadre.union, target=letter)
    return letter
