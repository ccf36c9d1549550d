"""The integrity app's records, one module per part; everything is importable from ``integrity.models``.

Every record here is confidential (DESIGN "Integrity"): read through ``integrity.selectors`` only,
every read recorded (``integrity.trail``), content encrypted (``integrity.fields``).
"""

from .education import EducationAttendance, EducationSession
from .letters import LetterBatch, LetterTemplate, ResponsibilityLetter
from .opinions import OpinionLetter
from .register import FourFormsEntry
from .settings import IntegritySettings
from .talks import Rectification, SupervisionForm, Talk, TalkCorrection

__all__ = [
    "EducationAttendance",
    "EducationSession",
    "FourFormsEntry",
    "IntegritySettings",
    "LetterBatch",
    "LetterTemplate",
    "OpinionLetter",
    "Rectification",
    "ResponsibilityLetter",
    "SupervisionForm",
    "Talk",
    "TalkCorrection",
]
