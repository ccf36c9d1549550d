"""The cadres app's records, one module per part; everything is importable from ``cadres.models``."""

from .assessments import Assessment, AssessmentGrade, AssessmentRound
from .jobs import CadreExport, CadreImport
from .ledger import HoursRule, LedgerEntry, LedgerYear
from .postings import GrassrootsStay, HostKind, PostingGrade, Secondment
from .profile import (
    Cadre,
    CadreSettings,
    Employment,
    PoliticalConclusion,
    PoliticalReview,
    Rank,
    Rotation,
)
from .taskforces import TaskForce, TaskForceMember
from .training import Attendance, AttendanceSheet, Enrolment, ExternalTraining, TrainingClass, TrainingMode

__all__ = [
    "Assessment",
    "AssessmentGrade",
    "AssessmentRound",
    "Attendance",
    "AttendanceSheet",
    "Cadre",
    "CadreExport",
    "CadreImport",
    "CadreSettings",
    "Employment",
    "Enrolment",
    "ExternalTraining",
    "GrassrootsStay",
    "HostKind",
    "HoursRule",
    "LedgerEntry",
    "LedgerYear",
    "PoliticalConclusion",
    "PoliticalReview",
    "PostingGrade",
    "Rank",
    "Rotation",
    "Secondment",
    "TaskForce",
    "TaskForceMember",
    "TrainingClass",
    "TrainingMode",
]
