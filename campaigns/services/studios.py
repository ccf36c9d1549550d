"""Model-worker innovation studios (劳模创新工作室): recording a studio, its yearly review and each level's
yearly target of new studios.

A studio is led by a model worker or craftsman in the register: the holder of an individual honour whose
kind brings model workers' care (劳动模范, 工匠 among the standard kinds), not revoked, in the recording
staff member's scope. Federation staff over the host union manage it. A studio is reviewed once a year
(excellent, passed, failed); failed two years running, deactivating it is suggested.

Every rule is checked before anything is written; a refused move writes nothing and says why.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record
from unions.models import Union

from .. import kinds
from ..honour_permissions import can_manage_studio, can_organise_round_at
from ..honour_selectors import honours_visible_to
from ..models import Honour, HonourKind, InnovationStudio, StudioReview, StudioTarget

FIRST_YEAR = 1990
FIELDS = ("name", "leader", "host_union", "host_unit", "field", "members", "member_count", "level", "recognised_year")


def leader_candidates(user) -> QuerySet[Honour]:
    """Honours in the user's register whose holders may lead a studio."""
    return honours_visible_to(user).filter(
        kind__grants_care=True, kind__category=HonourKind.Category.INDIVIDUAL, revoked_at__isnull=True
    )


def _clean(*, by, data: dict) -> dict:
    errors = {}
    for name in ("name", "host_unit", "field"):
        data[name] = (data.get(name) or "").strip()
    data["members"] = (data.get("members") or "").strip()
    if not data["name"]:
        errors["name"] = _("Give the studio's name.")
    if not data["host_unit"]:
        errors["host_unit"] = _("Give the host unit.")
    if not data["field"]:
        errors["field"] = _("Give the studio's field.")
    leader = data.get("leader")
    if leader is None or not leader_candidates(by).filter(pk=leader.pk).exists():
        errors["leader"] = _("The leader must be a model worker or craftsman in the register.")
    host = data.get("host_union")
    if host is None or not can_manage_studio(by, InnovationStudio(host_union=host)):
        errors["host_union"] = _("Choose a host union within your scope.")
    if data.get("level") not in InnovationStudio.Level.values:
        errors["level"] = _("Choose the studio's level.")
    year = data.get("recognised_year")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not FIRST_YEAR <= year <= this_year:
        errors["recognised_year"] = _("The year recognised must be between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": this_year,
        }
    count = data.get("member_count")
    if not isinstance(count, int) or not 1 <= count <= 1000:
        errors["member_count"] = _("Give the number of members: 1 to 1,000.")
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def studio_create(*, by, active: bool = True, **fields) -> InnovationStudio:
    data = _clean(by=by, data={name: fields.get(name) for name in FIELDS})
    studio = InnovationStudio.objects.create(**data, active=bool(active), created_by=by)
    record(
        kinds.STUDIO_CHANGED,
        actor=by,
        union=studio.host_union,
        target=studio,
        detail={"created": True, "leader": studio.leader_id, "level": studio.level},
    )
    return studio


@transaction.atomic
def studio_update(*, studio: InnovationStudio, by, active: bool, **fields) -> InnovationStudio:
    studio = InnovationStudio.objects.select_for_update().select_related("host_union").get(pk=studio.pk)
    if not can_manage_studio(by, studio):
        raise PermissionDenied
    data = _clean(by=by, data={name: fields.get(name, getattr(studio, name)) for name in FIELDS})
    changed = [name for name, value in data.items() if getattr(studio, name) != value]
    for name, value in data.items():
        setattr(studio, name, value)
    if studio.active != bool(active):
        studio.active = bool(active)
        changed.append("active")
    if changed:
        studio.save(update_fields=changed)
        record(kinds.STUDIO_CHANGED, actor=by, union=studio.host_union, target=studio, detail={"changed": changed})
    return studio


