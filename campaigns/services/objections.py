"""Objections to a public notice (异议): real-name, with a mobile confirmed by an SMS code, and their register.

An objector names one of the notice's listed nominees and the facts; the code sent to their mobile is
kept hashed in the cache (Redis) for ten minutes, used once, and burnt after five wrong tries. The
organiser's staff then move each objection: received → assigned (to one of them) → answered (the
finding) → closed, upheld (the nominee is rejected and leaves the notice) or dismissed. Only they see the
objector's name and, on asking (audited), the mobile in full.
"""

import hashlib
import hmac
import secrets

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.audit import record
from accounts.models import User
from accounts.notify import notify
from accounts.phone import MOBILE_RE, mask_mobile, normalise_mobile
from accounts.sms import send_sms
from members.pii import decrypt, encrypt
from unions.models import Role

from .. import honour_permissions, kinds
from ..models import Nomination, NominationReview, Objection, PublicNotice, Round
from ..selectors import ancestor_paths
from .decisions import close_round_if_done

CODE_SECONDS = 10 * 60
CODE_TRIES = 5
FACTS_MAX = 2000
NAME_MAX = 50
# The nominees a notice lists: in the notice, or decided and conferred after it.
LISTED = (Nomination.Status.NOTICE, Nomination.Status.AWARDED)


def mobile_key(mobile: str) -> str:
    """The throttle's and the code's key for a mobile: a hash, never the number."""
    return hashlib.sha256(normalise_mobile(mobile).encode()).hexdigest()


def _code_cache_key(notice: PublicNotice, mobile: str) -> str:
    return f"campaigns:objection_code:{notice.pk}:{mobile_key(mobile)}"


def _code_hash(code: str) -> str:
    return salted_hmac("campaigns.objection_code", code, algorithm="sha256").hexdigest()


def clean_mobile(mobile: str) -> str:
    mobile = normalise_mobile(mobile)
    if not MOBILE_RE.match(mobile):
        raise ValidationError({"mobile": _("Enter an 11-digit mainland mobile number, such as 13812345678.")})
    return mobile


def listed_nominations(notice: PublicNotice):
    """The nominees the public page lists (one who left the notice after an upheld objection does not)."""
    return Nomination.objects.filter(notice=notice, status__in=LISTED)


def objection_code_send(*, notice: PublicNotice, mobile: str) -> None:
    """Send a fresh 6-digit code to ``mobile`` for an objection to ``notice`` (the view throttles first)."""
    mobile = clean_mobile(mobile)
    today = timezone.localdate()
    if today < notice.first_day:
        raise ValidationError(_("The notice has not started yet: objections are taken from its first day."))
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_code_cache_key(notice, mobile), {"hash": _code_hash(code), "tries": 0}, CODE_SECONDS)
    send_sms(
        mobile,
        _("Your code for an objection to the public notice is %(code)s. It is valid for 10 minutes; do not share it.")
        % {"code": code},
    )


def _check_code(notice: PublicNotice, mobile: str, code: str) -> None:
    """The code sent to this mobile for this notice; used once; five wrong tries burn it."""
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": _("Enter the code sent to your mobile.")})
    key = _code_cache_key(notice, mobile)
    stored = cache.get(key)
    if stored is None:
        raise ValidationError({"code": _("The code has expired or was never sent: ask for a new one.")})
    if not hmac.compare_digest(stored["hash"], _code_hash(code)):
        stored["tries"] += 1
        if stored["tries"] >= CODE_TRIES:
            cache.delete(key)
            raise ValidationError({"code": _("Too many wrong codes: ask for a new one.")})
        cache.set(key, stored, CODE_SECONDS)
        raise ValidationError({"code": _("The code is not right: check the text message.")})
    cache.delete(key)


def _organiser_staff(round_: Round) -> list[User]:
    """The organiser's federation staff (at the organiser or above it): who may handle its objections."""
    return list(
        User.objects.filter(
            is_active=True,
            roles__kind=Role.Kind.FEDERATION_STAFF,
            roles__union__path__in=ancestor_paths(round_.organiser.path),
        )
        .distinct()
        .order_by("name", "username")
    )


