"""The prize certificate (获奖证书): its check address, its QR code and its PDF.

The QR code carries only the award's unguessable token; the public page it opens says whether the
certificate is valid, which prize, which competition and who organised it, and nothing about the person.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.pdf import render_pdf
from cadres.qr import qr_svg

from .models import Award

PDF_TEMPLATE = "reports/campaigns/certificate.html"


def check_url(award: Award) -> str:
    """The absolute address of the certificate's check page, at the portal's public address."""
    return f"{settings.SITE_URL}{reverse('campaigns:certificate_check', args=[award.token])}"


def qr(award: Award) -> str:
    return qr_svg(check_url(award))


def file_name(award: Award) -> str:
    return f"certificate-{award.number}.pdf"


def certificate_pdf(award: Award) -> bytes:
    entry = award.entry
    competition = entry.competition
    context = {
        "title": competition.title,
        "award": award,
        "entry": entry,
        "competition": competition,
        "organiser": competition.organiser,
        "day": timezone.localdate(award.awarded_at),
        "qr": qr(award),
    }
    return render_pdf(PDF_TEMPLATE, context)