@transaction.atomic
def studio_review(*, studio: InnovationStudio, year: int, result: str, note: str = "", by) -> StudioReview:
    """The studio's review of ``year``: once a year, from the year it was recognised to this one."""
    studio = InnovationStudio.objects.select_for_update().select_related("host_union").get(pk=studio.pk)
    if not can_manage_studio(by, studio):
        raise PermissionDenied
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not studio.recognised_year <= year <= this_year:
        raise ValidationError(
            {
                "year": _("The review's year must be between %(first)s (when the studio was recognised) and %(last)s.")
                % {"first": studio.recognised_year, "last": this_year}
            }
        )
    if result not in StudioReview.Result.values:
        raise ValidationError({"result": _("Choose the review's result.")})
    if StudioReview.objects.filter(studio=studio, year=year).exists():
        raise ValidationError(
            _("%(studio)s has already been reviewed for %(year)s.") % {"studio": studio.name, "year": year},
            code="twice",
        )
    try:
        with transaction.atomic():
            review = StudioReview.objects.create(
                studio=studio, year=year, result=result, note=(note or "").strip()[:500], by=by
            )
    except IntegrityError:
        raise ValidationError(
            _("%(studio)s has already been reviewed for %(year)s.") % {"studio": studio.name, "year": year},
            code="twice",
        ) from None
    record(
        kinds.STUDIO_REVIEWED,
        actor=by,
        union=studio.host_union,
        target=studio,
        detail={"year": year, "result": result},
    )
    return review


def suggests_deactivating(studio: InnovationStudio, reviews: list[StudioReview] | None = None) -> bool:
    """An active studio whose last two reviews, of two consecutive years, both failed."""
    if not studio.active:
        return False
    if reviews is None:
        reviews = list(studio.reviews.order_by("-year")[:2])
    latest = sorted(reviews, key=lambda review: review.year, reverse=True)[:2]
    return (
        len(latest) == 2
        and latest[0].year == latest[1].year + 1
        and all(review.result == StudioReview.Result.FAILED for review in latest)
    )


# --- targets ------------------------------------------------------------------------------------------
def target_nodes(user) -> QuerySet[Union]:
    """The federations (city, district, industry union) where the user may set studio targets."""
    from unions.selectors import scoped

    from ..honour_permissions import HONOUR_STAFF_KINDS, ROUND_ORGANISER_KINDS

    return scoped(Union.objects.all(), user, HONOUR_STAFF_KINDS, "path").filter(kind__in=ROUND_ORGANISER_KINDS)


@transaction.atomic
def target_set(*, node: Union, year: int, level: str, count: int, by) -> StudioTarget:
    """Set (or change) ``node``'s target of new ``level`` studios in ``year``."""
    if not can_organise_round_at(by, node):
        raise ValidationError({"node": _("Choose a federation within your scope.")})
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not this_year - 1 <= year <= this_year + 1:
        raise ValidationError(
            {"year": _("Set targets for %(first)s to %(last)s.") % {"first": this_year - 1, "last": this_year + 1}}
        )
    if level not in InnovationStudio.Level.values:
        raise ValidationError({"level": _("Choose the studio's level.")})
    if not isinstance(count, int) or not 0 <= count <= 10000:
        raise ValidationError({"count": _("The target must be between 0 and 10,000.")})
    target, created = StudioTarget.objects.select_for_update().get_or_create(
        node=node, year=year, level=level, defaults={"count": count}
    )
    if not created and target.count != count:
        target.count = count
        target.save(update_fields=["count"])
    record(
        kinds.STUDIO_CHANGED,
        actor=by,
        union=node,
        target=target,
        detail={"target": count, "year": year, "level": level},
    )
    return target


def with_progress(targets: list[StudioTarget]) -> list[StudioTarget]:
    """Each target's ``achieved``: studios recognised that year at that level in the node's subtree (one
    query for all), and ``percent`` for the progress bar (at most 100)."""
    if not targets:
        return targets
    counts = InnovationStudio.objects.aggregate(
        **{
            f"t{target.pk}": Count(
                "id",
                filter=Q(
                    host_union__path__startswith=target.node.path,
                    recognised_year=target.year,
                    level=target.level,
                ),
            )
            for target in targets
        }
    )
    for target in targets:
        target.achieved = counts[f"t{target.pk}"]
        target.percent = min(100, round(100 * target.achieved / target.count)) if target.count else 100
        target.met = target.achieved >= target.count
    return targets
