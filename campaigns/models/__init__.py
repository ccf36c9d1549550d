"""The campaigns app's records, one module per part; everything is importable from ``campaigns.models``.

Competitions (labour and skill competitions, their entries, judging and prizes) and honours (kinds,
rounds and quotas, nominations and their reviews, the public notice and objections, the honours
register and model workers' care, innovation studios).
"""

from .awards import Award
from .competitions import Competition, Criterion, Prize, Stage
from .entries import Entry, StageReport, StageReportFile
from .honours import CareEntitlement, CategoryFlag, EvidenceItem, HonourKind, Quota, Round, StructuralRule
from .judging import Judge, JudgeConflict, Score, Scoresheet
from .nominations import Forwarding, Nomination, NominationFile, NominationReview, VettingOpinion
from .notices import Objection, PublicNotice
from .register import CareRecord, Honour
from .studios import InnovationStudio, StudioReview, StudioTarget

__all__ = [
    "Award",
    "CareEntitlement",
    "CareRecord",
    "CategoryFlag",
    "Competition",
    "Criterion",
    "Entry",
    "EvidenceItem",
    "Forwarding",
    "Honour",
    "HonourKind",
    "InnovationStudio",
    "Judge",
    "JudgeConflict",
    "Nomination",
    "NominationFile",
    "NominationReview",
    "Objection",
    "Prize",
    "PublicNotice",
    "Quota",
    "Round",
    "Score",
    "Scoresheet",
    "Stage",
    "StageReport",
    "StageReportFile",
    "StructuralRule",
    "StudioReview",
    "StudioTarget",
    "VettingOpinion",
]
