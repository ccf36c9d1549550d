"""The four-forms register (四种形态): entries recorded, never edited.

A mistaken entry is not changed nor deleted: a new entry corrects it (the register is a record of
decisions, and the trail of who recorded what stays whole). The measure must be one of the form's
(``FourFormsEntry.MEASURES_OF_FORM``); a talk named must be the same cadre's and filed.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from cadres.models import Cadre

from .. import kinds
from ..models import FourFormsEntry, Talk
from ..permissions import can_manage_cadre


def measures_of(form) -> tuple[str, ...]:
    """The measures an entry of ``form`` may name; none for an unknown form."""
    try:
        return tuple(FourFormsEntry.MEASURES_OF_FORM[FourFormsEntry.Form(int(form))])
    except (TypeError, ValueError, KeyError):
        return ()


def _check(*, cadre: Cadre, form, measure: str, decided_on, talk: Talk | None) -> None:
    errors = {}
    if form not in FourFormsEntry.Form.values:
        errors["form"] = _("Choose one of the four forms.")
    elif measure not in measures_of(form):
        errors["measure"] = _("This measure does not belong to the %(form)s: choose one of its measures.") % {
            "form": FourFormsEntry.Form(form).label
        }
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = _("Give the day of the decision.")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("A decision cannot be recorded before it is taken.")
    if talk is not None:
        if talk.cadre_id != cadre.pk:
            errors["talk"] = _("The talk named is another cadre's.")
        elif talk.status == Talk.Status.DRAFT:
            errors["talk"] = _("A draft talk cannot be named: file it first.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def four_forms_entry_create(
    *,
    cadre: Cadre,
    form: int,
    measure: str,
    decided_on: datetime.date,
    by,
    decision_ref: str = "",
    note: str = "",
    talk: Talk | None = None,
) -> FourFormsEntry:
    """An entry of the register for ``cadre``, recorded by ``by`` (a discipline officer over the cadre)."""
    if not can_manage_cadre(by, cadre):
        raise PermissionDenied
    _check(cadre=cadre, form=form, measure=measure, decided_on=decided_on, talk=talk)
    entry = FourFormsEntry.objects.create(
        cadre=cadre,
        form=form,
        measure=measure,
        decided_on=decided_on,
        decision_ref=decision_ref.strip(),
        note=note.strip(),
        talk=talk,
        created_by=by,
    )
    # Which form and measure is the register's to say, not the audit trail's.
    audit.record(kinds.FOUR_FORMS_ENTRY_RECORDED, actor=by, union=cadre.union, target=entry)
    return entry
