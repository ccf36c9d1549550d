"""The read trail: every page that shows an integrity record's content says so here first.

One audit row per read (``accounts.audit``): who, when, from where, which record (its type, id and a
label with no content: ``Talk.__str__`` and its kin say only "kind #id"), and the node it concerns,
so that the security auditors of that subtree read the trail. Never a word of the record.
"""

from accounts.audit import record
from accounts.models import AuditEvent

from . import kinds
from .models import (
    EducationSession,
    FourFormsEntry,
    OpinionLetter,
    Rectification,
    ResponsibilityLetter,
    Talk,
)

_READ_ACTION = {
    Talk: kinds.TALK_READ,
    Rectification: kinds.RECTIFICATION_READ,
    ResponsibilityLetter: kinds.RESPONSIBILITY_LETTER_READ,
    OpinionLetter: kinds.OPINION_LETTER_READ,
    FourFormsEntry: kinds.FOUR_FORMS_ENTRY_READ,
    EducationSession: kinds.EDUCATION_SESSION_READ,
}


def _node(obj):
    if isinstance(obj, ResponsibilityLetter):
        return obj.union
    if isinstance(obj, EducationSession):
        return obj.organiser
    return obj.cadre.union


def record_read(request, obj, *, action: str | None = None) -> AuditEvent:
    """Record that ``request.user`` was shown ``obj``. ``action`` overrides the model's read action
    (``kinds.OPINION_RECORD_SHOWN``, ``kinds.CADRE_RECORD_READ`` with a cadre as ``obj``)."""
    action = action or _READ_ACTION[type(obj)]
    union = obj.union if action == kinds.CADRE_RECORD_READ else _node(obj)
    return record(action, request=request, union=union, target=obj)
