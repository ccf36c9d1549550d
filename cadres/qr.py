"""The check-in poster's QR code: training classes (cadres) and warning education sessions (integrity)
print the same code, filling its box."""

import segno
from django.utils.safestring import mark_safe


def qr_svg(url: str) -> str:
    """Inline SVG of the code, as the member card makes it (members.cards.qr_svg), sized to fill its box."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=2, omitsize=True, svgclass="d-block w-100 h-auto bg-white", title=url)
    # segno writes the markup itself from a URL of ours (the host setting and a URL-safe token).
    return mark_safe(svg)  # noqa: S308
