"""The public notice (公示) as a PDF for posting on paper, for the organiser's staff.

It prints what the public page shows and nothing more: the nominees' name, sex, unit, post, honour and a
summary of their deeds (no birth date, ID number or mobile), the notice's working days, where objections
go, the organiser and the date, and a QR code that opens the public notice page.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator

from accounts.pdf import render_pdf
from cadres.qr import qr_svg

from .models import Nomination, PublicNotice
from .public_text import mask_numbers

TEMPLATE = "reports/campaigns/notice.html"
DEEDS_SUMMARY_CHARS = 150


def public_url(notice: PublicNotice) -> str:
    return f"{settings.SITE_URL}{reverse('campaigns:public_notice', args=[notice.token])}"


def nominees(notice: PublicNotice) -> list[dict]:
    """The notice's nominees with their public fields only, by honour, then union, then name."""
    rows = (
        Nomination.objects.filter(notice=notice)
        .order_by("kind__order", "kind_id", "union__path", "nominee_name", "pk")
        .values_list("nominee_name", "sex", "unit_name", "post", "kind__name", "deeds")
    )
    sexes = dict(Nomination._meta.get_field("sex").choices)
    return [
        {
            "name": name,
            "sex": sexes.get(sex, "") if sex else "",
            "unit": unit,
            "post": post,
            "honour": honour,
            "deeds": Truncator(mask_numbers(" ".join(deeds.split()))).chars(DEEDS_SUMMARY_CHARS),
        }
        for name, sex, unit, post, honour, deeds in rows
    ]


def context(notice: PublicNotice) -> dict:
    notice = PublicNotice.objects.select_related("round__organiser").get(pk=notice.pk)
    url = public_url(notice)
    return {
        "title": notice.title,
        "notice": notice,
        "round": notice.round,
        "organiser": notice.round.organiser,
        "nominees": nominees(notice),
        "url": url,
        "qr": qr_svg(url),
    }


def notice_pdf(notice: PublicNotice) -> bytes:
    return render_pdf(TEMPLATE, context(notice))


def file_name(notice: PublicNotice) -> str:
    return f"notice-{notice.pk}.pdf"
