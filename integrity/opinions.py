"""What whoever asked for an opinion letter may know of it: the conclusion and its validity, never the
record behind it, the category of a problem or the officer's remarks.

``conclusion_of(letter)`` is the requester's view (the portal's pages and campaigns use it). A letter
past its ``valid_until`` says "expired": it must be asked for again.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import OpinionLetter


class State:
    REQUESTED = "requested"
    VALID = "valid"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


STATE_LABELS = {
    State.REQUESTED: _("Waiting to be issued"),
    State.VALID: pgettext_lazy("opinion letter", "Valid"),
    State.EXPIRED: pgettext_lazy("opinion letter", "Expired"),
    State.WITHDRAWN: pgettext_lazy("opinion letter", "Withdrawn"),
}


@dataclass(frozen=True)
class Conclusion:
    """The requester's view of one letter. ``conclusion`` is a ``OpinionLetter.Conclusion`` value, or
    "" until issued; ``valid`` says whether it may be relied on today."""

    state: str
    conclusion: str
    conclusion_label: str | Promise
    as_of: datetime.date | None
    valid_until: datetime.date | None
    number: str
    valid: bool

    @property
    def expired(self) -> bool:
        return self.state == State.EXPIRED

    @property
    def state_label(self) -> str | Promise:
        return STATE_LABELS[self.state]


def conclusion_of(letter: OpinionLetter, *, today: datetime.date | None = None) -> Conclusion:
    today = today or timezone.localdate()
    if letter.status == OpinionLetter.Status.REQUESTED:
        state = State.REQUESTED
    elif letter.status == OpinionLetter.Status.WITHDRAWN:
        state = State.WITHDRAWN
    elif letter.valid_until is not None and letter.valid_until < today:
        state = State.EXPIRED
    else:
        state = State.VALID
    issued = letter.status == OpinionLetter.Status.ISSUED
    return Conclusion(
        state=state,
        conclusion=letter.conclusion if issued else "",
        conclusion_label=letter.get_conclusion_display() if issued else "",
        as_of=letter.as_of if issued else None,
        valid_until=letter.valid_until if issued else None,
        number=letter.number if issued else "",
        valid=letter.is_valid_on(today),
    )
