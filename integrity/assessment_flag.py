"""What the cadres' yearly assessment may learn of integrity: whether a valid opinion letter on the
cadre shows a problem. Yes, no, or None when no letter is valid; never anything more."""

import datetime

from django.utils import timezone

from cadres.models import Cadre

from .models import OpinionLetter


def valid_letter_shows_problem(cadre: Cadre, year: int, *, today: datetime.date | None = None) -> bool | None:
    """The newest letter valid today (the assessment is graded now, whatever its year)."""
    today = today or timezone.localdate()
    letter = (
        OpinionLetter.objects.filter(
            cadre=cadre, status=OpinionLetter.Status.ISSUED, as_of__lte=today, valid_until__gte=today
        )
        .order_by("-as_of", "-pk")
        .only("conclusion")
        .first()
    )
    if letter is None:
        return None
    return letter.conclusion == OpinionLetter.Conclusion.PROBLEM