def assignable_staff(round_: Round) -> list[User]:
    return _organiser_staff(round_)


def _register_url(objection: Objection) -> str:
    return reverse("campaigns:objection_detail", args=[objection.pk])


@transaction.atomic
def objection_submit(
    *, notice: PublicNotice, name: str, mobile: str, nomination_id, facts: str, code: str, request=None
) -> Objection:
    """Take an objection under a real name. ``nomination_id`` must be one of the notice's listed
    nominees; one after the notice's last day is kept and marked late."""
    notice = PublicNotice.objects.select_related("round__organiser").get(pk=notice.pk)
    today = timezone.localdate()
    if today < notice.first_day:
        raise ValidationError(_("The notice has not started yet: objections are taken from its first day."))
    errors = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Give your real name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("The name is too long (at most 50 characters).")
    try:
        mobile = clean_mobile(mobile)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    facts = (facts or "").strip()
    if not facts:
        errors["facts"] = _("State the facts of your objection.")
    elif len(facts) > FACTS_MAX:
        errors["facts"] = _("The facts are too long (at most 2,000 characters).")
    nomination = None
    if str(nomination_id or "").isdigit():
        nomination = listed_nominations(notice).select_for_update().filter(pk=int(nomination_id)).first()
    if nomination is None:
        errors["nomination"] = _("Choose one of the nominees listed in this notice.")
    if errors:
        raise ValidationError(errors)
    # The code last: a form with other mistakes does not spend a try.
    _check_code(notice, mobile, code)
    objection = Objection.objects.create(
        notice=notice,
        nomination=nomination,
        objector_name=name,
        objector_mobile=encrypt(mobile),
        facts=facts,
        late=today > notice.last_day,
    )
    record(
        kinds.OBJECTION_RECEIVED,
        request=request,
        actor=None,
        union=notice.round.organiser,
        target=objection,
        detail={"notice": notice.pk, "nomination": nomination.pk, "late": objection.late},
    )
    notify(
        recipient=notice.published_by,
        kind=kinds.OBJECTION_RECEIVED,
        title=_("An objection to %(nominee)s in the public notice %(notice)s")
        % {"nominee": nomination.nominee_name, "notice": notice.title},
        body=_("Assign it to a colleague to investigate."),
        url=_register_url(objection),
        key=f"{kinds.OBJECTION_RECEIVED}:{objection.pk}",
    )
    return objection


def _locked(objection: Objection) -> Objection:
    return (
        Objection.objects.select_for_update(of=("self",))
        .select_related("notice__round__organiser", "nomination__union")
        .get(pk=objection.pk)
    )


def _check_handler(objection: Objection, by) -> None:
    if not honour_permissions.can_handle_objection(by, objection):
        raise PermissionDenied


@transaction.atomic
def objection_assign(*, objection: Objection, to: User, by) -> Objection:
    """Give the investigation to one of the organiser's staff (again, to another, until it is answered)."""
    objection = _locked(objection)
    _check_handler(objection, by)
    if objection.status not in (Objection.Status.RECEIVED, Objection.Status.ASSIGNED):
        raise ValidationError(
            _("This objection is %(status)s: it can no longer be assigned.")
            % {"status": objection.get_status_display()},
            code="state",
        )
    if to is None or to.pk not in {user.pk for user in _organiser_staff(objection.notice.round)}:
        raise ValidationError({"assigned_to": _("Choose a member of the organiser's staff.")})
    objection.status = Objection.Status.ASSIGNED
    objection.assigned_to, objection.assigned_at = to, timezone.now()
    objection.save(update_fields=["status", "assigned_to", "assigned_at"])
    record(
        kinds.OBJECTION_ASSIGNED,
        actor=by,
        union=objection.notice.round.organiser,
        target=objection,
        detail={"assigned_to": to.pk},
    )
    notify(
        recipient=to,
        kind=kinds.OBJECTION_ASSIGNED,
        title=_("Investigate the objection to %(nominee)s") % {"nominee": objection.nomination.nominee_name},
        body=_("Record the finding on the objection's page before the final decision."),
        url=_register_url(objection),
        key=f"{kinds.OBJECTION_ASSIGNED}:{objection.pk}:{to.pk}",
    )
    return objection


