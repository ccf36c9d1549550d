"""The honours register (荣誉名录): entering an earlier or higher-level honour, revoking one, and the rules
every honour follows however it came in (a round's final decision, ``services.decisions``, or entered here).

- Its certificate number is ``RY<year>-<5 digits>``, the next of the year (max + 1), taken under a lock
  on the year so that two decisions of the same year never draw the same number.
- Its ``person_key`` ties one person's honours at every level together: ``m<member id>`` for a member,
  else a sha256 of the name and birth date (a team, unit or studio: of its name).
"""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record
from accounts.notify import notify
from members.models import Member
from unions.models import Role, Union

from .. import kinds
from ..honour_permissions import can_enter_honour_at, can_revoke
from ..models import Honour, HonourKind

NUMBER_PREFIX = "RY"
NUMBER_DIGITS = 5
# pg_advisory_xact_lock's first key: this module's numbers, the second key being the year.
_NUMBER_LOCK = 0x52590001
REVOKE_REASON_MAX = 500


def person_key_for(*, member: Member | None, name: str, birth_date: datetime.date | None) -> str:
    if member is not None:
        return f"m{member.pk}"
    basis = f"{(name or '').strip()}|{birth_date.isoformat() if birth_date else ''}"
    return hashlib.sha256(basis.encode()).hexdigest()


def lock_numbers(year: int) -> None:
    """Hold the year's numbering until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_NUMBER_LOCK, int(year)])


def next_numbers(year: int, count: int = 1) -> list[str]:
    """The next ``count`` certificate numbers of the year. Call inside a transaction after ``lock_numbers``."""
    prefix = f"{NUMBER_PREFIX}{year}-"
    last = Honour.objects.filter(number__startswith=prefix).aggregate(last=Max("number"))["last"]
    start = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    if start + count - 1 >= 10**NUMBER_DIGITS:
        raise ValidationError(_("The certificate numbers of %(year)s are used up.") % {"year": year}, code="numbers")
    return [f"{prefix}{n:0{NUMBER_DIGITS}d}" for n in range(start, start + count)]


def check_document(*, document_number: str, conferring_body: str, decided_on, errors: dict | None = None) -> dict:
    """The decision's document number (文号), conferring body and date: each given, the date not ahead."""
    errors = {} if errors is None else errors
    if not (document_number or "").strip():
        errors["document_number"] = _("Give the document number of the decision, e.g. 市工发〔2026〕18号.")
    if not (conferring_body or "").strip():
        errors["conferring_body"] = _("Give the body that confers the honour.")
    if decided_on is None:
        errors["decided_on"] = _("Give the date of the decision.")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("The date of the decision cannot be in the future.")
    return errors


def clerks_of(union: Union) -> set:
    return {
        role.user
        for role in Role.objects.filter(union=union, kind=Role.Kind.UNION_CLERK).select_related("user")
        if role.user.is_active
    }


@transaction.atomic
def honour_enter(
    *,
    union: Union,
    kind: HonourKind,
    level: str,
    year: int,
    holder_name: str,
    unit_name: str,
    document_number: str,
    conferring_body: str,
    decided_on: datetime.date,
    by,
    sex: str = "",
    birth_date: datetime.date | None = None,
    post: str = "",
    member: Member | None = None,
    in_hardship: bool = False,
) -> Honour:
    """Federation staff over ``union`` enter an honour conferred elsewhere or earlier (a provincial or
    national honour, an earlier year's city honour) into the register."""
    if not can_enter_honour_at(by, union):
        raise PermissionDenied
    holder_name, unit_name, post = (holder_name or "").strip(), (unit_name or "").strip(), (post or "").strip()
    errors = check_document(document_number=document_number, conferring_body=conferring_body, decided_on=decided_on)
    if level not in Honour.Level.values:
        errors["level"] = _("Choose the honour's level.")
    this_year = timezone.localdate().year
    if year is None or not 1950 <= year <= this_year:
        errors["year"] = _("Give a year between 1950 and %(year)s.") % {"year": this_year}
    elif decided_on is not None and decided_on.year < year - 1:
        errors["decided_on"] = _("The decision cannot come before the honour's year.")
    if not holder_name:
        errors["holder_name"] = _("Give the holder's name.")
    if not unit_name:
        errors["unit_name"] = _("Give the holder's unit.")
    if member is not None and not member.union.path.startswith(union.path):
        errors["member"] = _("%(name)s is not a member of %(union)s.") % {"name": member.name, "union": union.name}
    if kind.for_person and member is None and birth_date is None:
        errors["birth_date"] = _("Give the holder's date of birth: it tells one person's honours together.")
    if errors:
        raise ValidationError(errors)
    if member is not None:
        holder_name, sex, birth_date = member.name, member.sex, member.birth_date
    lock_numbers(year)
    honour = Honour.objects.create(
        kind=kind,
        year=year,
        level=level,
        holder_name=holder_name[:100],
        sex=sex or "",
        birth_date=birth_date,
        member=member,
        person_key=person_key_for(member=member, name=holder_name, birth_date=birth_date),
        unit_name=unit_name[:100],
        post=post[:100],
        union=union,
        document_number=document_number.strip()[:60],
        conferring_body=conferring_body.strip()[:100],
        decided_on=decided_on,
        number=next_numbers(year)[0],
        in_hardship=in_hardship,
        created_by=by,
    )
    record(
        kinds.HONOUR_ENTERED,
        actor=by,
        union=union,
        target=honour,
        detail={"number": honour.number, "kind": kind.pk, "level": level, "year": year},
    )
    return honour


@transaction.atomic
def honour_revoke(*, honour: Honour, reason: str, by) -> Honour:
    """Revoke with a reason (撤销): the public check then says revoked, and care stops."""
    honour = (
        Honour.objects.select_for_update(of=("self",)).select_related("round__organiser", "union").get(pk=honour.pk)
    )
    if honour.is_revoked:
        raise ValidationError(_("This honour was revoked already."), code="revoked")
    if not can_revoke(by, honour):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking the honour.")})
    if len(reason) > REVOKE_REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason within %(max)s characters.") % {"max": REVOKE_REASON_MAX}})
    honour.revoked_at, honour.revoked_by, honour.revoke_reason = timezone.now(), by, reason
    honour.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    record(kinds.HONOUR_REVOKED, actor=by, union=honour.union, target=honour, detail={"number": honour.number})
    for user in clerks_of(honour.union):
        notify(
            recipient=user,
            kind=kinds.HONOUR_REVOKED,
            title=_("The honour %(number)s of %(name)s was revoked")
            % {"number": honour.number, "name": honour.holder_name},
            url=reverse("campaigns:honour_detail", args=[honour.pk]),
            key=f"{kinds.HONOUR_REVOKED}:{honour.pk}",
        )
    return honour
