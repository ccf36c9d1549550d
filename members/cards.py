"""The member card's rules, written once: its number, its token, and the address and QR code of the
public page that checks it. The card services (``services.cards``), the roster import's bulk writer,
the demo seed, the e-card page and the card PDF all take them from here.

The QR code carries only an unguessable token; the check page it opens shows nobody's personal data.
"""

import secrets

import segno
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from unions.models import Union


def card_number(union_id: int, sequence: int) -> str:
    """The issuing union's ID and its own counter, e.g. 000123-000045: unique city-wide with no
    city-wide counter to wait for, and it says which union issued the card."""
    return f"{union_id:06d}-{sequence:06d}"


def card_numbers_take(union_id: int, count: int = 1) -> list[str]:
    """The union's next ``count`` card numbers. The counter moves in one UPDATE, whose row lock
    makes a second issuer (an approval during an import) wait until this transaction ends, so no
    number is given twice."""
    Union.objects.filter(pk=union_id).update(card_sequence=F("card_sequence") + count)
    last = Union.objects.values_list("card_sequence", flat=True).get(pk=union_id)
    return [card_number(union_id, sequence) for sequence in range(last - count + 1, last + 1)]


def card_token() -> str:
    """The QR code's token: 256 random bits, URL-safe, so that cards cannot be guessed or listed."""
    return secrets.token_urlsafe(32)


def check_url(card) -> str:
    """The absolute address of the card's check page, at the portal's public address (SITE_URL), so
    that a code shown on a page reached through an internal host name still works for whoever scans it."""
    return f"{settings.SITE_URL}{reverse('members:card_check', args=[card.token])}"


def qr_svg(url: str) -> str:
    """Inline SVG of a QR code for ``url``; sized by CSS through its viewBox."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=2, omitsize=True, svgclass="member-card-qr", title=_("QR code of the card"))
    # segno writes the markup itself from a URL of ours (the host setting and a URL-safe token).
    return mark_safe(svg)  # noqa: S308
