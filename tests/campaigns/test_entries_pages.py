"""The entries pages: the clerk's 参赛 page and entering form (member search by POST), the organiser's
list with bulk accepting and refusing, the entry page and the competition page's entries panel."""

import datetime

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Competition, Entry

from ..members.test_admin import make_member
from .factories import CompetitionFactory, EntryFactory, scheme


def client_of(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def open_competition(competition):
    competition.entry_deadline = timezone.localdate() + datetime.timedelta(days=10)
    competition.save(update_fields=["entry_deadline"])
    return competition


def test_open_list_shows_the_enter_button_while_open_and_the_unions_entries(
    open_competition, tree, clerk1, organiser, django_assert_max_num_queries
):
    late = scheme(CompetitionFactory(organiser=tree["d1"], created_by=organiser, title="去年的竞赛"))
    for n in range(12):
        EntryFactory(competition=late, union=tree["g1"], entered_by=clerk1, name=f"班组{n}")
    client = client_of(clerk1)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("campaigns:open_list")).content.decode()
    assert reverse("campaigns:entry_create", args=[open_competition.pk]) in page
    assert reverse("campaigns:entry_create", args=[late.pk]) not in page  # its deadline has passed
    assert "Entries closed" in page and "班组11" in page


def test_open_list_empty_and_refused_to_a_judge(tree, clerk2, judge_user):
    page = client_of(clerk2).get(reverse("campaigns:open_list")).content.decode()
    assert "No competition is open to your unions now." in page
    assert "have not entered any competition yet" in page
    assert client_of(judge_user).get(reverse("campaigns:open_list")).status_code == 403


def test_entering_a_member_found_by_a_post_search(open_competition, tree, clerk1):
    wang = make_member(tree["g1"], "王小明")
    make_member(tree["g2"], "王小红")  # another union's: never offered
    url = reverse("campaigns:entry_create", args=[open_competition.pk])
    client = client_of(clerk1)
    form = client.get(url).content.decode()
    assert f'value="{tree["g1"].pk}" selected' in form  # one union: preselected
    found = client.post(url, {"union": tree["g1"].pk, "member_query": "王小", "search": "1", "person_times": 1})
    page = found.content.decode()
    assert "王小明" in page and "王小红" not in page
    assert not Entry.objects.exists()
    response = client.post(url, {"union": tree["g1"].pk, "kind": "individual", "member": wang.pk, "person_times": 1})
    entry = Entry.objects.get()
    assert response.url == reverse("campaigns:entry_detail", args=[entry.pk])
    assert (entry.member, entry.name) == (wang, "王小明")
    # the same member again: a message, nothing saved
    again = client.post(url, {"union": tree["g1"].pk, "kind": "individual", "member": wang.pk, "person_times": 1})
    assert "has already entered this competition" in again.content.decode()
    assert Entry.objects.count() == 1


def test_entering_refuses_bad_input_in_chinese(open_competition, tree, clerk1):
    stranger = make_member(tree["g2"], "赵六")
    url = reverse("campaigns:entry_create", args=[open_competition.pk])
    client = client_of(clerk1, "zh-hans")
    page = client.post(
        url, {"union": tree["g1"].pk, "kind": "individual", "member": stranger.pk, "person_times": 1}
    ).content.decode()
    assert "请选择您所管工会的会员。" in page  # outside the clerk's unions: not even offered
    page = client.post(url, {"union": tree["g1"].pk, "kind": "team", "person_times": 1}).content.decode()
    assert "请填写班组名称。" in page and "请填写班组长姓名。" in page
    assert not Entry.objects.exists()


def test_entering_after_the_deadline_or_outside_scope(competition, tree, clerk1, clerk2):
    url = reverse("campaigns:entry_create", args=[competition.pk])
    response = client_of(clerk1).get(url)
    assert response.status_code == 302 and response.url == reverse("campaigns:open_list")
    assert client_of(clerk2).get(url).status_code == 404


