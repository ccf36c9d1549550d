"""The integrity figures for leaders: counted by hand, who sees them, small counts, no name or content, queries."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from integrity import aggregates, tracker
from integrity.models import (
    EducationAttendance,
    FourFormsEntry,
    OpinionLetter,
    Rectification,
    ResponsibilityLetter,
    Talk,
)
from integrity.services.education import education_coverage_counts
from reports import integrity_dashboard
from tests.cadres.factories import CadreFactory
from tests.integrity.factories import (
    EducationSessionFactory,
    FourFormsEntryFactory,
    OpinionLetterFactory,
    RectificationFactory,
    TalkFactory,
)
from tests.pages import client_for, text
from unions.models import Role, Union

from ..factories import UserFactory, make_child, staff

R = Role.Kind
TODAY = timezone.localdate()
LAST = TODAY.year - 1  # a whole year behind us: every date below is fixed in it


def day(month: int, dom: int, year: int = LAST) -> datetime.date:
    return datetime.date(year, month, dom)


def moment(month: int, dom: int, year: int = LAST) -> datetime.datetime:
    return datetime.datetime(year, month, dom, 10, tzinfo=timezone.get_current_timezone())


def page(pk, year=LAST) -> str:
    return reverse("reports:integrity_dashboard", args=[pk]) + f"?year={year}"


def data(pk, year=LAST) -> str:
    return reverse("reports:integrity_dashboard_data", args=[pk]) + f"?year={year}"


# Whatever the records say, and whoever they name, no page here may show it.
CONTENT = [
    "强调中央八项规定精神",  # the talk's content
    "本人表示认真对照检查",  # the cadre's statement
    "希望继续保持",  # the talker's opinion
    "年度例行廉政谈话",  # the reason
    "张书记",  # the talker
    "党组会议室",  # the place
    "整改公务接待超标问题",  # a rectification
    "拟提任副部长",  # an opinion request's note
    "东纪〔2026〕3号",  # a four-forms decision
    "批评教育，责令改正",  # a four-forms note
    "收受礼金问题",  # an opinion's remarks
    "办公室",  # a department's letter
]


@pytest.fixture
def recorder(tree):
    return staff(R.DISCIPLINE_OFFICER, tree["city"], username="discipline-city")


@pytest.fixture
def records(tree, recorder):
    """District 1 in the year ``LAST`` (d1 → s1 → g1), and a little of district 2:

    d1 itself: 刘德华, talked to (routine); three letters of d1: a leader's signed, a department's sent,
    one drafted; an opinion letter issued with no problem; a session organised by d1.
    s1: 陈晓东, talked to (routine) and reminded, with two rectification items: one struck off in May,
    one open past its April deadline; an opinion letter issued with a problem; attended the session.
    孙丽, only a draft routine talk (not covered), an admonishment talk, a form-one entry in LAST and a
    form-two entry the year before; an opinion letter asked for, not issued.
    a cadre who left, talked to: not counted in post.
    g1: 周强, talked to (routine), attended the session.
    s2 (district 2): 吴敏, talked to the year before only; a session of s2; a letter of s2.
    """
    c = {
        "d1": CadreFactory(union=tree["d1"], name="刘德华"),
        "s1_a": CadreFactory(union=tree["s1"], name="陈晓东"),
        "s1_b": CadreFactory(union=tree["s1"], name="孙丽"),
        "s1_left": CadreFactory(union=tree["s1"], name="赵离职", status="left", status_changed_on=day(6, 1)),
        "g1": CadreFactory(union=tree["g1"], name="周强"),
        "s2": CadreFactory(union=tree["s2"], name="吴敏"),
    }
    for key in ("d1", "s1_a", "s1_left", "g1"):
        TalkFactory(cadre=c[key], recorder=recorder, held_on=day(3, 10))
    TalkFactory(cadre=c["s1_b"], recorder=recorder, held_on=day(3, 11), status=Talk.Status.DRAFT, filed_at=None)
    TalkFactory(cadre=c["s2"], recorder=recorder, held_on=day(11, 20, LAST - 1))
    reminder = TalkFactory(
        cadre=c["s1_a"],
        recorder=recorder,
        kind=Talk.Kind.REMINDER,
        held_on=day(4, 2),
        status=Talk.Status.RECTIFYING,
        supervision_form="talk_reminder",
    )
    TalkFactory(cadre=c["s1_b"], recorder=recorder, kind=Talk.Kind.ADMONISHMENT, held_on=day(6, 3))
    RectificationFactory(
        talk=reminder,
        deadline=day(4, 30),
        created_at=moment(4, 2),
        status=Rectification.Status.STRUCK_OFF,
        struck_off_at=moment(5, 1),
        struck_off_by=recorder,
    )
    RectificationFactory(talk=reminder, deadline=day(4, 30), created_at=moment(4, 2))
    FourFormsEntryFactory(cadre=c["s1_b"], created_by=recorder, decided_on=day(6, 5))
    FourFormsEntryFactory(
        cadre=c["s1_b"],
        created_by=recorder,
        form=FourFormsEntry.Form.SECOND,
        measure=FourFormsEntry.Measure.LIGHT_SANCTION,
        decided_on=day(9, 1, LAST - 1),
    )
    requester = staff(R.CADRE_OFFICER, tree["city"], username="cadre-city")
    for key, conclusion in (("d1", "no_problem"), ("s1_a", "problem")):
        OpinionLetterFactory(
            cadre=c[key],
            requested_by=requester,
            status=OpinionLetter.Status.ISSUED,
            conclusion=conclusion,
            problem_category="integrity" if conclusion == "problem" else "",
            remarks="收受礼金问题" if conclusion == "problem" else "",
            as_of=day(7, 1),
            valid_until=day(10, 1),
            issued_at=moment(7, 1),
            issued_by=recorder,
        )
    OpinionLetterFactory(cadre=c["s1_b"], requested_by=requester)
    letter = {"year": LAST, "created_by": recorder, "created_at": moment(1, 10)}
    ResponsibilityLetter.objects.create(
        union=tree["d1"],
        party="leader",
        cadre=c["d1"],
        status="signed",
        sent_at=moment(1, 12),
        signed_on=day(2, 1),
        **letter,
    )
    ResponsibilityLetter.objects.create(
        union=tree["d1"], party="department", department="办公室", status="sent", sent_at=moment(1, 12), **letter
    )
    ResponsibilityLetter.objects.create(union=tree["d1"], party="department", department="组织部", **letter)
    ResponsibilityLetter.objects.create(union=tree["s2"], party="department", department="财务部", **letter)
    session = EducationSessionFactory(organiser=tree["d1"], created_by=recorder, held_on=day(5, 20))
    for key in ("s1_a", "g1"):
        EducationAttendance.objects.create(session=session, cadre=c[key])
    EducationSessionFactory(organiser=tree["s2"], created_by=recorder, held_on=day(5, 21))
    return c


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["name"]: row for row in rows}


def talks_of(row: dict) -> dict[str, int]:
    return {item["key"]: item["count"] for item in row["talks"]}


def forms_of(row: dict) -> dict[int, int]:
    return {item["form"]: item["count"] for item in row["forms"]}


# --- the figures, by hand ------------------------------------------------------------------------------


def test_district_figures_by_hand(tree, records):
    figures = aggregates.compute(tree["d1"], year=LAST)
    assert figures["as_of"] == f"{LAST}-12-31"
    rows = figures["children"]
    assert [row["own_level"] for row in rows] == [True, False]
    own, s1 = rows
    # d1 itself: one cadre in post, talked to; its three letters; one opinion without a problem; a session
    assert (own["in_post"], own["covered"], own["coverage_rate"], own["talks_total"]) == (1, 1, 100.0, 1)
    assert (own["letters"], own["letters_signed"], own["letters_sent"], own["letters_drafted"]) == (3, 1, 1, 1)
    assert own["letters_unsigned"] == 2
    assert (own["opinions_issued"], own["opinions_problem"]) == (1, 0)
    assert (own["education_sessions"], own["education_covered"]) == (1, 0)
    # s1 with g1: three in post (the leaver is not), two talked to (孙丽's talk is a draft)
    assert (s1["in_post"], s1["covered"], s1["uncovered"], s1["coverage_rate"]) == (3, 2, 1, 66.7)
    assert talks_of(s1) == {
        "heart_to_heart": 0,
        "reminder": 1,
        "admonishment": 1,
        # the leaver's routine talk was held and filed: it counts among the talks, not the coverage
        "routine": 3,
        "pre_appointment": 0,
    }
    assert (s1["rect_open"], s1["rect_overdue"], s1["rect_struck_off"]) == (1, 1, 1)
    assert (s1["opinions_issued"], s1["opinions_problem"]) == (1, 1)
    assert (s1["education_sessions"], s1["education_covered"], s1["education_rate"]) == (0, 2, 66.7)
    assert forms_of(s1) == {1: 1, 2: 0, 3: 0, 4: 0} and s1["forms_total"] == 1
    totals = figures["totals"]
    assert (totals["in_post"], totals["covered"], totals["coverage_rate"]) == (4, 3, 75.0)
    assert (totals["talks_total"], totals["rect_overdue"], totals["letters_unsigned"]) == (6, 1, 2)
    assert {item["key"]: item["count"] for item in totals["talks"]}["routine"] == 4
    # the four forms over five years: last year's form one, the year before's form two
    by_year = {year["year"]: forms_of(year) for year in figures["forms_by_year"]}
    assert list(by_year) == list(range(LAST - 4, LAST + 1))
    assert by_year[LAST] == {1: 1, 2: 0, 3: 0, 4: 0} and by_year[LAST - 1] == {1: 0, 2: 1, 3: 0, 4: 0}


def test_the_figures_agree_with_the_tracker_the_register_and_warning_education(tree, records):
    figures = aggregates.compute(tree["city"], year=LAST)
    totals = figures["totals"]
    assert (totals["in_post"], totals["covered"]) == tracker.coverage_total([tree["city"].path], LAST)
    assert forms_of(totals) == tracker.four_forms_counts([tree["city"].path], LAST)
    assert (totals["in_post"], totals["education_covered"]) == education_coverage_counts([tree["city"].path], LAST)
    # every child of the city has a row, district 2's figures its own (its routine talk was the year before)
    rows = by_name(figures["children"])
    assert list(rows) == ["东城区总工会", "西城区总工会", "市教育工会"]
    d2 = rows["西城区总工会"]
    assert (d2["in_post"], d2["covered"], d2["letters"], d2["education_sessions"]) == (1, 0, 1, 1)


def test_an_earlier_day_counts_what_stood_then(tree, records):
    # on the 20th of April: the reminder's two items open, none overdue yet; the letters only sent and drafted
    figures = aggregates.compute(tree["d1"], year=LAST, as_of=day(4, 20))
    totals = figures["totals"]
    assert (totals["rect_open"], totals["rect_overdue"], totals["rect_struck_off"]) == (2, 0, 0)
    assert (totals["letters_signed"], totals["letters_sent"], totals["letters_drafted"]) == (1, 1, 1)
    assert (totals["opinions_issued"], totals["talks_total"], totals["forms_total"]) == (0, 5, 0)
    # on the 31st of January: the signed letter was sent, not yet signed
    january = aggregates.compute(tree["d1"], year=LAST, as_of=day(1, 31))["totals"]
    assert (january["letters_signed"], january["letters_sent"], january["letters_unsigned"]) == (0, 2, 3)


# --- small counts -----------------------------------------------------------------------------------------


def test_a_leader_sees_a_grassroots_rows_small_counts_hidden_and_the_officer_sees_them(tree, records):
    leader = client_for(staff(R.LEADER, tree["d1"]))
    hidden = leader.get(data(tree["s1"].pk)).json()
    g1 = by_name(hidden["children"])["东城机械厂工会"]
    # g1: one cadre, talked to: every count of 1 hidden, the rates that would give them back too
    assert g1["in_post"] is None and g1["covered"] is None and g1["coverage_rate"] is None
    assert g1["talks_total"] is None and all(item["count"] is None for item in g1["talks"])
    assert g1["education_covered"] is None and g1["education_rate"] is None
    assert g1["rect_open"] == 0 and g1["forms_total"] == 0  # zero points at nobody
    assert hidden["small_counts"]["label"] == "<3" and hidden["small_counts"]["hidden"] > 0
    # the street federation's own figures (federation level) stay exact: its one overdue item included
    own = next(row for row in hidden["children"] if row["own_level"])
    assert (own["in_post"], own["rect_overdue"], own["opinions_problem"]) == (2, 1, 1)
    assert (hidden["totals"]["in_post"], hidden["totals"]["rect_overdue"]) == (3, 1)
    # the discipline officer over the node keeps these records: every count exact
    officer = client_for(staff(R.DISCIPLINE_OFFICER, tree["d1"]))
    exact = officer.get(data(tree["s1"].pk)).json()
    assert by_name(exact["children"])["东城机械厂工会"]["in_post"] == 1 and "small_counts" not in exact
    # the page prints a hidden count as <3
    assert "&lt;3" in text(leader.get(page(tree["s1"].pk)))


def test_a_grassroots_unions_own_figures_hide_small_counts_and_splits(tree, records, recorder):
    union = make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "小微企业工会")
    cadres = [CadreFactory(union=union) for _ in range(5)]
    for cadre in cadres[:4]:
        TalkFactory(cadre=cadre, recorder=recorder, held_on=day(3, 1))
    FourFormsEntryFactory(cadre=cadres[0], created_by=recorder, decided_on=day(8, 1))
    figures = integrity_dashboard.suppress(aggregates.compute(union, year=LAST), threshold=3)
    totals = figures["totals"]
    # five in post and four routine talks are shown; the one not talked to is hidden, with the split
    assert totals["in_post"] == 5 and totals["talks_total"] == 4
    assert totals["covered"] is None and totals["uncovered"] is None and totals["coverage_rate"] is None
    # the kinds of talk: four routine, none of the others (zero points at nobody), so the breakdown stays
    assert {item["key"]: item["count"] for item in totals["talks"]}["routine"] == 4
    # one four-forms entry: the form breakdown and its total hidden, in the node's years too
    assert totals["forms_total"] is None and all(item["count"] is None for item in totals["forms"])
    this_year = figures["forms_by_year"][-1]
    assert this_year["total"] is None and all(item["count"] is None for item in this_year["forms"])
    # nothing to hide: the cached dict itself is handed back
    plain = aggregates.compute(tree["d1"], year=LAST)
    assert integrity_dashboard.suppress(plain, threshold=3) is plain
    assert integrity_dashboard.suppress(figures, threshold=0) is figures


def test_a_letter_split_with_a_small_half_is_hidden_whole(tree, recorder):
    union = make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "五家企业联合工会")
    for n in range(5):
        ResponsibilityLetter.objects.create(
            union=union,
            year=LAST,
            party="department",
            department=f"部门{n}",
            status="signed" if n else "drafted",
            signed_on=day(2, 1) if n else None,
            created_by=recorder,
            created_at=moment(1, 10),
        )
    totals = integrity_dashboard.suppress(aggregates.compute(union, year=LAST), threshold=3)["totals"]
    # the one unsigned letter would name its department: signed, unsigned, sent and drafted hidden
    assert totals["letters"] == 5
    assert [totals[key] for key in ("letters_signed", "letters_unsigned", "letters_sent", "letters_drafted")] == [
        None
    ] * 4


# --- who sees it ------------------------------------------------------------------------------------------


def test_leader_and_discipline_officer_over_the_node_read_the_page_and_its_data(tree, records):
    for user in (staff(R.LEADER, tree["d1"]), staff(R.DISCIPLINE_OFFICER, tree["d1"])):
        client = client_for(user)
        response = client.get(page(tree["d1"].pk))
        assert response.status_code == 200
        body = text(response)
        assert 'data-integrity-kpi="coverage">75.0%<' in body and 'data-integrity-kpi="overdue">1<' in body
        assert 'data-integrity-kpi="unsigned">2<' in body
        assert client.get(data(tree["d1"].pk)).json()["totals"]["covered"] == 3


def test_a_leaders_pages_name_no_cadre_and_show_no_content(tree, records):
    leader = client_for(staff(R.LEADER, tree["d1"]), english=False)
    bodies = [
        text(leader.get(page(tree["d1"].pk))),
        text(leader.get(page(tree["s1"].pk))),
        text(leader.get(data(tree["d1"].pk))),
        text(leader.get(reverse("reports:dashboard_node", args=[tree["d1"].pk]))),
    ]
    assert "廉政" in bodies[0]  # the page is there, in Chinese
    for body in bodies:
        for cadre in records.values():
            assert cadre.name not in body and cadre.mobile not in body
        for content in CONTENT:
            assert content not in body, content


def test_city_admin_cadre_officer_member_staff_and_another_district_get_404(tree, records):
    for user in (
        staff(R.CITY_ADMIN, tree["city"]),
        staff(R.CADRE_OFFICER, tree["city"]),
        staff(R.FEDERATION_STAFF, tree["city"]),
        staff(R.UNION_CLERK, tree["g1"]),
        staff(R.LEADER, tree["d2"]),
        staff(R.DISCIPLINE_OFFICER, tree["d2"]),
        UserFactory(),
    ):
        client = client_for(user)
        assert client.get(page(tree["d1"].pk)).status_code == 404
        assert client.get(data(tree["d1"].pk)).status_code == 404
    for user in (staff(R.CITY_ADMIN, tree["city"]), staff(R.CADRE_OFFICER, tree["city"]), UserFactory()):
        assert client_for(user).get(reverse("reports:integrity_dashboard_home")).status_code == 404
    assert client_for(staff(R.LEADER, tree["d1"])).get(data(999999)).status_code == 404


def test_home_sends_to_the_top_node_or_offers_the_choice(tree):
    leader = staff(R.LEADER, tree["d1"])
    response = client_for(leader).get(reverse("reports:integrity_dashboard_home"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:integrity_dashboard", args=[tree["d1"].pk]
    )
    Role.objects.create(user=leader, union=tree["d2"], kind=R.DISCIPLINE_OFFICER)
    body = text(client_for(leader).get(reverse("reports:integrity_dashboard_home")))
    assert reverse("reports:integrity_dashboard", args=[tree["d2"].pk]) in body


def test_the_node_dashboard_loads_the_panel_for_its_leader_only(tree, records):
    node = reverse("reports:dashboard_node", args=[tree["d1"].pk])
    panel = reverse("reports:integrity_dashboard", args=[tree["d1"].pk])
    leader = client_for(staff(R.LEADER, tree["d1"]))
    assert f'hx-get="{panel}"' in text(leader.get(node))
    fragment = leader.get(panel, headers={"HX-Request": "true"})
    assert (
        fragment.status_code == 200 and "<html" not in text(fragment) and "data-integrity-dashboard" in text(fragment)
    )
    # member staff and the city admin read the members' dashboard, never the integrity panel
    for user in (staff(R.FEDERATION_STAFF, tree["d1"]), staff(R.CITY_ADMIN, tree["city"])):
        client = client_for(user)
        assert client.get(node).status_code == 200
        assert panel not in text(client.get(node))


def test_the_reports_menu_offers_the_figures_to_leaders_and_discipline_officers_only(tree):
    menu = Template("{% load report_menu %}{% reports_menu user as nav %}{{ nav.integrity }}")
    assert menu.render(Context({"user": staff(R.LEADER, tree["d1"])})) == "True"
    assert menu.render(Context({"user": staff(R.DISCIPLINE_OFFICER, tree["s1"])})) == "True"
    assert menu.render(Context({"user": staff(R.CITY_ADMIN, tree["city"])})) == "False"
    assert menu.render(Context({"user": staff(R.CADRE_OFFICER, tree["city"])})) == "False"


def test_a_year_not_offered_falls_back_to_this_one(tree, records):
    leader = client_for(staff(R.LEADER, tree["d1"]))
    assert leader.get(data(tree["d1"].pk, year="1999")).json()["year"] == TODAY.year
    assert leader.get(data(tree["d1"].pk, year="abc")).json()["year"] == TODAY.year


# --- cost -------------------------------------------------------------------------------------------------


def _grow(tree, recorder, n: int) -> Union:
    district = make_child(tree["city"], Union.Kind.DISTRICT_FEDERATION, f"测试区{n}")
    for i in range(n):
        street = make_child(district, Union.Kind.STREET_FEDERATION, f"测试区{n}街道{i}")
        for _ in range(2):
            cadre = CadreFactory(union=street)
            talk = TalkFactory(cadre=cadre, recorder=recorder, held_on=day(3, 1))
            RectificationFactory(talk=talk, deadline=day(4, 1), created_at=moment(3, 1))
            FourFormsEntryFactory(cadre=cadre, created_by=recorder, decided_on=day(5, 1))
            ResponsibilityLetter.objects.create(
                union=street, year=LAST, party="leader", cadre=cadre, created_by=recorder, created_at=moment(1, 5)
            )
    return district


def test_queries_do_not_grow_with_the_subtree(tree, recorder, django_assert_max_num_queries):
    small, large = _grow(tree, recorder, 2), _grow(tree, recorder, 10)
    with CaptureQueriesContext(connection) as queries:
        aggregates.compute(large, year=LAST)
    assert len(queries) <= 11, [q["sql"] for q in queries]
    client = client_for(staff(R.LEADER, tree["city"]))
    counts = []
    for district in (small, large):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(data(district.pk)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(24):
        cache.clear()
        client.get(page(large.pk))
    # warm: the figures come from the cache
    with django_assert_max_num_queries(8):
        client.get(data(large.pk))
