"""The competition's set-up and moves (campaigns.services.competitions): each move, each bad input,
nothing saved partially, audit rows and the organiser's notices."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import AuditEvent, Notification
from campaigns import kinds
from campaigns.models import Competition, Criterion, Prize, Stage
from campaigns.services import competitions as services

from .factories import CompetitionFactory, EntryFactory, JudgeFactory, scheme

D = datetime.date


def fields(**overrides) -> dict:
    values = {
        "title": "2026年东城区数控技能大赛",
        "kind": Competition.Kind.SKILL,
        "description": "",
        "accepts_units": False,
        "accepts_teams": True,
        "accepts_individuals": True,
        "starts_on": D(2026, 3, 1),
        "ends_on": D(2026, 11, 30),
        "entry_deadline": D(2026, 4, 30),
        "approver": Competition.Approver.PARENT,
        "drop_extremes_from": 5,
        "tie_rule": Competition.TieRule.TOP_CRITERION,
        "results": Competition.Results.PUBLIC,
    }
    values.update(overrides)
    return values


def rows(**overrides) -> dict:
    values = {
        "stages": [
            {
                "name": "初赛",
                "starts_on": D(2026, 3, 1),
                "ends_on": D(2026, 5, 31),
                "report_due": D(2026, 6, 10),
                "judging_due": D(2026, 6, 30),
            },
            {
                "name": "决赛",
                "starts_on": D(2026, 9, 1),
                "ends_on": D(2026, 11, 30),
                "report_due": D(2026, 11, 30),
                "judging_due": None,
            },
        ],
        "criteria": [
            {"name": "技能操作", "weight": Decimal("60"), "max_score": Decimal("100")},
            {"name": "理论知识", "weight": Decimal("40"), "max_score": Decimal("50")},
        ],
        "prizes": [{"grade": "first", "count": 1}, {"grade": "second", "count": 3}],
    }
    values.update(overrides)
    return values


def create(tree, by, **overrides):
    setup = rows(**{k: v for k, v in overrides.items() if k in ("stages", "criteria", "prizes")})
    other = fields(**{k: v for k, v in overrides.items() if k not in ("stages", "criteria", "prizes")})
    return services.competition_create(organiser=tree["d1"], by=by, **setup, **other)


def messages_of(exc) -> list[str]:
    return exc.value.messages


# --- create and update ------------------------------------------------------------------------------
def test_create_writes_the_setup_and_audits(tree, organiser):
    competition = create(tree, organiser)
    assert competition.status == Competition.Status.DRAFT
    assert competition.level == Competition.Level.DISTRICT
    assert competition.created_by == organiser
    assert list(competition.stages.values_list("order", "name")) == [(1, "初赛"), (2, "决赛")]
    assert list(competition.criteria.values_list("name", "weight")) == [
        ("技能操作", Decimal("60.00")),
        ("理论知识", Decimal("40.00")),
    ]
    assert sorted(competition.prizes.values_list("grade", "count")) == [("first", 1), ("second", 3)]
    event = AuditEvent.objects.get(action=kinds.COMPETITION_CREATED)
    assert event.actor == organiser and event.target_id == str(competition.pk)


def test_create_at_a_street_federation_is_grassroots_level(tree, organiser):
    competition = services.competition_create(organiser=tree["s1"], by=organiser, **rows(), **fields())
    assert competition.level == Competition.Level.GRASSROOTS


@pytest.mark.parametrize("node", ["d2", "g1", "city"])
def test_create_where_the_user_may_not_organise_is_refused(tree, organiser, node):
    with pytest.raises(PermissionDenied):
        services.competition_create(organiser=tree[node], by=organiser, **rows(), **fields())
    assert not Competition.objects.exists()


def test_clerk_may_not_organise(tree, clerk1):
    with pytest.raises(PermissionDenied):
        services.competition_create(organiser=tree["g1"], by=clerk1, **rows(), **fields())


BAD = [
    ({"criteria": [{"name": "a", "weight": Decimal("60"), "max_score": Decimal("10")}]}, "权重合计须为100%，现为 60%"),
    (
        {
            "criteria": [
                {"name": "a", "weight": Decimal("60"), "max_score": Decimal("10")},
                {"name": "b", "weight": Decimal("40.5"), "max_score": Decimal("10")},
            ]
        },
        "权重合计须为100%，现为 100.5%",
    ),
    ({"criteria": []}, "评分方案至少需要一项评分标准。"),
    ({"stages": []}, "至少添加一个阶段。"),
    ({"prizes": []}, "至少设置一个奖项。"),
    ({"prizes": [{"grade": "first", "count": 1}, {"grade": "first", "count": 2}]}, "一等奖重复设置"),
    ({"prizes": [{"grade": "first", "count": 0}]}, "一等奖的数量至少为1"),
    ({"drop_extremes_from": 2}, "去掉最高分和最低分"),
    ({"title": "  "}, "请填写竞赛名称。"),
    ({"accepts_teams": False, "accepts_individuals": False}, "至少选择一项"),
    ({"ends_on": D(2026, 2, 1)}, "竞赛结束日期不能早于开始日期。"),
    ({"entry_deadline": D(2026, 12, 31)}, "报名截止日期不能晚于竞赛结束日期。"),
    (
        {
            "stages": [
                {
                    "name": "初赛",
                    "starts_on": D(2026, 2, 1),
                    "ends_on": D(2026, 5, 31),
                    "report_due": D(2026, 6, 10),
                }
            ]
        },
        "初赛的日期须在竞赛期间之内。",
    ),
    (
        {
            "stages": [
                {
                    "name": "初赛",
                    "starts_on": D(2026, 3, 1),
                    "ends_on": D(2026, 5, 31),
                    "report_due": D(2026, 2, 10),
                }
            ]
        },
        "初赛的总结报送日期不能早于阶段开始日期。",
    ),
    ({"approver": "nobody"}, "请选择竞赛的审批方。"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD)
def test_bad_setup_says_why_in_chinese_and_saves_nothing(tree, organiser, overrides, message):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        create(tree, organiser, **overrides)
    assert any(message in text for text in messages_of(exc)), messages_of(exc)
    assert not Competition.objects.exists()
    assert not Stage.objects.exists() and not Criterion.objects.exists() and not Prize.objects.exists()


def test_every_problem_is_named_at_once(tree, organiser):
    with pytest.raises(ValidationError) as exc:
        create(tree, organiser, title="", criteria=[], prizes=[])
    assert len(messages_of(exc)) == 3


def test_update_changes_adds_and_removes_rows(tree, organiser):
    competition = create(tree, organiser)
    stage1, stage2 = competition.stages.all()
    first = competition.criteria.first()
    services.competition_update(
        competition=competition,
        by=organiser,
        stages=[
            {"id": stage2.pk, **rows()["stages"][1]},
            {"id": stage1.pk, **rows()["stages"][0], "name": "预赛"},
        ],
        criteria=[
            {"id": first.pk, "name": "实操", "weight": Decimal("50"), "max_score": Decimal("100")},
            {"name": "答辩", "weight": Decimal("50"), "max_score": Decimal("20")},
        ],
        prizes=[{"grade": "first", "count": 2}],
        **fields(title="新名称"),
    )
    competition.refresh_from_db()
    assert competition.title == "新名称"
    assert list(competition.stages.values_list("pk", "order", "name")) == [
        (stage2.pk, 1, "决赛"),
        (stage1.pk, 2, "预赛"),
    ]
    assert list(competition.criteria.values_list("name", "weight")) == [
        ("实操", Decimal("50.00")),
        ("答辩", Decimal("50.00")),
    ]
    assert list(competition.prizes.values_list("grade", "count")) == [("first", 2)]
    assert AuditEvent.objects.filter(action=kinds.COMPETITION_CHANGED).count() == 1


def test_bad_update_leaves_everything_as_it_was(tree, organiser):
    competition = create(tree, organiser)
    with pytest.raises(ValidationError):
        services.competition_update(
            competition=competition,
            by=organiser,
            stages=[],
            criteria=[{"name": "x", "weight": Decimal("10"), "max_score": Decimal("1")}],
            prizes=[],
            **fields(title="变了"),
        )
    competition.refresh_from_db()
    assert competition.title == "2026年东城区数控技能大赛"
    assert competition.stages.count() == 2 and competition.criteria.count() == 2


def test_update_only_while_draft_or_returned(tree, organiser):
    competition = create(tree, organiser)
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.SUBMITTED)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.competition_update(competition=competition, by=organiser, **rows(), **fields())
    assert "只有草稿或被退回的竞赛可以修改" in messages_of(exc)[0]


def test_update_by_other_district_is_refused(tree, organiser, other_district_staff):
    competition = create(tree, organiser)
    with pytest.raises(PermissionDenied):
        services.competition_update(competition=competition, by=other_district_staff, **rows(), **fields())


# --- the moves ------------------------------------------------------------------------------------------
@pytest.fixture
def draft(tree, organiser):
    return create(tree, organiser)


def test_submit_approve_start_open_judging(tree, organiser, city_staff, draft, clerk1, judge_user):
    services.competition_submit(competition=draft, by=organiser)
    draft.refresh_from_db()
    assert draft.status == Competition.Status.SUBMITTED and draft.submitted_at
    services.competition_approve(competition=draft, by=city_staff)
    draft.refresh_from_db()
    assert draft.status == Competition.Status.APPROVED and draft.approved_by == city_staff
    note = Notification.objects.get(recipient=organiser)
    assert note.kind == kinds.COMPETITION_APPROVED and str(draft.pk) in note.url
    services.competition_start(competition=draft, by=organiser)
    draft.refresh_from_db()
    assert draft.status == Competition.Status.RUNNING
    EntryFactory(competition=draft, union=tree["g1"], entered_by=clerk1)
    JudgeFactory(competition=draft, user=judge_user, assigned_by=organiser)
    services.competition_open_judging(competition=draft, by=organiser)
    draft.refresh_from_db()
    assert draft.status == Competition.Status.REVIEWING
    actions = list(
        AuditEvent.objects.filter(target_id=str(draft.pk), action__startswith="campaigns.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        kinds.COMPETITION_CREATED,
        kinds.COMPETITION_SUBMITTED,
        kinds.COMPETITION_APPROVED,
        kinds.COMPETITION_STARTED,
        kinds.JUDGING_OPENED,
    ]


def test_the_organiser_does_not_approve_their_own(organiser, draft):
    services.competition_submit(competition=draft, by=organiser)
    with pytest.raises(PermissionDenied):
        services.competition_approve(competition=draft, by=organiser)


def test_own_leaders_approve_when_named(tree, organiser, district_leader, city_staff):
    competition = create(tree, organiser, approver=Competition.Approver.OWN_LEADERS)
    services.competition_submit(competition=competition, by=organiser)
    with pytest.raises(PermissionDenied):
        services.competition_approve(competition=competition, by=city_staff)
    services.competition_approve(competition=competition, by=district_leader)
    competition.refresh_from_db()
    assert competition.status == Competition.Status.APPROVED


def test_approve_a_draft_is_refused(city_staff, draft):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.competition_approve(competition=draft, by=city_staff)
    assert "当前状态" in messages_of(exc)[0]


def test_return_needs_a_reason_then_goes_back_and_tells_the_creator(organiser, city_staff, draft):
    services.competition_submit(competition=draft, by=organiser)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.competition_return(competition=draft, by=city_staff, reason="  ")
    assert messages_of(exc) == ["请说明退回的原因。"]
    with pytest.raises(ValidationError):
        services.competition_return(competition=draft, by=city_staff, reason="长" * 501)
    draft.refresh_from_db()
    assert draft.status == Competition.Status.SUBMITTED
    services.competition_return(competition=draft, by=city_staff, reason="奖项设置过多")
    draft.refresh_from_db()
    assert draft.status == Competition.Status.RETURNED and draft.return_reason == "奖项设置过多"
    note = Notification.objects.get(recipient=organiser, kind=kinds.COMPETITION_RETURNED)
    assert "奖项设置过多" in note.body
    event = AuditEvent.objects.get(action=kinds.COMPETITION_RETURNED)
    assert event.detail["reason"] == "奖项设置过多"
    # Back with the organiser: changed and submitted again; a second return is a second notice.
    services.competition_update(competition=draft, by=organiser, **rows(), **fields())
    services.competition_submit(competition=draft, by=organiser)
    services.competition_return(competition=draft, by=city_staff, reason="再改")
    assert Notification.objects.filter(recipient=organiser, kind=kinds.COMPETITION_RETURNED).count() == 2


def test_a_running_competition_may_be_returned_by_its_approver(tree, organiser, city_staff, competition):
    services.competition_return(competition=competition, by=city_staff, reason="暂停")
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RETURNED


def test_return_by_the_organiser_or_a_stranger_is_refused(organiser, other_district_staff, competition):
    for user in (organiser, other_district_staff):
        with pytest.raises(PermissionDenied):
            services.competition_return(competition=competition, by=user, reason="x")


def test_a_closed_competition_cannot_be_returned(city_staff, competition):
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.CLOSED)
    with pytest.raises(ValidationError):
        services.competition_return(competition=competition, by=city_staff, reason="x")


def test_submit_checks_the_stored_setup(tree, organiser):
    competition = scheme(
        CompetitionFactory(organiser=tree["d1"], created_by=organiser, status=Competition.Status.DRAFT),
        criteria=(("a", 50, 10),),
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.competition_submit(competition=competition, by=organiser)
    assert any("现为 50%" in text for text in messages_of(exc))
    competition.refresh_from_db()
    assert competition.status == Competition.Status.DRAFT


def test_submit_twice_is_refused(organiser, draft):
    services.competition_submit(competition=draft, by=organiser)
    with pytest.raises(ValidationError):
        services.competition_submit(competition=draft, by=organiser)


def test_submit_by_a_clerk_is_refused(clerk1, draft):
    with pytest.raises(PermissionDenied):
        services.competition_submit(competition=draft, by=clerk1)


def test_start_only_when_approved(organiser, draft):
    with pytest.raises(ValidationError):
        services.competition_start(competition=draft, by=organiser)


def test_open_judging_needs_an_accepted_entry_and_a_judge(tree, organiser, clerk1, competition, judge_user):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.competition_open_judging(competition=competition, by=organiser)
    assert len(messages_of(exc)) == 2
    EntryFactory(competition=competition, union=tree["g1"], entered_by=clerk1, status="entered")
    JudgeFactory(competition=competition, user=judge_user, assigned_by=organiser)
    with pytest.raises(ValidationError) as exc:
        services.competition_open_judging(competition=competition, by=organiser)
    assert len(messages_of(exc)) == 1
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RUNNING


def test_open_judging_by_other_district_is_refused(other_district_staff, competition):
    with pytest.raises(PermissionDenied):
        services.competition_open_judging(competition=competition, by=other_district_staff)


def test_prize_grades_may_swap_rows(tree, organiser, draft):
    services.competition_update(
        competition=draft,
        by=organiser,
        stages=[{"id": s.pk, **rows()["stages"][i]} for i, s in enumerate(draft.stages.all())],
        criteria=rows()["criteria"],
        prizes=[{"grade": "second", "count": 1}, {"grade": "first", "count": 3}],
        **fields(),
    )
    assert sorted(draft.prizes.values_list("grade", "count")) == [("first", 3), ("second", 1)]


def test_a_stage_with_reports_cannot_be_removed(tree, organiser, city_staff, clerk1, competition):
    from campaigns.models import StageReport

    entry = EntryFactory(competition=competition, union=tree["g1"], entered_by=clerk1)
    stage = competition.stages.get()
    StageReport.objects.create(entry=entry, stage=stage, summary="完成", submitted_by=clerk1)
    services.competition_return(competition=competition, by=city_staff, reason="重排阶段")
    new_stage = {"name": "新阶段", "starts_on": D(2026, 3, 1), "ends_on": D(2026, 4, 30), "report_due": D(2026, 5, 1)}
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.competition_update(
            competition=competition,
            by=organiser,
            stages=[new_stage],
            criteria=rows()["criteria"],
            prizes=rows()["prizes"],
            **fields(),
        )
    assert "不能删除" in messages_of(exc)[0]
    assert list(competition.stages.values_list("name", flat=True)) == ["第1阶段"]
