"""Talks (谈话): drafted by the recorder, filed, corrected by addition, closed.

States: draft (the recorder alone sees and edits it) → filed → rectifying (once a rectification item is
set, ``services.rectifications``) → closed (every item struck off, or a filed talk with no items closed
by a discipline officer). A filed talk is never edited: a correction is added and the original stays.

Who may do what is asked of ``integrity.permissions``; the pages check scope first (404), the services
check again and refuse with a message. Nothing partial: each service is one transaction.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from cadres.models import Cadre

from .. import kinds
from ..models import FourFormsEntry, Talk, TalkCorrection
from ..permissions import can_correct_talk, can_manage_cadre, is_recorder

# The fields of a talk its recorder fills in (create and edit of a draft).
FIELDS = ("kind", "talker_name", "talker_post", "held_on", "place", "reason", "content", "statement", "opinion")
FIELDS_WITH_FORM = (*FIELDS, "supervision_form")


def filed_talk_message() -> str:
    return _("A filed talk cannot be changed: add a correction, which keeps the original.")


def _lock(talk: Talk) -> Talk:
    return Talk.objects.select_for_update().select_related("cadre__union").get(pk=talk.pk)


def _check_values(values: dict) -> None:
    """What a draft may hold: the kind known, a date not in the future, a form of supervision only on
    the kinds that name one."""
    errors = {}
    kind = values.get("kind")
    if kind not in Talk.Kind.values:
        errors["kind"] = _("Choose the kind of talk.")
    if not (values.get("talker_name") or "").strip():
        errors["talker_name"] = _("Name who held the talk.")
    held_on = values.get("held_on")
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = _("Give the day the talk was held.")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("A talk cannot be recorded before it is held.")
    form = values.get("supervision_form") or ""
    if form and kind not in Talk.SUPERVISED_KINDS:
        errors["supervision_form"] = _("Only reminder and admonishment talks name a form of supervision.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def talk_create(
    *,
    cadre: Cadre,
    kind: str,
    talker_name: str,
    held_on: datetime.date,
    by,
    talker_post: str = "",
    place: str = "",
    reason: str = "",
    content: str = "",
    statement: str = "",
    opinion: str = "",
    supervision_form: str = "",
) -> Talk:
    """A draft talk with ``cadre`` recorded by ``by`` (a discipline officer over the cadre)."""
    if not can_manage_cadre(by, cadre):
        raise PermissionDenied
    cadre = Cadre.objects.select_for_update().select_related("union").get(pk=cadre.pk)
    if cadre.status != Cadre.Status.IN_POST:
        raise ValidationError(
            _("%(name)s has left: no new talk is recorded with a cadre who has left.") % {"name": cadre.name}
        )
    values = {
        "kind": kind,
        "talker_name": talker_name.strip(),
        "talker_post": talker_post.strip(),
        "held_on": held_on,
        "place": place.strip(),
        "reason": reason.strip(),
        "content": content.strip(),
        "statement": statement.strip(),
        "opinion": opinion.strip(),
        "supervision_form": supervision_form or "",
    }
    _check_values(values)
    talk = Talk.objects.create(cadre=cadre, recorder=by, status=Talk.Status.DRAFT, **values)
    audit.record(kinds.TALK_CREATED, actor=by, union=cadre.union, target=talk, detail={"kind": kind})
    return talk


@transaction.atomic
def talk_update(*, talk: Talk, by, **values) -> Talk:
    """Change a draft (its recorder only). A filed talk is refused: it is corrected by addition."""
    unknown = set(values) - set(FIELDS_WITH_FORM)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    talk = _lock(talk)
    if talk.status != Talk.Status.DRAFT:
        raise ValidationError(filed_talk_message())
    if not is_recorder(by, talk):
        raise PermissionDenied
    merged = {name: getattr(talk, name) for name in FIELDS_WITH_FORM}
    for name, value in values.items():
        merged[name] = value.strip() if isinstance(value, str) else value
    merged["supervision_form"] = merged["supervision_form"] or ""
    _check_values(merged)
    for name, value in merged.items():
        setattr(talk, name, value)
    talk.save(update_fields=list(FIELDS_WITH_FORM))
    return talk


def filing_errors(talk: Talk) -> dict[str, str]:
    """What a draft lacks before it can be filed (empty: it can)."""
    errors = {}
    if not talk.reason.strip():
        errors["reason"] = _("Give the reason for the talk.")
    if talk.kind != Talk.Kind.ROUTINE and not talk.content.strip():
        errors["content"] = _("Record what was said: only a routine integrity talk may be filed without it.")
    if talk.kind in Talk.SUPERVISED_KINDS and not talk.supervision_form:
        errors["supervision_form"] = _("A reminder or admonishment talk names its form of supervision.")
    if talk.kind not in Talk.SUPERVISED_KINDS and talk.supervision_form:
        errors["supervision_form"] = _("Only reminder and admonishment talks name a form of supervision.")
    return errors


@transaction.atomic
def talk_file(*, talk: Talk, by, register: bool = True) -> Talk:
    """File a draft (its recorder only): from now on discipline officers over the cadre see it and it is
    never edited. A talk naming a form of supervision also goes into the four-forms register (form one,
    that measure) unless ``register`` is false."""
    talk = _lock(talk)
    if talk.status != Talk.Status.DRAFT:
        raise ValidationError(_("This talk is filed already."))
    if not is_recorder(by, talk):
        raise PermissionDenied
    if talk.cadre.status != Cadre.Status.IN_POST:
        raise ValidationError(_("%(name)s has left: the draft cannot be filed.") % {"name": talk.cadre.name})
    errors = filing_errors(talk)
    if errors:
        raise ValidationError(errors)
    talk.status = Talk.Status.FILED
    talk.filed_at = timezone.now()
    talk.save(update_fields=["status", "filed_at"])
    entry = None
    if register and talk.supervision_form:
        entry = FourFormsEntry.objects.create(
            cadre=talk.cadre,
            form=FourFormsEntry.Form.FIRST,
            measure=talk.supervision_form,
            decided_on=talk.held_on,
            talk=talk,
            created_by=by,
        )
        audit.record(kinds.FOUR_FORMS_ENTRY_RECORDED, actor=by, union=talk.cadre.union, target=entry)
    audit.record(
        kinds.TALK_FILED,
        actor=by,
        union=talk.cadre.union,
        target=talk,
        detail={"four_forms_entry": entry.pk if entry else None},
    )
    return talk


@transaction.atomic
def talk_correct(*, talk: Talk, text: str, by) -> TalkCorrection:
    """Add a correction to a filed talk (its recorder or a discipline officer over the cadre)."""
    talk = _lock(talk)
    if talk.status == Talk.Status.DRAFT:
        raise ValidationError(_("A draft is changed by editing it; corrections are for filed talks."))
    if not can_correct_talk(by, talk):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the correction.")})
    correction = TalkCorrection.objects.create(talk=talk, text=text, by=by)
    audit.record(
        kinds.TALK_CORRECTED, actor=by, union=talk.cadre.union, target=talk, detail={"correction": correction.pk}
    )
    return correction


@transaction.atomic
def talk_close(*, talk: Talk, by) -> Talk:
    """Close a filed talk that set no rectification item (a discipline officer over the cadre). A talk
    with items closes by itself when the last is struck off."""
    talk = _lock(talk)
    if not can_manage_cadre(by, talk.cadre):
        raise PermissionDenied
    if talk.status == Talk.Status.CLOSED:
        raise ValidationError(_("This talk is closed already."))
    if talk.status != Talk.Status.FILED:
        raise ValidationError(
            _(
                "Only a filed talk with no rectification item is closed by hand; one with items closes when the last is struck off."
            )
        )
    if talk.rectifications.exists():
        raise ValidationError(_("This talk has rectification items: it closes when the last is struck off."))
    close(talk, by=by)
    return talk


def close(talk: Talk, *, by) -> None:
    """Mark a locked talk closed and record it (also called when its last item is struck off)."""
    talk.status = Talk.Status.CLOSED
    talk.closed_at = timezone.now()
    talk.save(update_fields=["status", "closed_at"])
    audit.record(kinds.TALK_CLOSED, actor=by, union=talk.cadre.union, target=talk)
