"""An honours round's set-up and its quotas: drafted, changed, opened for nominations; quotas handed down.

Every function takes keyword arguments only and the acting user as ``by``; who may act is asked of
``campaigns.honour_permissions`` (``PermissionDenied``), what is wrong with the data raises one
``ValidationError`` naming every problem. Each runs in one transaction: nothing partial.

What may change when:
- a draft: everything but the organiser;
- taking nominations: the timeline, the notice's length, the title and description; the kinds are
  frozen (quotas and nominations hang on them); the structural rules may still change until the first
  level forwards its list, since they are checked then;
- later: nothing here.

Quotas (名额): the organiser's staff give each child of the organiser a quota per kind; a child's staff
split theirs among its own children, never more in all per kind than they hold themselves.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record
from accounts.models import AuditEvent
from accounts.notify import notify
from unions.models import Role, Union

from .. import kinds as audit_kinds
from ..honour_permissions import HONOUR_STAFF_KINDS, can_manage_round, can_organise_round_at, can_set_quota, covers
from ..models import CategoryFlag, Forwarding, HonourKind, Nomination, Quota, Round, StructuralRule

# The round's own fields a caller may set (organiser, level, status are kept by the moves below).
FIELDS = (
    "title",
    "year",
    "description",
    "nominations_close",
    "first_review_due",
    "second_review_due",
    "vetting_due",
    "notice_planned",
    "notice_days",
    "conferring_body",
)
TIMELINE = ("nominations_close", "first_review_due", "second_review_due", "vetting_due", "notice_planned")
# Fields that may still change once the round takes nominations.
OPEN_FIELDS = ("title", "description", *TIMELINE, "notice_days", "conferring_body")
RULE_FIELDS = ("flag", "bound", "percent")
EDITABLE = (Round.Status.DRAFT, Round.Status.NOMINATING)
QUOTA_STATES = (Round.Status.DRAFT, Round.Status.NOMINATING)
NOTICE_DAYS_MIN, NOTICE_DAYS_MAX = 5, 30
QUOTA_MAX = 999


def _timeline_labels() -> dict[str, str]:
    return {
        "nominations_close": _("nominations close"),
        "first_review_due": _("the first review is due"),
        "second_review_due": _("the second review is due"),
        "vetting_due": _("joint vetting is due"),
        "notice_planned": _("the public notice is planned"),
    }


def timeline_errors(fields: dict) -> list[str]:
    """The timeline's dates must be given and in order; each wrong pair is named."""
    labels = _timeline_labels()
    errors = []
    dates = {name: fields.get(name) for name in TIMELINE}
    for name, value in dates.items():
        if not isinstance(value, datetime.date):
            errors.append(_("Give the day %(what)s.") % {"what": labels[name]})
    for earlier, later in zip(TIMELINE, TIMELINE[1:], strict=False):
        a, b = dates[earlier], dates[later]
        if isinstance(a, datetime.date) and isinstance(b, datetime.date) and b < a:
            errors.append(
                _("The dates are out of order: %(later)s on %(b)s, before %(earlier)s on %(a)s.")
                % {"later": labels[later], "b": f"{b:%Y-%m-%d}", "earlier": labels[earlier], "a": f"{a:%Y-%m-%d}"}
            )
    return errors


def rule_errors(rules: list[dict]) -> list[str]:
    errors = []
    seen: dict[tuple[str, str], int] = {}
    for rule in rules:
        flag, bound, percent = rule.get("flag"), rule.get("bound"), rule.get("percent")
        if flag not in CategoryFlag.values or bound not in StructuralRule.Bound.values:
            errors.append(_("Choose the category and the bound of each structural rule."))
            continue
        label = CategoryFlag(flag).label
        if not isinstance(percent, int) or not 1 <= percent <= 100:
            errors.append(_("The share of %(category)s must be from 1 to 100 per cent.") % {"category": label})
            continue
        if (flag, bound) in seen:
            errors.append(
                _("%(category)s %(bound)s is given twice: give each bound once.")
                % {"category": label, "bound": StructuralRule.Bound(bound).label}
            )
        seen[(flag, bound)] = percent
    for (flag, bound), percent in seen.items():
        if bound == StructuralRule.Bound.AT_LEAST:
            at_most = seen.get((flag, StructuralRule.Bound.AT_MOST))
            if at_most is not None and at_most < percent:
                errors.append(
                    _("%(category)s: at least %(min)d %% and at most %(max)d %% cannot both hold.")
                    % {"category": CategoryFlag(flag).label, "min": percent, "max": at_most}
                )
    return errors


