"""One cadre's whole integrity record: talks, rectification items, four-forms entries, warning education
attended, responsibility letters and opinion letters, each newest first.

Used by the cadre's record page (``integrity:cadre_record``) and by the opinion letter's page, which
passes ``since`` (today less the look-back years) to show what the record held over that period.
A fixed number of queries whatever the record's size (one per list). The caller has already checked
that the user may see this cadre (``selectors.cadres_in_scope``) and records the read.

Drafts are left out: a draft is its recorder's alone until it is filed.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from cadres.models import Cadre

from .models import (
    EducationAttendance,
    FourFormsEntry,
    OpinionLetter,
    Rectification,
    ResponsibilityLetter,
    Talk,
)


@dataclass
class CadreRecord:
    cadre: Cadre
    since: datetime.date | None = None
    talks: list[Talk] = field(default_factory=list)
    rectifications: list[Rectification] = field(default_factory=list)
    four_forms: list[FourFormsEntry] = field(default_factory=list)
    attendances: list[EducationAttendance] = field(default_factory=list)
    letters: list[ResponsibilityLetter] = field(default_factory=list)
    opinions: list[OpinionLetter] = field(default_factory=list)

    @property
    def non_routine_talks(self) -> list[Talk]:
        """Talks beyond the routine yearly one: what an opinion letter must weigh."""
        return [t for t in self.talks if t.kind != Talk.Kind.ROUTINE]

    def open_rectifications(self) -> list[Rectification]:
        return [r for r in self.rectifications if r.status != Rectification.Status.STRUCK_OFF]

    def overdue_rectifications(self, today: datetime.date) -> list[Rectification]:
        return [r for r in self.rectifications if r.is_overdue(today)]


def cadre_record(cadre: Cadre, *, since: datetime.date | None = None) -> CadreRecord:
    """The cadre's record (drafts left out), from ``since`` on if given. Six queries.

    With ``since``, a rectification item still open is kept whatever its talk's date (it is still on
    the record); letters count by their year, opinions by their request date."""
    talks = Talk.objects.filter(cadre=cadre).exclude(status=Talk.Status.DRAFT).select_related("recorder")
    rects = (
        Rectification.objects.filter(cadre=cadre)
        .exclude(talk__status=Talk.Status.DRAFT)
        .select_related("talk", "struck_off_by")
    )
    forms = FourFormsEntry.objects.filter(cadre=cadre).select_related("talk")
    attendances = EducationAttendance.objects.filter(cadre=cadre).select_related("session__organiser")
    letters = ResponsibilityLetter.objects.filter(cadre=cadre).select_related("union")
    opinions = OpinionLetter.objects.filter(cadre=cadre).select_related("requested_by", "issued_by")
    if since is not None:
        talks = talks.filter(held_on__gte=since)
        rects = rects.filter(Q(talk__held_on__gte=since) | ~Q(status=Rectification.Status.STRUCK_OFF))
        forms = forms.filter(decided_on__gte=since)
        attendances = attendances.filter(session__held_on__gte=since)
        letters = letters.filter(year__gte=since.year)
        opinions = opinions.filter(requested_at__date__gte=since)
    return CadreRecord(
        cadre=cadre,
        since=since,
        talks=list(talks.order_by("-held_on", "-pk")),
        rectifications=list(rects.order_by("-deadline", "-pk")),
        four_forms=list(forms.order_by("-decided_on", "-pk")),
        attendances=list(attendances.order_by("-session__held_on", "-pk")),
        letters=list(letters.order_by("-year", "-pk")),
        opinions=list(opinions.order_by("-requested_at", "-pk")),
    )