def test_the_organisers_list_filters_counts_and_bulk_accepts(
    open_competition, tree, clerk1, organiser, django_assert_max_num_queries
):
    waiting = [
        EntryFactory(
            competition=open_competition, union=tree["g1"], entered_by=clerk1, status="entered", person_times=5
        )
        for _ in range(35)
    ]
    EntryFactory(competition=open_competition, union=tree["g1"], entered_by=clerk1, status="refused", person_times=3)
    client = client_of(organiser)
    url = reverse("campaigns:entry_list", args=[open_competition.pk])
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert "36 entries" in page and "person-times 178" in page
    with django_assert_max_num_queries(14):
        page = client.get(url, {"status": "refused"}).content.decode()
    assert "1 entry" in page
    response = client.post(url, {"entry": [waiting[0].pk, waiting[1].pk]})
    assert response.status_code == 302
    assert Entry.objects.filter(status=Entry.Status.ACCEPTED).count() == 2


def test_the_list_and_refusing_are_the_organisers_only(open_competition, tree, clerk1, organiser, other_district_staff):
    entry = EntryFactory(competition=open_competition, union=tree["g1"], entered_by=clerk1, status="entered")
    assert (
        client_of(other_district_staff).get(reverse("campaigns:entry_list", args=[open_competition.pk])).status_code
        == 404
    )
    assert client_of(clerk1).get(reverse("campaigns:entry_list", args=[open_competition.pk])).status_code == 403
    refuse = reverse("campaigns:entry_refuse", args=[entry.pk])
    assert client_of(other_district_staff).post(refuse, {"reason": "x"}).status_code == 404
    client = client_of(organiser)
    assert "Give the reason for refusing." in client.post(refuse, {"reason": ""}).content.decode()
    assert client.post(refuse, {"reason": "不符合条件"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == Entry.Status.REFUSED
    page = client_of(clerk1).get(reverse("campaigns:entry_detail", args=[entry.pk])).content.decode()
    assert "不符合条件" in page


def test_the_entry_page_for_each_person_and_no_judging_shown(open_competition, tree, clerk1, clerk2, organiser, judge):
    entry = EntryFactory(competition=open_competition, union=tree["g1"], entered_by=clerk1, status="entered")
    url = reverse("campaigns:entry_detail", args=[entry.pk])
    clerk_page = client_of(clerk1).get(url).content.decode()
    assert reverse("campaigns:entry_withdraw", args=[entry.pk]) in clerk_page
    assert reverse("campaigns:entry_accept", args=[entry.pk]) not in clerk_page
    organiser_page = client_of(organiser).get(url).content.decode()
    assert reverse("campaigns:entry_accept", args=[entry.pk]) in organiser_page
    for page in (clerk_page, organiser_page):
        assert "评委甲" not in page
    assert client_of(clerk2).get(url).status_code == 404
    assert client_of(judge.user).get(url).status_code == 404
    assert client_of(organiser).post(reverse("campaigns:entry_accept", args=[entry.pk])).status_code == 302
    response = client_of(clerk1).post(reverse("campaigns:entry_withdraw", args=[entry.pk]), follow=True)
    assert "only an entry waiting for the organiser can be withdrawn" in response.content.decode()


def test_the_panel_counts_in_one_query(open_competition, tree, clerk1, django_assert_num_queries):
    EntryFactory(competition=open_competition, union=tree["g1"], entered_by=clerk1, person_times=10)
    EntryFactory(competition=open_competition, union=tree["g1"], entered_by=clerk1, kind="unit", person_times=20)
    EntryFactory(competition=open_competition, union=tree["g1"], entered_by=clerk1, status="refused", person_times=99)
    template = Template('{% include "campaigns/competitions/_panel_entries.html" %}')
    with django_assert_num_queries(1):
        html = template.render(Context({"competition": open_competition}))
    assert "person-times 30" in html
    assert reverse("campaigns:entry_list", args=[open_competition.pk]) in html


def test_a_draft_is_not_open(tree, organiser, clerk1):
    draft = scheme(CompetitionFactory(organiser=tree["d1"], created_by=organiser, status=Competition.Status.DRAFT))
    assert client_of(clerk1).get(reverse("campaigns:entry_create", args=[draft.pk])).status_code == 404