def validation_errors(fields: dict, rules: list[dict]) -> list[str]:
    """Every problem with a round's set-up, in the order of the form; empty when it may be saved."""
    errors = []
    if not (fields.get("title") or "").strip():
        errors.append(_("Give the round a title."))
    year = fields.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(_("Give the round's year."))
    errors += timeline_errors(fields)
    days = fields.get("notice_days")
    if not isinstance(days, int) or not NOTICE_DAYS_MIN <= days <= NOTICE_DAYS_MAX:
        errors.append(
            _("The public notice runs at least %(min)d and at most %(max)d working days.")
            % {"min": NOTICE_DAYS_MIN, "max": NOTICE_DAYS_MAX}
        )
    errors += rule_errors(rules)
    return errors


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown round fields: {', '.join(sorted(unknown))}")
    cleaned = dict(fields)
    for name in ("title", "description", "conferring_body"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    return cleaned


def _clean_rules(rules) -> list[dict]:
    return [{name: rule.get(name) for name in RULE_FIELDS} for rule in rules or ()]


def _check_kinds(honour_kinds) -> list[HonourKind]:
    honour_kinds = list(honour_kinds or ())
    if any(not kind.active for kind in honour_kinds):
        raise ValidationError(_("A kind no longer in use cannot be added to a round."))
    return honour_kinds


def _write_rules(round_: Round, rules: list[dict]) -> None:
    StructuralRule.objects.filter(round=round_).delete()
    StructuralRule.objects.bulk_create(StructuralRule(round=round_, **rule) for rule in rules)


def stored_rules(round_: Round) -> list[dict]:
    return [{name: getattr(rule, name) for name in RULE_FIELDS} for rule in round_.rules.all()]


def rules_frozen(round_: Round) -> bool:
    """The structural rules are checked when a level forwards its list: after the first, they stay."""
    return round_.status not in EDITABLE or Forwarding.objects.filter(round=round_).exists()


@transaction.atomic
def round_create(*, organiser: Union, by, kinds=(), rules=(), **fields) -> Round:
    """Draft a round organised at ``organiser`` (where ``by`` may organise); its level comes from the
    organiser's place in the tree."""
    if not can_organise_round_at(by, organiser):
        raise PermissionDenied
    fields = _clean_fields(fields)
    fields.setdefault("notice_days", NOTICE_DAYS_MIN)
    rules = _clean_rules(rules)
    errors = validation_errors(fields, rules)
    if errors:
        raise ValidationError(errors)
    honour_kinds = _check_kinds(kinds)
    round_ = Round.objects.create(organiser=organiser, level=Round.level_of(organiser), created_by=by, **fields)
    round_.kinds.set(honour_kinds)
    _write_rules(round_, rules)
    record(audit_kinds.ROUND_CREATED, actor=by, union=organiser, target=round_)
    return round_


def _locked(round_: Round) -> Round:
    return Round.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=round_.pk)


def _status_error(round_: Round) -> ValidationError:
    return ValidationError(
        _("This cannot be done now: the round is %(status)s.") % {"status": round_.get_status_display()},
        code="status",
    )


