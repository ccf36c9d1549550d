"""The portal inbox: a user's own notifications. Anybody else's answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .notify import notification_mark_read, notifications_for, notifications_mark_all_read

INBOX_PER_PAGE = 20


def _local_path(url: str) -> bool:
    """A path on this site (``/join/status/``), never another host, however it is spelled."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


@login_required
@never_cache
def inbox(request):
    page = Paginator(notifications_for(request.user), INBOX_PER_PAGE).get_page(request.GET.get("page"))
    unread = notifications_for(request.user).filter(read_at__isnull=True).exists()
    return render(request, "accounts/inbox.html", {"page": page, "has_unread": unread})


@login_required
@require_POST
def inbox_read(request, pk):
    """Mark one notification read, then open its link (only a path on this site)."""
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(notification=notification, by=request.user)
    if notification.url and _local_path(notification.url):
        return redirect(notification.url)
    return redirect("accounts:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    if notifications_mark_all_read(user=request.user):
        messages.success(request, _("All notifications are marked as read."))
    return redirect("accounts:inbox")


urlpatterns = [
    path("inbox/", inbox, name="inbox"),
    path("inbox/<int:pk>/read/", inbox_read, name="inbox_read"),
    path("inbox/read-all/", inbox_read_all, name="inbox_read_all"),
]
