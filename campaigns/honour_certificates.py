"""The honour certificate (荣誉证书): its check address, its QR code and its PDF.

The QR code carries only the honour's unguessable token; the public page it opens says the honour, the
year, the conferring body and whether it is valid or revoked, and nothing about the person.
"""

from django.conf import settings
from django.urls import reverse

from accounts.pdf import render_pdf
from cadres.qr import qr_svg

from .models import Honour

PDF_TEMPLATE = "reports/campaigns/honour_certificate.html"


def check_url(honour: Honour) -> str:
    """The absolute address of the honour's check page, at the portal's public address."""
    return f"{settings.SITE_URL}{reverse('campaigns:honour_check', args=[honour.token])}"


def qr(honour: Honour) -> str:
    return qr_svg(check_url(honour))


def file_name(honour: Honour) -> str:
    return f"honour-{honour.number}.pdf"


def certificate_pdf(honour: Honour) -> bytes:
    context = {"title": honour.kind.name, "honour": honour, "kind": honour.kind, "qr": qr(honour)}
    return render_pdf(PDF_TEMPLATE, context)
