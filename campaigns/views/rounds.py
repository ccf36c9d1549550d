"""Honours rounds: the list (the honours entry page for federation staff), drafting and changing a round,
opening it for nominations, its page (timeline, honours, rules, nominations by status, and the panels of
the other parts), and its quotas.

Everything here is for federation staff in scope (``round_selectors.rounds_visible_to``); anyone else
gets 404, as for a round that does not exist. The services check the rules again and say what is refused.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import AuditEvent
from accounts.pagination import page_number
from unions.models import Union
from unions.scope import holds_role, roles_of
from unions.selectors import get_visible_or_404

from .. import kinds
from ..forms.rounds import RoundFilter, RoundForm, organiser_choices, rule_formset, rule_rows
from ..honour_permissions import (
    HONOUR_STAFF_KINDS,
    can_manage_round,
    can_set_quota,
    covers,
    is_honour_staff,
)
from ..models import Nomination, Round
from ..round_selectors import alive_by_child, children_of, quota_cells, rounds_visible_to, status_counts
from ..services import rounds as services

PER_PAGE = 30
QUOTA_ROWS = 50
HISTORY = (kinds.ROUND_CREATED, kinds.ROUND_CHANGED, kinds.ROUND_OPENED)


def _staff_or_404(request) -> None:
    if not is_honour_staff(request.user):
        raise Http404


def _round(request, pk) -> Round:
    return get_visible_or_404(rounds_visible_to(request.user).select_related("created_by"), pk)


@never_cache
@login_required
def round_list(request):
    _staff_or_404(request)
    found = RoundFilter(request.GET or None)
    rows = found.apply(rounds_visible_to(request.user)).order_by("-year", "-id")
    page = Paginator(rows, PER_PAGE).get_page(page_number(request.GET.get("page")))
    for round_ in page.object_list:
        round_.runs = can_manage_round(request.user, round_)
    return render(
        request,
        "campaigns/honours/rounds/list.html",
        {
            "filter": found,
            "page": page,
            "rows": page.object_list,
            "can_create": organiser_choices(request.user).exists(),
        },
    )


def _render_form(request, form, rules, round_=None, status=200):
    return render(
        request,
        "campaigns/honours/rounds/form.html",
        {
            "form": form,
            "rules": rules,
            "round": round_,
            "rules_frozen": round_ is not None and services.rules_frozen(round_),
        },
        status=status,
    )


@never_cache
@login_required
def round_create(request):
    _staff_or_404(request)
    if not organiser_choices(request.user).exists():
        raise Http404
    if request.method == "POST":
        form = RoundForm(request.POST, user=request.user)
        rules = rule_formset(request.POST)
        if all([form.is_valid(), rules.is_valid()]):
            try:
                round_ = services.round_create(
                    organiser=form.cleaned_data["organiser"],
                    by=request.user,
                    kinds=form.cleaned_data["kinds"],
                    rules=rule_rows(rules),
                    **form.service_fields(),
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("The round was saved as a draft. Open it for nominations when ready."))
                return redirect("campaigns:round_detail", round_.pk)
        return _render_form(request, form, rules, status=400)
    year = timezone.localdate().year
    form = RoundForm(user=request.user, initial={"year": year, "notice_days": services.NOTICE_DAYS_MIN})
    return _render_form(request, form, rule_formset())


@never_cache
@login_required
def round_edit(request, pk):
    round_ = _round(request, pk)
    if not can_manage_round(request.user, round_):
        raise Http404
    if round_.status not in services.EDITABLE:
        messages.error(request, _("Only a round being prepared or taking nominations can be changed."))
        return redirect("campaigns:round_detail", round_.pk)
    frozen = services.rules_frozen(round_)
    if request.method == "POST":
        form = RoundForm(request.POST, round_=round_)
        rules = rule_formset(request.POST, round_, disabled=frozen)
        if all([form.is_valid(), frozen or rules.is_valid()]):
            try:
                services.round_update(
                    round=round_,
                    by=request.user,
                    kinds=None if form.fields["kinds"].disabled else form.cleaned_data["kinds"],
                    rules=None if frozen else rule_rows(rules),
                    **form.service_fields(),
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The round's set-up was saved."))
                return redirect("campaigns:round_detail", round_.pk)
        return _render_form(request, form, rules, round_, status=400)
    form = RoundForm(round_=round_)
    return _render_form(request, form, rule_formset(round_=round_, disabled=frozen), round_)


@require_POST
@login_required
def round_open(request, pk):
    round_ = _round(request, pk)
    if not can_manage_round(request.user, round_):
        raise Http404
    try:
        services.round_open(round=round_, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The round takes nominations: the clerks of the unions below may nominate."))
    return redirect("campaigns:round_detail", round_.pk)


def _timeline(round_: Round) -> list[dict]:
    today = timezone.localdate()
    labels = (
        ("nominations_close", _("Nominations close")),
        ("first_review_due", _("First review due")),
        ("second_review_due", _("Second review due")),
        ("vetting_due", _("Joint vetting due")),
        ("notice_planned", _("Public notice planned from")),
    )
    return [
        {"label": label, "date": getattr(round_, name), "past": getattr(round_, name) < today} for name, label in labels
    ]


def _history(round_: Round) -> list[dict]:
    events = (
        AuditEvent.objects.filter(target_type=Round._meta.label_lower, target_id=str(round_.pk), action__in=HISTORY)
        .select_related("actor")
        .order_by("created_at", "pk")[:50]
    )
    return [
        {
            "at": event.created_at,
            "label": kinds.AUDIT_ACTIONS.get(event.action, event.action),
            "who": event.actor.display_name if event.actor else event.actor_label,
        }
        for event in events
    ]


def _scope_paths_in(user, round_: Round) -> list[str]:
    """The user's staff nodes inside the round's tree (for counting what they review)."""
    return [
        role.union.path for role in roles_of(user) if role.kind in HONOUR_STAFF_KINDS and covers(round_, role.union)
    ]


@never_cache
@login_required
def round_detail(request, pk):
    round_ = _round(request, pk)
    user = request.user
    manages = can_manage_round(user, round_)
    counts = status_counts(round_, None if manages else _scope_paths_in(user, round_))
    status_rows = [(label, counts[value]) for value, label in Nomination.Status.choices if counts.get(value)]
    context = {
        "round": round_,
        "manages": manages,
        "timeline": _timeline(round_),
        "honour_kinds": list(round_.kinds.all()),
        "rules": list(round_.rules.all()),
        "rules_frozen": services.rules_frozen(round_),
        "status_rows": status_rows,
        "nomination_total": sum(counts.values()),
        "can_edit": manages and round_.status in services.EDITABLE,
        "can_open": manages and round_.status == Round.Status.DRAFT,
        "setup_errors": [],
        "history": _history(round_) if manages else [],
    }
    if context["can_open"]:
        context["setup_errors"] = services.validation_errors(
            {name: getattr(round_, name) for name in services.FIELDS}, services.stored_rules(round_)
        ) + ([] if context["honour_kinds"] else [_("Choose at least one honour before the round takes nominations.")])
    return render(request, "campaigns/honours/round/detail.html", context)


# --- quotas ------------------------------------------------------------------------------------------


def _quota_node(request, round_: Round) -> Union:
    """``?node=``: a node of the round's tree where the user is federation staff (or above); the organiser
    by default. Anything else: 404."""
    raw = request.GET.get("node")
    if raw in (None, ""):
        node = round_.organiser
    else:
        try:
            node = Union.objects.get(pk=int(raw))
        except (Union.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
    if not covers(round_, node) or not holds_role(request.user, node, HONOUR_STAFF_KINDS):
        raise Http404
    return node


def _cell_name(child_id: int, kind_id: int) -> str:
    return f"q-{child_id}-{kind_id}"


@never_cache
@login_required
def round_quotas(request, pk):
    round_ = _round(request, pk)
    node = _quota_node(request, round_)
    user = request.user
    honour_kinds = list(round_.kinds.all())
    page = Paginator(children_of(node), QUOTA_ROWS).get_page(page_number(request.GET.get("page")))
    children = list(page.object_list)
    may_set = bool(children) and round_.status in services.QUOTA_STATES and can_set_quota(user, round_, children[0])
    at_organiser = node.pk == round_.organiser_id
    errors: dict[str, list[str]] = {}
    posted: dict[str, str] = {}
    if request.method == "POST" and not may_set:
        # The page is the user's to read; saving is refused (no places to hand down, or not theirs to set).
        messages.error(request, _("No quotas can be set here now."))
        return redirect(request.get_full_path())
    if request.method == "POST":
        cells = {}
        for child in children:
            for kind in honour_kinds:
                name = _cell_name(child.pk, kind.pk)
                raw = (request.POST.get(name) or "").strip()
                posted[name] = raw
                if raw == "":
                    cells[(child.pk, kind.pk)] = None
                elif raw.isdigit() and int(raw) <= services.QUOTA_MAX:
                    cells[(child.pk, kind.pk)] = int(raw)
                else:
                    errors[f"{child.pk}-{kind.pk}"] = [
                        _("A quota is a whole number from 0 to %(max)d.") % {"max": services.QUOTA_MAX}
                    ]
        if not errors:
            try:
                changed = services.quotas_save(round=round_, cells=cells, by=user)
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"all": exc.messages}
            else:
                messages.success(request, _("Quotas saved: %(n)d changed.") % {"n": changed})
                return redirect(request.get_full_path())
        messages.error(request, _("Nothing was saved: see the cells marked below."))
    stored = quota_cells(round_, [child.pk for child in children] + [node.pk])
    alive = alive_by_child(round_, node, children)
    rows = []
    for child in children:
        cells = []
        for kind in honour_kinds:
            name = _cell_name(child.pk, kind.pk)
            value = stored.get((child.pk, kind.pk))
            cells.append(
                {
                    "name": name,
                    "kind": kind,
                    "value": posted.get(name, "" if value is None else value),
                    "stored": value,
                    "alive": alive.get((child.path, kind.pk), 0),
                    "errors": errors.get(f"{child.pk}-{kind.pk}", []),
                }
            )
        rows.append({"node": child, "cells": cells, "splits": child.kind != Union.Kind.GRASSROOTS_UNION})
    # All children, not just this page's, for the sum given below.
    given = quota_cells(round_, children_of(node).values_list("pk", flat=True))
    columns = []
    for kind in honour_kinds:
        columns.append(
            {
                "kind": kind,
                "held": None if at_organiser else stored.get((node.pk, kind.pk)),
                "given": sum(count for (_node, kind_id), count in given.items() if kind_id == kind.pk),
            }
        )
    trail = list(
        Union.objects.filter(
            path__in=[node.path[:end] for end in range(len(round_.organiser.path), len(node.path) + 1, Union.steplen)]
        ).order_by("depth")
    )
    for step in trail:
        step.reachable = holds_role(user, step, HONOUR_STAFF_KINDS)
    return render(
        request,
        "campaigns/honours/rounds/quotas.html",
        {
            "round": round_,
            "node": node,
            "trail": trail,
            "at_organiser": at_organiser,
            "columns": columns,
            "rows": rows,
            "page": page,
            "may_set": may_set,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
