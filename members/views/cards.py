"""The member's e-card, and the public page its QR code opens.

The QR code carries only an unguessable token. The check page answers "valid" with the union's name,
or "not valid" for a revoked card, an ended membership or an unknown token alike, and shows nobody's
personal data.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.throttle import throttle

from .. import selectors
from ..cards import check_url, qr_svg


@login_required
@require_safe
@never_cache
def my_card(request):
    member = selectors.membership_of(request.user)
    card = selectors.card_of(member) if member else None
    context = {"member": member, "card": card, "qr": qr_svg(check_url(card)) if card else ""}
    return render(request, "members/card/card.html", context)


@require_safe
@never_cache
def card_check(request, token):
    """Public: whoever scans a card learns whether it is valid and its union, nothing about the person.
    Throttled per IP, so that tokens cannot be tried in bulk."""
    throttle(request, "card_check")
    card = selectors.card_check(token)
    response = render(request, "members/card/check.html", {"card": card, "checked_at": timezone.now()})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


urlpatterns = [
    path("card/", my_card, name="my_card"),
    path("check/<str:token>/", card_check, name="card_check"),
]