@transaction.atomic
def objection_answer(*, objection: Objection, finding: str, by) -> Objection:
    """Record the investigation's finding (required)."""
    objection = _locked(objection)
    _check_handler(objection, by)
    if objection.status != Objection.Status.ASSIGNED:
        raise ValidationError(
            _("Only an objection being investigated can be answered; this one is %(status)s.")
            % {"status": objection.get_status_display()},
            code="state",
        )
    finding = (finding or "").strip()
    if not finding:
        raise ValidationError({"finding": _("Write the investigation's finding.")})
    if len(finding) > FACTS_MAX:
        raise ValidationError({"finding": _("The finding is too long (at most 2,000 characters).")})
    objection.status = Objection.Status.ANSWERED
    objection.finding = finding
    objection.answered_by, objection.answered_at = by, timezone.now()
    objection.save(update_fields=["status", "finding", "answered_by", "answered_at"])
    record(kinds.OBJECTION_ANSWERED, actor=by, union=objection.notice.round.organiser, target=objection)
    return objection


@transaction.atomic
def objection_close(*, objection: Objection, upheld: bool, by) -> Objection:
    """Close an answered objection. Upheld: the nominee is rejected at the decision level and leaves the
    notice's list; dismissed: nothing else changes."""
    objection = _locked(objection)
    _check_handler(objection, by)
    if objection.status != Objection.Status.ANSWERED:
        raise ValidationError(
            _("Only an answered objection can be closed; this one is %(status)s.")
            % {"status": objection.get_status_display()},
            code="state",
        )
    nomination = Nomination.objects.select_for_update().select_related("union").get(pk=objection.nomination_id)
    if upheld and nomination.status != Nomination.Status.NOTICE:
        raise ValidationError(
            _("The nomination is %(status)s: an objection to it can only be dismissed now.")
            % {"status": nomination.get_status_display()},
            code="nomination_state",
        )
    now = timezone.now()
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection.closed_by, objection.closed_at = by, now
    objection.save(update_fields=["status", "closed_by", "closed_at"])
    organiser = objection.notice.round.organiser
    record(
        kinds.OBJECTION_CLOSED,
        actor=by,
        union=organiser,
        target=objection,
        detail={"upheld": bool(upheld), "nomination": nomination.pk},
    )
    if upheld:
        comment = (_("objection upheld: %(finding)s") % {"finding": objection.finding})[:500]
        nomination.status = Nomination.Status.REJECTED
        nomination.updated_at = now
        nomination.save(update_fields=["status", "updated_at"])
        NominationReview.objects.create(
            nomination=nomination,
            stage=NominationReview.Stage.DECISION,
            outcome=NominationReview.Outcome.REJECTED,
            comment=comment,
            by=by,
            at=now,
        )
        record(
            kinds.NOMINATION_REJECTED,
            actor=by,
            union=nomination.union,
            target=nomination,
            detail={"stage": NominationReview.Stage.DECISION, "objection": objection.pk},
        )
        notify(
            recipient=nomination.created_by,
            kind=kinds.NOMINATION_REJECTED,
            title=_("%(nominee)s was not commended: an objection to the public notice was upheld")
            % {"nominee": nomination.nominee_name},
            url=reverse("campaigns:nomination_detail", args=[nomination.pk]),
            key=f"{kinds.NOMINATION_REJECTED}:{nomination.pk}",
        )
        close_round_if_done(nomination.round, by)
    return objection


def objector_mobile_masked(objection: Objection) -> str:
    return mask_mobile(decrypt(objection.objector_mobile))


def objector_mobile_reveal(*, objection: Objection, by, request=None) -> str:
    """The objector's mobile in full, for the organiser's staff; each look is audited."""
    _check_handler(objection, by)
    record(
        kinds.OBJECTOR_VIEWED,
        request=request,
        actor=by,
        union=objection.notice.round.organiser,
        target=objection,
    )
    return decrypt(objection.objector_mobile)
