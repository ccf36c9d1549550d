"""Joining, approval, the member record and the e-card: every write in one transaction, audited.

One person, one record city-wide: the HMAC of the ID number is unique among members, so a second
application for someone who is an active member elsewhere becomes a transfer instead.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import AuditEvent, User
from accounts.notify import notify
from unions.models import Union

from .. import kinds, pii, signals
from ..id_number import IdNumber
from ..models import DETAIL_FIELDS, Application, Consent, Member, MemberEvent, Transfer
from ..names import comparable_name
from ..permissions import can_approve_in_bulk, can_manage_members
from .cards import card_issue, card_revoke
from .transfers import close_open_transfers, transfer_request

CONSENT_TEXT_VERSION = "2026-11"


def accepts_applications(union: Union) -> bool:
    """Open grassroots and joint unions, and the federations that take platform workers."""
    return not union.is_closed and (union.holds_members or union.takes_platform_workers)


# --- consent and applications ---------------------------------------------------------------------
def consent_give(*, user, ip: str | None) -> Consent:
    return Consent.objects.create(user=user, text_version=CONSENT_TEXT_VERSION, ip=ip)


def _member_record(id_hash: str) -> Member | None:
    """The person's one member record, in any status, locked for the decision."""
    return Member.objects.select_for_update().filter(id_hash=id_hash).first()


def _not_accepted_online() -> ValidationError:
    """The one answer for every case about another person's records.

    Somebody who types another person's ID number must not learn whether that person is a member
    (and of which union), has died, has applied or is moving: each case answers with these words, the
    same status and the same page. Only a worker with the right name as well as the number is told of
    an active membership elsewhere, by way of the transfer that their application becomes.
    """
    return ValidationError(
        _(
            "This application cannot be accepted online. Check your name and ID number; "
            "if they are right, contact your union."
        ),
        code="not_accepted_online",
    )


@transaction.atomic
def application_submit(*, applicant, union: Union, consent: Consent, number: IdNumber, details: dict):
    """A worker's application. Returns the Application, or a Transfer when the person is already
    an active member of another union (one person, one membership)."""
    if consent.user_id != applicant.pk:
        raise PermissionDenied
    union = Union.objects.select_for_update().get(pk=union.pk)
    if not accepts_applications(union):
        raise ValidationError(_("This union does not take applications. Choose another union."))
    # The worker's own application concerns only them, so it gets its own answer, asked first.
    if Application.objects.filter(applicant=applicant, status__in=Application.OPEN_STATUSES).exists():
        raise ValidationError(_("You already have an application being processed: withdraw it first."))
    digest = pii.id_hash(number.value)
    if Application.objects.filter(id_hash=digest, status__in=Application.OPEN_STATUSES).exists():
        raise _not_accepted_online()
    existing = _member_record(digest)
    if existing is not None and existing.status == Member.Status.DECEASED:
        raise _not_accepted_online()

    application = Application(applicant=applicant, union=union, consent=consent)
    application.set_id_number(number)
    for field in DETAIL_FIELDS:
        if field in details:
            setattr(application, field, details[field])

    if existing is not None and existing.is_active:
        # Someone who knows another person's ID number must not move them: the name has to match
        # too, both unions still act on the transfer, and the member's own account is told.
        if comparable_name(existing.name) != comparable_name(details.get("name", "")):
            raise _not_accepted_online()
        already_there = existing.union_id == union.pk or (
            not union.holds_members and existing.union.path.startswith(union.path)
        )
        if already_there or Transfer.objects.filter(member=existing, status__in=Transfer.OPEN_STATUSES).exists():
            raise _not_accepted_online()
        application.status = Application.Status.TRANSFER
        application.save()
        transfer = transfer_request(member=existing, to_union=union, by=applicant, application=application)
        if existing.user_id and existing.user_id != applicant.pk:
            notify(
                recipient=existing.user,
                kind="transfer_requested_for_you",
                title=_("A transfer to %(union)s was requested with your ID number") % {"union": union.name},
                body=_("If this was not you, tell your union before it releases you."),
                url=reverse("members:my_application"),
                sms=True,
            )
        return transfer
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Two applications for one number at once (the same worker's double submit, which the page
        # recognises, or somebody else's): the unique index on open applications decides.
        raise _not_accepted_online() from None
    return application


def _own_open_application(application: Application, by) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != by.pk:
        raise PermissionDenied
    if not application.is_open:
        raise ValidationError(_("This application has already been decided."))
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by) -> Application:
    application = _own_open_application(application, by)
    application.status = Application.Status.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    return application


