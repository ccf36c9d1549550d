"""The campaigns app's records, one module per part; everything is importable from ``campaigns.models``.

Competitions now (labour and skill competitions, their entries, judging and prizes); the honours
(nominations, reviews, public notice, awards) come next, beside them.
"""

from .awards import Award
from .competitions import Competition, Criterion, Prize, Stage
from .entries import Entry, StageReport, StageReportFile
from .judging import Judge, JudgeConflict, Score, Scoresheet

__all__ = [
    "Award",
    "Competition",
    "Criterion",
    "Entry",
    "Judge",
    "JudgeConflict",
    "Prize",
    "Score",
    "Scoresheet",
    "Stage",
    "StageReport",
    "StageReportFile",
]
