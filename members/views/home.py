from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..selectors import membership_of


@login_required
def worker_home(request):
    """A worker's own account: their membership, or the way to join (the portal's home for a worker)."""
    return render(request, "members/worker_home.html", {"membership": membership_of(request.user)})
