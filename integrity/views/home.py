"""The discipline officer's home: the counts to act on, each linking to its list, and every part's page."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from ..decorators import discipline_officer_required
from ..templatetags.integrity_menu import integrity_counts, integrity_menu


@never_cache
@discipline_officer_required
def home(request):
    today = timezone.localdate()
    context = {
        "counts": integrity_counts(request.user, today=today),
        "menu": integrity_menu(request.user, "integrity:home"),
        "year": today.year,
    }
    return render(request, "integrity/home/home.html", context)
