"""The quotas panel of a round's page: ``{% quota_panel round user as panel %}``.

For the organiser's staff: how many places of each honour they have given the levels below. For staff
of a level below: their own node's quota of each honour and what they have split further down, with a
link to split it. Nothing (None) for anyone else.
"""

from django import template
from django.db.models import Q, Sum

from unions.scope import roles_of

from ..honour_permissions import HONOUR_STAFF_KINDS, can_manage_round, covers
from ..models import Quota, Round

register = template.Library()


@register.simple_tag
def quota_panel(round_: Round, user) -> dict | None:
    honour_kinds = list(round_.kinds.all())
    if not honour_kinds:
        return None
    organiser = round_.organiser
    if can_manage_round(user, round_):
        given = dict(
            Quota.objects.filter(round=round_, node__depth=organiser.depth + 1, node__path__startswith=organiser.path)
            .order_by()
            .values_list("kind_id")
            .annotate(total=Sum("count"))
        )
        return {
            "manages": True,
            "node": organiser,
            "rows": [{"kind": kind, "held": None, "given": given.get(kind.pk, 0)} for kind in honour_kinds],
        }
    nodes = [
        role.union
        for role in roles_of(user)
        if role.kind in HONOUR_STAFF_KINDS and covers(round_, role.union) and role.union.pk != organiser.pk
    ]
    if not nodes:
        return None
    node = min(nodes, key=lambda union: union.depth)
    rows = Quota.objects.filter(
        Q(node=node) | Q(node__depth=node.depth + 1, node__path__startswith=node.path), round=round_
    ).values_list("node_id", "kind_id", "count")
    held, given = {}, {}
    for node_id, kind_id, count in rows:
        if node_id == node.pk:
            held[kind_id] = count
        else:
            given[kind_id] = given.get(kind_id, 0) + count
    return {
        "manages": False,
        "node": node,
        "rows": [{"kind": kind, "held": held.get(kind.pk), "given": given.get(kind.pk, 0)} for kind in honour_kinds],
    }