@transaction.atomic
def round_update(*, round: Round, by, kinds=None, rules=None, **fields) -> Round:
    """Change a round's set-up: everything while a draft; while it takes nominations, its title,
    timeline and notice (not its year or kinds), and its rules until the first list is forwarded.
    ``kinds`` and ``rules`` left as None stay as they are."""
    round_ = _locked(round)
    if not can_manage_round(by, round_):
        raise PermissionDenied
    if round_.status not in EDITABLE:
        raise _status_error(round_)
    fields = _clean_fields(fields)
    errors = []
    if round_.status != Round.Status.DRAFT:
        frozen = sorted(
            name for name, value in fields.items() if name not in OPEN_FIELDS and value != getattr(round_, name)
        )
        if frozen:
            errors.append(_("The year cannot change once the round takes nominations."))
        if kinds is not None and {k.pk for k in kinds} != set(round_.kinds.values_list("pk", flat=True)):
            errors.append(_("The honours of a round cannot change once it takes nominations."))
    current_rules = stored_rules(round_)
    new_rules = current_rules if rules is None else _clean_rules(rules)
    if rules is not None and rules_frozen(round_):
        key = sorted(tuple(rule[name] for name in RULE_FIELDS) for rule in new_rules)
        if key != sorted(tuple(rule[name] for name in RULE_FIELDS) for rule in current_rules):
            errors.append(_("The structural rules cannot change any more: a level has already forwarded its list."))
    current = {name: getattr(round_, name) for name in FIELDS}
    errors += validation_errors({**current, **fields}, new_rules)
    if errors:
        raise ValidationError(errors)
    changed = sorted(name for name, value in fields.items() if value != current[name])
    for name, value in fields.items():
        setattr(round_, name, value)
    round_.save()
    if kinds is not None and round_.status == Round.Status.DRAFT:
        round_.kinds.set(_check_kinds(kinds))
    if rules is not None and not rules_frozen(round_):
        _write_rules(round_, new_rules)
    record(audit_kinds.ROUND_CHANGED, actor=by, union=round_.organiser, target=round_, detail={"fields": changed})
    return round_


@transaction.atomic
def round_open(*, round: Round, by) -> Round:
    """Draft → taking nominations: the set-up must hold and name at least one honour."""
    round_ = _locked(round)
    if not can_manage_round(by, round_):
        raise PermissionDenied
    if round_.status != Round.Status.DRAFT:
        raise _status_error(round_)
    errors = validation_errors({name: getattr(round_, name) for name in FIELDS}, stored_rules(round_))
    if not round_.kinds.exists():
        errors.append(_("Choose at least one honour before the round takes nominations."))
    if errors:
        raise ValidationError(errors)
    round_.status = Round.Status.NOMINATING
    round_.save(update_fields=["status"])
    record(audit_kinds.ROUND_OPENED, actor=by, union=round_.organiser, target=round_)
    return round_


# --- quotas ------------------------------------------------------------------------------------------


def _parent(node: Union) -> Union | None:
    if node.depth <= 1:
        return None
    return Union.objects.filter(path=node.path[: -Union.steplen]).first()


def alive_in_subtree(round_: Round, node: Union, kind: HonourKind) -> int:
    return Nomination.objects.filter(
        round=round_, kind=kind, union__path__startswith=node.path, status__in=Nomination.ALIVE
    ).count()


def _given_below(round_: Round, node: Union, kind: HonourKind, *, leaving_out: Union | None = None) -> int:
    """The places of ``kind`` ``node`` has given its children (leaving one child out)."""
    rows = Quota.objects.filter(round=round_, kind=kind, node__depth=node.depth + 1, node__path__startswith=node.path)
    if leaving_out is not None:
        rows = rows.exclude(node=leaving_out)
    return rows.aggregate(total=Sum("count"))["total"] or 0


