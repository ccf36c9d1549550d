"""The political-quality file's one rule other parts ask about: 一票否决 (the one-vote veto).

The latest entry of a cadre's file stands. When its conclusion is 不合格 the cadre may not be
promoted (``cadres.services.profiles.rotation_record``) nor graded 优秀 in the yearly assessment.
"""

from .models import Cadre, PoliticalConclusion, PoliticalReview


def latest_review(cadre: Cadre) -> PoliticalReview | None:
    return PoliticalReview.objects.filter(cadre=cadre).order_by("-assessed_on", "-id").first()


def political_veto(cadre: Cadre) -> bool:
    """Whether the cadre's latest political-quality assessment is 不合格 (one query)."""
    conclusion = (
        PoliticalReview.objects.filter(cadre=cadre)
        .order_by("-assessed_on", "-id")
        .values_list("conclusion", flat=True)
        .first()
    )
    return conclusion == PoliticalConclusion.FAIL
