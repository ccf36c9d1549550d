"""The notice's panels on shared pages: the round's notice (round page) and a nomination's objections
(nomination page). Each answers None to a user who may do nothing there: the organiser's staff only."""

from django import template
from django.utils import timezone

from .. import honour_permissions
from ..models import Nomination, Objection
from ..objections import objection_counts

register = template.Library()


@register.simple_tag
def notice_panel(round_, user):
    if round_ is None or not honour_permissions.can_manage_round(user, round_):
        return None
    today = timezone.localdate()
    notices = list(round_.notices.order_by("-published_on", "-id"))
    for notice in notices:
        notice.running = notice.is_running(today)
        notice.ended = notice.has_ended(today)
    open_count = Objection.objects.filter(notice__round=round_, status__in=Objection.OPEN).count()
    vetted = Nomination.objects.filter(round=round_, status=Nomination.Status.VETTED).count()
    return {"round": round_, "notices": notices, "open_objections": open_count, "vetted": vetted}


@register.simple_tag
def objections_panel(nomination, user):
    if nomination is None or nomination.notice_id is None:
        return None
    if not honour_permissions.can_manage_round(user, nomination.round):
        return None
    open_count, closed_count = objection_counts([nomination.pk]).get(nomination.pk, (0, 0))
    return {"nomination": nomination, "notice": nomination.notice, "open": open_count, "closed": closed_count}
