"""The public check an honour certificate's QR code opens (no sign-in).

It says only the honour, its year, its level, the conferring body and whether it is valid or revoked:
no name, birth date, unit, mobile or ID. An unknown token gets the same "not valid" page. Throttled per
IP (``honour_check``), so tokens cannot be tried in bulk.
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.throttle import throttle

from ..models import Honour

TOKEN_MAX = 64


@require_safe
@never_cache
def honour_check(request, token):
    throttle(request, "honour_check")
    found = None
    if token and len(token) <= TOKEN_MAX:
        # Only what the page shows is read: nothing of the holder.
        found = (
            Honour.objects.filter(token=token)
            .values("kind__name", "year", "level", "conferring_body", "decided_on", "revoked_at")
            .first()
        )
    context = {"checked_at": timezone.now(), "found": found is not None}
    if found is not None:
        context.update(
            honour=found["kind__name"],
            year=found["year"],
            level=Honour.Level(found["level"]).label if found["level"] in Honour.Level.values else "",
            conferring_body=found["conferring_body"],
            decided_on=found["decided_on"],
            revoked=found["revoked_at"] is not None,
        )
    response = render(request, "campaigns/honours/public/honour_check.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