@transaction.atomic
def quota_set(*, round: Round, node: Union, kind: HonourKind, count: int | None, by) -> Quota | None:
    """Give ``node`` ``count`` places of ``kind`` in the round (None: take its quota away).

    Set from one level up (``can_set_quota``); below the organiser's children, never more in all than
    the parent's own quota; never less than the node has given below or has nominations alive."""
    round_ = _locked(round)  # one quota change of a round at a time: the sums below stay true
    if not can_set_quota(by, round_, node):
        raise PermissionDenied
    if round_.status not in QUOTA_STATES:
        raise _status_error(round_)
    if not round_.kinds.filter(pk=kind.pk).exists():
        raise ValidationError(_("%(kind)s is not an honour of this round.") % {"kind": kind.name})
    if count is not None and (not isinstance(count, int) or not 0 <= count <= QUOTA_MAX):
        raise ValidationError(_("A quota is a whole number from 0 to %(max)d.") % {"max": QUOTA_MAX})
    existing = Quota.objects.select_for_update().filter(round=round_, node=node, kind=kind).first()
    previous = existing.count if existing else None
    errors = []
    parent = _parent(node)
    if count is not None and parent is not None and parent.path != round_.organiser.path:
        held = Quota.objects.filter(round=round_, node=parent, kind=kind).values_list("count", flat=True).first()
        if held is None:
            errors.append(
                _("%(parent)s holds no %(kind)s places to split.") % {"parent": parent.name, "kind": kind.name}
            )
        else:
            given = _given_below(round_, parent, kind, leaving_out=node) + count
            if given > held:
                errors.append(
                    _("%(parent)s holds %(held)d %(kind)s places; %(given)d given below.")
                    % {"parent": parent.name, "held": held, "kind": kind.name, "given": given}
                )
    below = _given_below(round_, node, kind)
    if below and (count is None or count < below):
        errors.append(
            _("%(node)s has already given %(given)d %(kind)s places below: give it at least %(given)d.")
            % {"node": node.name, "given": below, "kind": kind.name}
        )
    alive = alive_in_subtree(round_, node, kind)
    if alive and (count is None or count < alive):
        errors.append(
            _("%(node)s already has %(alive)d %(kind)s nominations under way: give it at least %(alive)d.")
            % {"node": node.name, "alive": alive, "kind": kind.name}
        )
    if errors:
        raise ValidationError(errors)
    if count == previous:
        return existing
    if count is None:
        existing.delete()
        quota = None
    elif existing is None:
        quota = Quota.objects.create(round=round_, node=node, kind=kind, count=count, set_by=by)
    else:
        existing.count, existing.set_by, existing.set_at = count, by, timezone.now()
        existing.save(update_fields=["count", "set_by", "set_at"])
        quota = existing
    record(
        audit_kinds.QUOTA_SET,
        actor=by,
        union=node,
        target=round_,
        detail={"node": node.pk, "kind": kind.name, "count": count, "previous": previous},
    )
    return quota


@transaction.atomic
def quotas_save(*, round: Round, cells: dict[tuple[int, int], int | None], by) -> int:
    """Set many quotas at once (a grid: ``{(node id, kind id): count}``), all or nothing.

    Lowered cells go first, so that places moved from one child to another fit the parent's quota.
    Raises one ``ValidationError`` whose ``error_dict`` keys are ``"<node id>-<kind id>"``; returns how
    many quotas changed."""
    round_ = _locked(round)
    nodes = Union.objects.in_bulk({node_id for node_id, _kind_id in cells})
    honour_kinds = HonourKind.objects.in_bulk({kind_id for _node_id, kind_id in cells})
    current = {
        (q.node_id, q.kind_id): q.count
        for q in Quota.objects.filter(round=round_, node_id__in=list(nodes), kind_id__in=list(honour_kinds))
    }
    changes = [(key, count) for key, count in cells.items() if current.get(key) != count]

    def lowering_first(item):
        key, count = item
        return 0 if (count or 0) < (current.get(key) or 0) else 1

    errors: dict[str, list[str]] = {}
    changed = 0
    for (node_id, kind_id), count in sorted(changes, key=lowering_first):
        node, kind = nodes.get(node_id), honour_kinds.get(kind_id)
        if node is None or kind is None or not covers(round_, node):
            raise PermissionDenied
        try:
            with transaction.atomic():
                quota_set(round=round_, node=node, kind=kind, count=count, by=by)
        except ValidationError as exc:
            errors[f"{node_id}-{kind_id}"] = exc.messages
        else:
            changed += 1
    if errors:
        raise ValidationError(errors)
    _tell_levels(round_, {node_id for (node_id, _kind_id), _count in changes}, by)
    return changed


def _tell_levels(round_: Round, node_ids: set[int], by) -> None:
    """The federation staff of each level whose quotas changed hear of it (they split or nominate next),
    once per save: the inbox row's key names the latest quota audit event."""
    if not node_ids:
        return
    latest = AuditEvent.objects.filter(action=audit_kinds.QUOTA_SET, target_id=str(round_.pk)).order_by("-pk").first()
    roles = (
        Role.objects.filter(union_id__in=node_ids, kind__in=HONOUR_STAFF_KINDS, user__is_active=True)
        .exclude(user=by)
        .select_related("user", "union")
    )
    for role in roles:
        notify(
            recipient=role.user,
            kind=audit_kinds.QUOTA_SET,
            title=_("Your quotas in %(round)s were set") % {"round": round_.title},
            body=_("%(union)s: see the places of each honour on the round's page.") % {"union": role.union.name},
            url=reverse("campaigns:round_detail", args=[round_.pk]),
            key=f"{audit_kinds.QUOTA_SET}:round:{round_.pk}:{role.union_id}:{latest.pk if latest else 0}",
        )