@transaction.atomic
def application_correct(*, application: Application, by, number: IdNumber, details: dict) -> Application:
    """The worker answers a request for correction; the application goes back to the queue."""
    application = _own_open_application(application, by)
    if application.status != Application.Status.NEEDS_CORRECTION:
        raise ValidationError(_("This application is waiting for the union, not for a correction."))
    digest = pii.id_hash(number.value)
    clash = Application.objects.filter(id_hash=digest, status__in=Application.OPEN_STATUSES).exclude(pk=application.pk)
    if clash.exists():
        raise _not_accepted_online()
    application.set_id_number(number)
    for field in DETAIL_FIELDS:
        if field in details:
            setattr(application, field, details[field])
    application.status = Application.Status.SUBMITTED
    application.reason = ""
    application.save()
    return application


def _decidable(application: Application, by) -> Application:
    application = Application.objects.select_for_update().select_related("union").get(pk=application.pk)
    if not can_manage_members(by, application.union):
        raise PermissionDenied
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(_("This application has already been decided or is waiting for a correction."))
    return application


def _tell_applicant(application: Application, title: str, body: str = "") -> None:
    notify(
        recipient=application.applicant,
        kind=f"application_{application.status}",
        title=title,
        body=body,
        url=reverse("members:my_application"),
        sms=True,
    )


@transaction.atomic
def application_approve(*, application: Application, by, union: Union | None = None) -> Member:
    """Approve: the member record and a card, in one transaction.

    An application to a federation that takes platform workers is placed in a grassroots or joint
    union below it, chosen by the approver (``union``).
    """
    application = _decidable(application, by)
    target = application.union if application.union.holds_members else union
    if target is None:
        raise ValidationError(_("Choose the grassroots or joint union the new member joins."))
    target = Union.objects.get(pk=target.pk)
    if not target.holds_members or target.is_closed or not target.path.startswith(application.union.path):
        raise ValidationError(_("The member must join an open grassroots or joint union below this one."))

    member = _member_record(application.id_hash)
    if member is not None and member.status == Member.Status.DECEASED:
        raise ValidationError(
            _("This ID number belongs to a member recorded as deceased. Check the number with the applicant.")
        )
    if member is not None and member.is_active:
        raise ValidationError(_("This person became a member of another union meanwhile: request a transfer instead."))
    if member is not None and comparable_name(member.name) != comparable_name(application.name):
        # A former member rejoins only under the name on record: the number alone, typed by anyone,
        # must not take over another person's record and history. The clerk is not told the old name.
        raise ValidationError(
            _(
                "This ID number belongs to a former member recorded under another name. Check the "
                "applicant's ID card and ask for a correction if the name or the number is wrong."
            )
        )
    today = timezone.localdate()
    previous_union_id = member.union_id if member is not None else None
    if member is None:
        member = Member(id_hash=application.id_hash)
    member.id_encrypted, member.id_masked = application.id_encrypted, application.id_masked
    member.sex, member.birth_date = application.sex, application.birth_date
    for field in DETAIL_FIELDS:
        setattr(member, field, getattr(application, field))
    member.union, member.joined_on, member.status = target, today, Member.Status.ACTIVE
    member.ended_on, member.end_reason = None, ""
    if member.user_id is None and not Member.objects.filter(user=application.applicant).exists():
        member.user = application.applicant
    member.save()
    applicant = application.applicant
    if member.user_id == applicant.pk and applicant.name != application.name:
        # The approved name was checked against the ID card: the portal calls the member by it.
        applicant.name = application.name
        applicant.save(update_fields=["name"])
    MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.JOINED, to_union=target, by=by)
    card = card_issue(member=member, by=by)
    signals.changed(target.pk, previous_union_id)

    application.status = Application.Status.APPROVED
    application.decided_at, application.decided_by, application.member = timezone.now(), by, member
    application.save(update_fields=["status", "decided_at", "decided_by", "member"])
    audit.record(
        kinds.APPLICATION_APPROVED, actor=by, union=target, target=member, detail={"application": application.pk}
    )
    _tell_applicant(
        application,
        _("Welcome to %(union)s") % {"union": target.name},
        _("Your application was approved. Your member card number is %(number)s.") % {"number": card.number},
    )
    return member


@transaction.atomic
def application_reject(*, application: Application, by, reason: str) -> Application:
    if not reason.strip():
        raise ValidationError(_("Give the reason: the worker will see it."))
    application = _decidable(application, by)
    application.status, application.reason = Application.Status.REJECTED, reason.strip()
    application.decided_at, application.decided_by = timezone.now(), by
    application.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    audit.record(kinds.APPLICATION_REJECTED, actor=by, union=application.union, target=application)
    _tell_applicant(application, _("Your application was not approved"), application.reason)
    return application


