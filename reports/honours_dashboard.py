"""The honours figures beside the competitions panel of a node's dashboard.

For the node's subtree and a year: the honours conferred that year (the register: a round's decisions
and the honours entered from other levels), by kind and by child node; the nominations of that year's
rounds still under review and those awarded; the model workers of the register (holders of a kind that
grants care, one person once, whatever the year); the innovation studios active, and those recognised
that year. Revoked honours do not count.

Where a figure sits: an honour and a nomination under the child whose subtree holds the holder's (the
nominating) union; the node's own row holds its own.

Honours are public (conferred by a published decision, after a public notice): no small count is hidden.
Four grouped queries and one for the child nodes, cached a few minutes.

Who reads it: leaders and federation staff over the node (``campaigns.honour_permissions``).
"""

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaigns.honour_permissions import can_read_honour_aggregates
from campaigns.models import Honour, HonourKind, InnovationStudio, Nomination
from unions.models import Union

CACHE_SECONDS = 300
UNDER_REVIEW = tuple(s for s in Nomination.ALIVE if s != Nomination.Status.AWARDED)


def compute(union: Union, *, year: int) -> dict:
    path, prefix = union.path, len(union.path) + Union.steplen
    kinds = list(HonourKind.objects.order_by("order", "id").values_list("pk", "name"))
    honours = (
        Honour.objects.filter(union__path__startswith=path, year=year, revoked_at__isnull=True)
        .order_by()
        .annotate(child=Substr("union__path", 1, prefix))
        .values("child", "kind")
        .annotate(n=Count("pk"))
    )
    nominations = (
        Nomination.objects.filter(union__path__startswith=path, round__year=year)
        .order_by()
        .annotate(child=Substr("union__path", 1, prefix))
        .values("child", "kind")
        .annotate(
            under_review=Count("pk", filter=Q(status__in=UNDER_REVIEW)),
            awarded=Count("pk", filter=Q(status=Nomination.Status.AWARDED)),
        )
    )
    model_workers = (
        Honour.objects.filter(union__path__startswith=path, kind__grants_care=True, revoked_at__isnull=True)
        .values("person_key")
        .distinct()
        .count()
    )
    studios = InnovationStudio.objects.filter(host_union__path__startswith=path, active=True).aggregate(
        active=Count("pk"), this_year=Count("pk", filter=Q(recognised_year=year))
    )
    cells: dict[tuple[str, int], dict] = {}
    for row in honours:
        cells.setdefault((row["child"], row["kind"]), {})["honours"] = row["n"]
    for row in nominations:
        cells.setdefault((row["child"], row["kind"]), {}).update(
            under_review=row["under_review"], awarded=row["awarded"]
        )
    keys = ("honours", "under_review", "awarded")

    def row_of(node_path: str) -> dict:
        return {
            key: sum(cell.get(key, 0) for (child, _kind), cell in cells.items() if child == node_path) for key in keys
        }

    by_kind = []
    for pk, name in kinds:
        item = {"key": pk, "label": name, **dict.fromkeys(keys, 0)}
        for (_child, kind), cell in cells.items():
            if kind == pk:
                for key in keys:
                    item[key] += cell.get(key, 0)
        if any(item[key] for key in keys):
            by_kind.append(item)
    children = []
    own = row_of(path)
    if any(own.values()):
        children.append(
            {"id": union.pk, "name": _("%(union)s itself") % {"union": union.name}, "own_level": True, **own}
        )
    for child in Union.objects.filter(path__startswith=path, depth=union.depth + 1).order_by("path"):
        children.append({"id": child.pk, "name": child.name, "own_level": False, **row_of(child.path)})
    totals = {key: sum(item[key] for item in by_kind) for key in keys}
    return {
        "union": {"id": union.pk, "name": union.name},
        "year": year,
        "totals": totals
        | {"model_workers": model_workers, "studios": studios["active"], "studios_new": studios["this_year"]},
        "by_kind": by_kind,
        "children": children,
    }


def figures(union: Union, *, year: int) -> dict:
    key = f"honours-dashboard:{union.pk}:{year}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = compute(union, year=year)
        cache.set(key, data, CACHE_SECONDS)
    return data


def panel_for(user, union: Union, *, year: int) -> dict | None:
    if not can_read_honour_aggregates(user, union):
        return None
    return figures(union, year=year)
