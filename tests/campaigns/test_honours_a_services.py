"""Part A's services: drafting, changing and opening a round (the timeline's order, each wrong pair named;
the notice at least 5 working days; the rules), quotas at each level (split within, over the parent
refused, not from below, all or nothing on the grid), honour kinds, and the working-day calendar."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent, CalendarDay, CalendarYear
from accounts.workdays import UnknownYear, notice_period
from campaigns import kinds
from campaigns.models import EvidenceItem, Forwarding, Nomination, NominationFile, Quota, Round
from campaigns.services import calendar as calendar_services
from campaigns.services import honour_kinds as kind_services
from campaigns.services import rounds as services
from unions.models import Role, Union

from ..factories import make_child, staff
from .honour_factories import MAY_DAY_MEDAL, MODEL_WORKER, NominationFactory, RoundFactory, honour_kind, quota

D = dt.date

TIMELINE = {
    "nominations_close": D(2026, 3, 31),
    "first_review_due": D(2026, 4, 15),
    "second_review_due": D(2026, 4, 30),
    "vetting_due": D(2026, 5, 20),
    "notice_planned": D(2026, 6, 1),
}


def round_fields(**overrides) -> dict:
    return {"title": "2026年度市劳动模范评选", "year": 2026, "notice_days": 5, **TIMELINE, **overrides}


@pytest.fixture
def d1_staff(tree):
    return staff(Role.Kind.FEDERATION_STAFF, tree["d1"], username="staff-d1")


@pytest.fixture
def s1_staff(tree):
    return staff(Role.Kind.FEDERATION_STAFF, tree["s1"], username="staff-s1")


# --- rounds ------------------------------------------------------------------------------------------


def test_city_staff_draft_a_city_round_with_kinds_and_rules(tree, city_staff):
    round_ = services.round_create(
        organiser=tree["city"],
        by=city_staff,
        kinds=[honour_kind(MODEL_WORKER)],
        rules=[{"flag": "woman", "bound": "min", "percent": 20}],
        **round_fields(),
    )
    assert round_.status == Round.Status.DRAFT
    assert round_.level == Round.Level.CITY
    assert [k.name for k in round_.kinds.all()] == [MODEL_WORKER]
    assert [(r.flag, r.bound, r.percent) for r in round_.rules.all()] == [("woman", "min", 20)]
    assert AuditEvent.objects.filter(action=kinds.ROUND_CREATED, target_id=str(round_.pk)).count() == 1


def test_a_district_runs_its_own_round_at_district_level(tree, d1_staff):
    round_ = services.round_create(organiser=tree["d1"], by=d1_staff, **round_fields())
    assert round_.level == Round.Level.DISTRICT


def test_a_district_cannot_organise_at_the_city_nor_a_clerk_anywhere(tree, d1_staff, clerk1):
    with pytest.raises(PermissionDenied):
        services.round_create(organiser=tree["city"], by=d1_staff, **round_fields())
    with pytest.raises(PermissionDenied):
        services.round_create(organiser=tree["g1"], by=clerk1, **round_fields())
    assert not Round.objects.exists()


@pytest.mark.parametrize(
    ("field", "day", "pair"),
    [
        ("first_review_due", D(2026, 3, 30), ("the first review is due", "nominations close")),
        ("second_review_due", D(2026, 4, 14), ("the second review is due", "the first review is due")),
        ("vetting_due", D(2026, 4, 29), ("joint vetting is due", "the second review is due")),
        ("notice_planned", D(2026, 5, 19), ("the public notice is planned", "joint vetting is due")),
    ],
)
def test_the_timeline_out_of_order_names_the_pair(tree, city_staff, field, day, pair):
    with pytest.raises(ValidationError) as caught:
        services.round_create(organiser=tree["city"], by=city_staff, **round_fields(**{field: day}))
    (message,) = caught.value.messages
    later, earlier = pair
    assert later in message and earlier in message
    assert f"{day:%Y-%m-%d}" in message
    assert not Round.objects.exists()


def test_same_day_deadlines_are_in_order(tree, city_staff):
    same = D(2026, 4, 30)
    round_ = services.round_create(
        organiser=tree["city"],
        by=city_staff,
        **round_fields(first_review_due=same, second_review_due=same, vetting_due=same, notice_planned=same),
    )
    assert round_.pk


def test_notice_shorter_than_five_working_days_is_refused(tree, city_staff):
    with pytest.raises(ValidationError, match="at least 5"):
        services.round_create(organiser=tree["city"], by=city_staff, **round_fields(notice_days=4))


def test_notice_days_default_to_five(tree, city_staff):
    fields = round_fields()
    del fields["notice_days"]
    assert services.round_create(organiser=tree["city"], by=city_staff, **fields).notice_days == 5


def test_contradicting_and_repeated_rules_are_refused(tree, city_staff):
    rules = [
        {"flag": "woman", "bound": "min", "percent": 30},
        {"flag": "woman", "bound": "max", "percent": 20},
        {"flag": "cadre", "bound": "max", "percent": 10},
        {"flag": "cadre", "bound": "max", "percent": 15},
    ]
    with pytest.raises(ValidationError) as caught:
        services.round_create(organiser=tree["city"], by=city_staff, rules=rules, **round_fields())
    text = " ".join(caught.value.messages)
    assert "cannot both hold" in text
    assert "given twice" in text


def test_open_needs_a_kind(tree, city_staff):
    round_ = services.round_create(organiser=tree["city"], by=city_staff, **round_fields())
    with pytest.raises(ValidationError, match="at least one honour"):
        services.round_open(round=round_, by=city_staff)
    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT


def test_open_moves_a_draft_to_nominating_once(tree, city_staff, d1_staff):
    round_ = services.round_create(organiser=tree["city"], by=city_staff, kinds=[honour_kind()], **round_fields())
    with pytest.raises(PermissionDenied):
        services.round_open(round=round_, by=d1_staff)
    services.round_open(round=round_, by=city_staff)
    round_.refresh_from_db()
    assert round_.status == Round.Status.NOMINATING
    with pytest.raises(ValidationError, match="Taking nominations"):
        services.round_open(round=round_, by=city_staff)
    assert AuditEvent.objects.filter(action=kinds.ROUND_OPENED).count() == 1


def test_a_nominating_round_keeps_its_year_and_kinds_but_its_timeline_may_move(honour_round, city_staff):
    with pytest.raises(ValidationError) as caught:
        services.round_update(round=honour_round, by=city_staff, year=2027, kinds=[honour_kind()])
    text = " ".join(caught.value.messages)
    assert "year" in text and "honours" in text
    services.round_update(round=honour_round, by=city_staff, nominations_close=D(2026, 4, 2), notice_days=7)
    honour_round.refresh_from_db()
    assert (honour_round.nominations_close, honour_round.notice_days) == (D(2026, 4, 2), 7)
    assert honour_round.kinds.count() == 2


def test_rules_change_until_the_first_list_is_forwarded(honour_round, city_staff, tree):
    services.round_update(round=honour_round, by=city_staff, rules=[{"flag": "woman", "bound": "min", "percent": 25}])
    assert list(honour_round.rules.values_list("percent", flat=True)) == [25]
    Forwarding.objects.create(round=honour_round, node=tree["d1"], count=3, by=city_staff)
    with pytest.raises(ValidationError, match="already forwarded"):
        services.round_update(
            round=honour_round, by=city_staff, rules=[{"flag": "woman", "bound": "min", "percent": 30}]
        )
    assert list(honour_round.rules.values_list("percent", flat=True)) == [25]


def test_a_round_under_review_cannot_change(honour_round, city_staff):
    Round.objects.filter(pk=honour_round.pk).update(status=Round.Status.REVIEWING)
    with pytest.raises(ValidationError, match="Under review"):
        services.round_update(round=honour_round, by=city_staff, title="改名")


# --- quotas ------------------------------------------------------------------------------------------


def test_the_organiser_gives_its_children_quotas(honour_round, tree, city_staff):
    kind = honour_kind()
    services.quota_set(round=honour_round, node=tree["d1"], kind=kind, count=8, by=city_staff)
    services.quota_set(round=honour_round, node=tree["ind"], kind=kind, count=3, by=city_staff)
    assert Quota.objects.get(round=honour_round, node=tree["d1"], kind=kind).count == 8
    event = AuditEvent.objects.filter(action=kinds.QUOTA_SET).latest("pk")
    assert event.detail["count"] == 3 and event.union_id == tree["ind"].pk


def test_a_district_splits_its_quota_within_what_it_holds(honour_round, tree, city_staff, d1_staff):
    kind = honour_kind()
    quota(honour_round, tree["d1"], kind, 8, city_staff)
    services.quota_set(round=honour_round, node=tree["s1"], kind=kind, count=8, by=d1_staff)
    assert Quota.objects.get(node=tree["s1"]).count == 8


def test_a_split_over_the_parents_quota_is_refused_naming_both_numbers(honour_round, tree, city_staff, d1_staff):
    kind = honour_kind()
    quota(honour_round, tree["d1"], kind, 8, city_staff)
    with pytest.raises(ValidationError) as caught:
        services.quota_set(round=honour_round, node=tree["s1"], kind=kind, count=9, by=d1_staff)
    assert caught.value.messages == ["东城区总工会 holds 8 劳动模范 places; 9 given below."]
    assert not Quota.objects.filter(node=tree["s1"]).exists()


def test_a_level_with_no_quota_has_nothing_to_split(honour_round, tree, d1_staff):
    with pytest.raises(ValidationError, match="holds no 劳动模范 places"):
        services.quota_set(round=honour_round, node=tree["s1"], kind=honour_kind(), count=1, by=d1_staff)


def test_quotas_are_not_set_from_below(honour_round, tree, city_staff, d1_staff, s1_staff, clerk1):
    kind = honour_kind()
    quota(honour_round, tree["d1"], kind, 8, city_staff)
    # a district's staff cannot set their own quota, nor another district's
    with pytest.raises(PermissionDenied):
        services.quota_set(round=honour_round, node=tree["d1"], kind=kind, count=20, by=d1_staff)
    with pytest.raises(PermissionDenied):
        services.quota_set(round=honour_round, node=tree["d2"], kind=kind, count=20, by=d1_staff)
    # the street's staff cannot give themselves places; a clerk cannot give any
    with pytest.raises(PermissionDenied):
        services.quota_set(round=honour_round, node=tree["s1"], kind=kind, count=2, by=s1_staff)
    with pytest.raises(PermissionDenied):
        services.quota_set(round=honour_round, node=tree["g1"], kind=kind, count=1, by=clerk1)
    # nor is the organiser itself given a quota
    with pytest.raises(PermissionDenied):
        services.quota_set(round=honour_round, node=tree["city"], kind=kind, count=1, by=city_staff)
    assert Quota.objects.get(round=honour_round, node=tree["d1"]).count == 8
    assert Quota.objects.count() == 1


def test_the_street_splits_what_the_district_gave_it(honour_round, tree, city_staff, d1_staff, s1_staff):
    kind = honour_kind()
    quota(honour_round, tree["d1"], kind, 8, city_staff)
    quota(honour_round, tree["s1"], kind, 3, d1_staff)
    services.quota_set(round=honour_round, node=tree["g1"], kind=kind, count=3, by=s1_staff)
    with pytest.raises(ValidationError, match="东华门街道总工会 holds 3 劳动模范 places; 4 given below"):
        services.quota_set(round=honour_round, node=tree["g1"], kind=kind, count=4, by=s1_staff)


def test_a_quota_cannot_drop_below_what_was_split_or_nominated(honour_round, tree, city_staff, d1_staff, clerk1):
    kind = honour_kind()
    quota(honour_round, tree["d1"], kind, 8, city_staff)
    quota(honour_round, tree["s1"], kind, 5, d1_staff)
    with pytest.raises(ValidationError, match="already given 5 劳动模范 places below"):
        services.quota_set(round=honour_round, node=tree["d1"], kind=kind, count=4, by=city_staff)
    NominationFactory.create_batch(
        2,
        round=honour_round,
        union=tree["g1"],
        first_node=tree["d1"],
        created_by=clerk1,
        status=Nomination.Status.SUBMITTED,
    )
    with pytest.raises(ValidationError, match="already has 2 劳动模范 nominations under way"):
        services.quota_set(round=honour_round, node=tree["s1"], kind=kind, count=1, by=d1_staff)


def test_a_kind_outside_the_round_gets_no_quota(honour_round, tree, city_staff):
    with pytest.raises(ValidationError, match="not an honour of this round"):
        services.quota_set(round=honour_round, node=tree["d1"], kind=honour_kind("工人先锋号"), count=1, by=city_staff)


def test_the_grid_is_saved_all_or_nothing_with_errors_per_cell(honour_round, tree, city_staff):
    medal, worker = honour_kind(MAY_DAY_MEDAL), honour_kind()
    quota(honour_round, tree["d1"], worker, 8, city_staff)
    quota(honour_round, tree["s1"], worker, 6, city_staff)
    # the cell of d1 would drop below the 6 given below: nothing of the grid is saved
    with pytest.raises(ValidationError) as caught:
        services.quotas_save(
            round=honour_round,
            cells={
                (tree["d1"].pk, worker.pk): 5,
                (tree["d2"].pk, worker.pk): 4,
                (tree["d2"].pk, medal.pk): 2,
            },
            by=city_staff,
        )
    assert list(caught.value.message_dict) == [f"{tree['d1'].pk}-{worker.pk}"]
    assert not Quota.objects.filter(node=tree["d2"]).exists()
    assert Quota.objects.get(node=tree["d1"]).count == 8


def test_the_grid_moves_places_between_children_lowering_first(honour_round, tree, city_staff, d1_staff):
    worker = honour_kind()
    quota(honour_round, tree["d1"], worker, 4, city_staff)
    s1b = make_child(tree["d1"], Union.Kind.STREET_FEDERATION, "景山街道总工会")
    quota(honour_round, tree["s1"], worker, 4, d1_staff)
    changed = services.quotas_save(
        round=honour_round, cells={(s1b.pk, worker.pk): 3, (tree["s1"].pk, worker.pk): 1}, by=d1_staff
    )
    assert changed == 2
    assert dict(Quota.objects.filter(node__in=[s1b, tree["s1"]]).values_list("node__name", "count")) == {
        "景山街道总工会": 3,
        "东华门街道总工会": 1,
    }


def test_an_emptied_cell_takes_the_quota_away(honour_round, tree, city_staff):
    worker = honour_kind()
    quota(honour_round, tree["d2"], worker, 2, city_staff)
    services.quotas_save(round=honour_round, cells={(tree["d2"].pk, worker.pk): None}, by=city_staff)
    assert not Quota.objects.filter(node=tree["d2"]).exists()


def test_quotas_are_fixed_once_the_round_is_under_review(honour_round, tree, city_staff):
    Round.objects.filter(pk=honour_round.pk).update(status=Round.Status.REVIEWING)
    with pytest.raises(ValidationError, match="Under review"):
        services.quota_set(round=honour_round, node=tree["d1"], kind=honour_kind(), count=1, by=city_staff)


# --- honour kinds ------------------------------------------------------------------------------------


def kind_rows(kind):
    items = [{"id": item.pk, "label": item.label, "required": item.required} for item in kind.evidence_items.all()]
    care = [{"care": e.care, "amount": e.amount, "hardship_only": e.hardship_only} for e in kind.entitlements.all()]
    return items, care


def test_city_staff_reorder_add_and_remove_checklist_items(db, city_staff):
    kind = honour_kind(MAY_DAY_MEDAL)
    items, care = kind_rows(kind)
    items = [items[2], {"label": "体检报告", "required": False}, items[0]]  # the second item removed
    kind_services.honour_kind_update(
        kind=kind,
        by=city_staff,
        items=items,
        entitlements=care,
        category="individual",
        grants_care=False,
        exclusion_years=3,
        active=True,
    )
    kind.refresh_from_db()
    assert kind.exclusion_years == 3
    assert [(i.label, i.required) for i in kind.evidence_items.all()] == [
        ("所在单位意见", True),
        ("体检报告", False),
        ("推荐审批表（盖章）", True),
    ]
    assert AuditEvent.objects.filter(action=kinds.HONOUR_KIND_CHANGED, target_id=str(kind.pk)).exists()


def test_an_item_with_files_cannot_be_removed(honour_round, tree, city_staff, clerk1):
    kind = honour_kind()
    item = kind.evidence_items.first()
    nomination = NominationFactory(round=honour_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1)
    NominationFile.objects.create(
        nomination=nomination, item=item, file="x.pdf", original_name="x.pdf", uploaded_by=clerk1
    )
    items, care = kind_rows(kind)
    with pytest.raises(ValidationError, match="files hang on it"):
        kind_services.honour_kind_update(
            kind=kind,
            by=city_staff,
            items=items[1:],
            entitlements=care,
            category="individual",
            grants_care=True,
            exclusion_years=5,
            active=True,
        )
    assert EvidenceItem.objects.filter(pk=item.pk).exists()


def test_care_entitlements_need_the_care_flag_and_one_row_each(db, city_staff):
    kind = honour_kind()
    items, care = kind_rows(kind)
    with pytest.raises(ValidationError) as caught:
        kind_services.honour_kind_update(
            kind=kind,
            by=city_staff,
            items=items,
            entitlements=[*care, {"care": "health_check", "amount": None, "hardship_only": False}],
            category="individual",
            grants_care=False,
            exclusion_years=5,
            active=True,
        )
    text = " ".join(caught.value.messages)
    assert "given twice" in text and "tick it" in text
    assert kind.entitlements.count() == 6


def test_only_city_staff_change_kinds(tree, d1_staff, city_admin):
    kind = honour_kind()
    items, care = kind_rows(kind)
    for user in (d1_staff, city_admin):
        with pytest.raises(PermissionDenied):
            kind_services.honour_kind_update(
                kind=kind, by=user, items=items, entitlements=care, category="individual",
                grants_care=True, exclusion_years=1, active=True,
            )  # fmt: skip
    kind.refresh_from_db()
    assert kind.exclusion_years == 5


# --- the working-day calendar ------------------------------------------------------------------------


def test_a_city_admin_fills_in_2027_and_notices_run_into_it(city_admin):
    with pytest.raises(UnknownYear):
        notice_period(D(2026, 12, 28), 5)
    # declaring with no holiday entered is refused
    with pytest.raises(ValidationError, match="public holidays first"):
        calendar_services.calendar_year_declare(year=2027, by=city_admin)
    calendar_services.calendar_day_set(date=D(2027, 1, 1), is_workday=False, note="元旦", by=city_admin)
    calendar_services.calendar_year_declare(year=2027, by=city_admin)
    assert notice_period(D(2026, 12, 28), 5) == (D(2026, 12, 28), D(2027, 1, 4))
    assert AuditEvent.objects.filter(action=kinds.CALENDAR_CHANGED).count() == 2
    with pytest.raises(ValidationError, match="already declared"):
        calendar_services.calendar_year_declare(year=2027, by=city_admin)


def test_a_package_year_needs_no_declaring_but_may_be_corrected(city_admin):
    with pytest.raises(ValidationError, match="published calendar"):
        calendar_services.calendar_year_declare(year=2026, by=city_admin)
    calendar_services.calendar_day_set(date=D(2026, 6, 3), is_workday=False, note="更正", by=city_admin)
    assert notice_period(D(2026, 6, 1), 5)[1] == D(2026, 6, 8)
    calendar_services.calendar_day_set(date=D(2026, 6, 3), is_workday=True, note="", by=city_admin)
    assert CalendarDay.objects.get(date=D(2026, 6, 3)).is_workday is True
    calendar_services.calendar_day_clear(date=D(2026, 6, 3), by=city_admin)
    assert not CalendarDay.objects.exists()
    assert AuditEvent.objects.filter(action=kinds.CALENDAR_CHANGED).count() == 3


def test_only_city_admins_keep_the_calendar(tree, city_staff):
    with pytest.raises(PermissionDenied):
        calendar_services.calendar_day_set(date=D(2027, 1, 1), is_workday=False, by=city_staff)
    with pytest.raises(PermissionDenied):
        calendar_services.calendar_year_declare(year=2027, by=city_staff)
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_a_note_too_long_is_refused(city_admin):
    with pytest.raises(ValidationError, match="too long"):
        calendar_services.calendar_day_set(date=D(2027, 1, 1), is_workday=False, note="节" * 51, by=city_admin)


def test_round_factory_is_a_city_round(honour_round):
    # the fixture the other tests stand on: a nominating city round with two kinds
    assert honour_round.status == Round.Status.NOMINATING
    assert RoundFactory._meta.model is Round


def test_the_levels_given_quotas_hear_of_it_once_per_save(honour_round, tree, city_staff, d1_staff):
    from accounts.models import Notification

    worker = honour_kind()
    cells = {(tree["d1"].pk, worker.pk): 8, (tree["d2"].pk, worker.pk): 5}
    services.quotas_save(round=honour_round, cells=cells, by=city_staff)
    notes = Notification.objects.filter(kind=kinds.QUOTA_SET)
    assert [(n.recipient, n.url) for n in notes.all()] == [(d1_staff, f"/campaigns/honours/rounds/{honour_round.pk}/")]
    # saving the same grid again changes nothing and tells nobody
    assert services.quotas_save(round=honour_round, cells=cells, by=city_staff) == 0
    assert notes.count() == 1
    services.quotas_save(round=honour_round, cells={(tree["d1"].pk, worker.pk): 9}, by=city_staff)
    assert notes.count() == 2