@transaction.atomic
def application_request_correction(*, application: Application, by, reason: str) -> Application:
    if not reason.strip():
        raise ValidationError(_("Say what needs correcting: the worker will see it."))
    application = _decidable(application, by)
    application.status, application.reason = Application.Status.NEEDS_CORRECTION, reason.strip()
    application.save(update_fields=["status", "reason"])
    _tell_applicant(application, _("Please correct your application"), application.reason)
    return application


def applications_bulk_approve(*, applications, by) -> tuple[list[Member], list[tuple[Application, str]]]:
    """Approve each in its own transaction; one failure leaves the others approved. Those that may not
    be approved in bulk (``can_approve_in_bulk``) are left for their own page, listed last."""
    applications = list(applications)
    approved, failed = [], []
    for application in applications:
        if not can_approve_in_bulk(application):
            continue
        try:
            approved.append(application_approve(application=application, by=by))
        except (ValidationError, PermissionDenied) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("Not allowed.")
            failed.append((application, message))
    need_union = _("Sent to a federation: open the application and choose the union the member joins.")
    failed += [(application, need_union) for application in applications if not can_approve_in_bulk(application)]
    return approved, failed


# --- the member record --------------------------------------------------------------------------
@transaction.atomic
def member_update(*, member: Member, by, number: IdNumber | None = None, **fields) -> Member:
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    if not can_manage_members(by, member.union):
        raise PermissionDenied
    changed = [f for f in DETAIL_FIELDS if f in fields and fields[f] != getattr(member, f)]
    for field in changed:
        setattr(member, field, fields[field])
    if number is not None and pii.id_hash(number.value) != member.id_hash:
        if Member.objects.filter(id_hash=pii.id_hash(number.value)).exists():
            raise ValidationError(
                _("This ID number already belongs to a member record. One person has one record: request a transfer.")
            )
        member.set_id_number(number)
        changed.append("id_number")
    if changed:
        member.save()
        MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.EDITED, by=by, note=", ".join(changed))
        audit.record(kinds.MEMBER_EDITED, actor=by, union=member.union, target=member, detail={"changed": changed})
        signals.changed(member.union_id)
    return member


@transaction.atomic
def member_end(*, member: Member, by, status: str, on: datetime.date, reason: str) -> Member:
    """Mark a member as left or deceased: the card is revoked and open transfers end."""
    if status not in (Member.Status.LEFT, Member.Status.DECEASED):
        raise ValidationError(_("Choose whether the member left or died."))
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    if not can_manage_members(by, member.union):
        raise PermissionDenied
    if not member.is_active:
        raise ValidationError(_("This membership has already ended."))
    if on > timezone.localdate() or on < member.joined_on:
        raise ValidationError(_("The date must lie between the joining date and today."))
    member.status, member.ended_on, member.end_reason = status, on, reason.strip()
    member.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    kind = MemberEvent.Kind.LEFT if status == Member.Status.LEFT else MemberEvent.Kind.DECEASED
    MemberEvent.objects.create(member=member, kind=kind, from_union=member.union, by=by, note=reason.strip()[:200])
    card_revoke(member=member, by=by)
    close_open_transfers(member=member, by=by)
    audit.record(kinds.MEMBER_ENDED, actor=by, union=member.union, target=member, detail={"status": status})
    signals.changed(member.union_id)
    return member


def member_reveal_id(*, member: Member, by) -> str:
    """The full ID number for a clerk who needs it; every reveal is written down.

    At most ``MEMBER_ID_REVEALS_PER_HOUR`` reveals an hour per user, counted from the audit trail:
    someone reading number after number is scraping, and a clerk who needs many takes an export,
    audited as a whole. A refusal is audited too (as a failed reveal), outside the transaction that
    it leaves unwritten, and raises a ValidationError with the limit."""
    if not can_manage_members(by, member.union):
        raise PermissionDenied
    limit = settings.MEMBER_ID_REVEALS_PER_HOUR
    with transaction.atomic():
        # The user's row serialises their reveals: two at once cannot both take the last one.
        User.objects.select_for_update().filter(pk=by.pk).first()
        since = timezone.now() - datetime.timedelta(hours=1)
        done = AuditEvent.objects.filter(
            action=kinds.ID_REVEALED, actor=by, result=AuditEvent.Result.SUCCESS, created_at__gte=since
        ).count()
        if done < limit:
            MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.ID_REVEALED, by=by)
            audit.record(kinds.ID_REVEALED, actor=by, union=member.union, target=member)
            return member.reveal_id_number()
    audit.record(
        kinds.ID_REVEALED,
        actor=by,
        union=member.union,
        target=member,
        result=AuditEvent.Result.FAILURE,
        detail={"refused": "hourly_limit", "limit": limit},
    )
    raise ValidationError(
        _(
            "You may view full ID numbers at most %(n)s times an hour. Try again later; to work with "
            "many numbers, export the list (each export is audited)."
        )
        % {"n": limit},
        code="reveal_limit",
    )
