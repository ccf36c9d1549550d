"""Talk pages: the first rule (404 for anyone but discipline officers, the city admin included; outside
scope 404; a draft its recorder's alone), the read trail with no content, the list with no content in a
fixed number of queries, and the forms answering bad input with the message and nothing written."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from cadres.models import Cadre
from integrity import kinds
from integrity.models import Rectification, Talk
from unions.models import Role

from ..factories import staff
from .factories import RectificationFactory, TalkFactory

CONTENT = "强调中央八项规定精神，提醒严守廉洁纪律。"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def city_admin(tree):
    return staff(Role.Kind.CITY_ADMIN, tree["city"], username="city-admin")


@pytest.fixture
def talk(cadre, district_discipline_officer):
    return TalkFactory(cadre=cadre, recorder=district_discipline_officer)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["talk_list", "talk_create", "talk_detail", "talk_edit", "talk_correct", "rectification_create"]
)
def test_every_talk_page_is_404_for_the_city_admin_and_the_cadre_officer(name, talk, city_admin, cadre_officer):
    args = [] if name in ("talk_list", "talk_create") else [talk.pk]
    for user in (city_admin, cadre_officer):
        assert login(user).get(reverse(f"integrity:{name}", args=args)).status_code == 404


@pytest.mark.django_db
def test_a_talk_outside_scope_is_404(tree, other_district_cadre, discipline_officer, district_discipline_officer):
    talk = TalkFactory(cadre=other_district_cadre, recorder=discipline_officer)
    client = login(district_discipline_officer)
    assert client.get(reverse("integrity:talk_detail", args=[talk.pk])).status_code == 404
    assert client.post(reverse("integrity:talk_close", args=[talk.pk])).status_code == 404


@pytest.mark.django_db
def test_a_draft_is_seen_by_its_recorder_alone(talk, discipline_officer, district_discipline_officer):
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.DRAFT, filed_at=None)
    url = reverse("integrity:talk_detail", args=[talk.pk])
    assert login(discipline_officer).get(url).status_code == 404
    assert login(discipline_officer).get(reverse("integrity:talk_edit", args=[talk.pk])).status_code == 404
    page = login(district_discipline_officer).get(url)
    assert page.status_code == 200 and CONTENT in page.content.decode()


@pytest.mark.django_db
def test_opening_a_talk_leaves_one_trail_row_with_no_content(talk, discipline_officer):
    page = login(discipline_officer).get(reverse("integrity:talk_detail", args=[talk.pk]))
    assert page.status_code == 200
    rows = AuditEvent.objects.filter(action=kinds.TALK_READ)
    assert rows.count() == 1
    row = rows.get()
    assert (row.actor, row.target_id, row.union_id) == (discipline_officer, str(talk.pk), talk.cadre.union_id)
    dump = f"{row.target_label} {row.detail}"
    assert "廉洁" not in dump and talk.cadre.name not in dump


@pytest.mark.django_db
def test_the_list_shows_no_content_in_a_fixed_number_of_queries(
    tree, talk, cadre, discipline_officer, django_assert_max_num_queries
):
    for _ in range(12):
        TalkFactory(cadre=cadre, recorder=discipline_officer, reason="秘密原因", opinion="秘密意见")
    client = login(discipline_officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("integrity:talk_list"))
    html = page.content.decode()
    assert page.status_code == 200 and html.count(reverse("integrity:talk_detail", args=[talk.pk])) == 1
    assert CONTENT not in html and "秘密" not in html
    assert not AuditEvent.objects.filter(action=kinds.TALK_READ).exists()


@pytest.mark.django_db
def test_the_list_filters_by_kind_and_status(talk, cadre, discipline_officer):
    other = TalkFactory(cadre=cadre, recorder=discipline_officer, kind=Talk.Kind.ADMONISHMENT)
    html = login(discipline_officer).get(reverse("integrity:talk_list"), {"kind": "admonishment"}).content.decode()
    assert reverse("integrity:talk_detail", args=[other.pk]) in html
    assert reverse("integrity:talk_detail", args=[talk.pk]) not in html


@pytest.mark.django_db
def test_a_new_talk_for_a_cadre_outside_scope_is_404(other_district_cadre, district_discipline_officer):
    url = reverse("integrity:talk_create") + f"?cadre={other_district_cadre.pk}"
    assert login(district_discipline_officer).get(url).status_code == 404
    response = login(district_discipline_officer).post(
        reverse("integrity:talk_create"), {"cadre": other_district_cadre.pk, "kind": "routine"}
    )
    assert response.status_code == 404
    assert not Talk.objects.exists()


@pytest.mark.django_db
def test_recording_a_talk_makes_a_draft_and_files_it(cadre, district_discipline_officer):
    client = login(district_discipline_officer)
    today = timezone.localdate()
    response = client.post(
        reverse("integrity:talk_create"),
        {
            "cadre": cadre.pk,
            "kind": "reminder",
            "talker_name": "张书记",
            "held_on": today.isoformat(),
            "reason": "苗头性问题",
            "content": "谈话内容",
            "supervision_form": "criticism",
        },
    )
    talk = Talk.objects.get()
    assert response.status_code == 302 and response.url == reverse("integrity:talk_detail", args=[talk.pk])
    assert talk.status == Talk.Status.DRAFT and talk.recorder == district_discipline_officer
    response = client.post(reverse("integrity:talk_file", args=[talk.pk]), {"register": "on"})
    talk.refresh_from_db()
    assert talk.status == Talk.Status.FILED


@pytest.mark.django_db
def test_a_new_talk_with_a_cadre_who_has_left_is_refused_with_a_message(cadre, discipline_officer):
    Cadre.objects.filter(pk=cadre.pk).update(status=Cadre.Status.LEFT)
    client = login(discipline_officer)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("integrity:talk_create"),
        {"cadre": cadre.pk, "kind": "routine", "talker_name": "张书记", "held_on": "2026-03-10", "reason": "例行"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "李晓明" in response.content.decode()
    assert not Talk.objects.exists()


@pytest.mark.django_db
def test_editing_a_filed_talk_is_refused_with_the_message(talk, district_discipline_officer):
    client = login(district_discipline_officer)
    response = client.get(reverse("integrity:talk_edit", args=[talk.pk]), follow=True)
    assert (
        "add a correction, which keeps the original" in response.content.decode() or "更正" in response.content.decode()
    )
    assert response.redirect_chain[-1][0] == reverse("integrity:talk_detail", args=[talk.pk])


@pytest.mark.django_db
def test_a_correction_is_added_from_its_page(talk, discipline_officer):
    response = login(discipline_officer).post(
        reverse("integrity:talk_correct", args=[talk.pk]), {"text": "地点更正为纪检室。"}
    )
    assert response.status_code == 302
    assert talk.corrections.get().text == "地点更正为纪检室。"
    talk.refresh_from_db()
    assert talk.content == CONTENT


@pytest.mark.django_db
def test_a_deadline_before_the_talk_is_refused_on_the_page(talk, district_discipline_officer):
    response = login(district_discipline_officer).post(
        reverse("integrity:rectification_create", args=[talk.pk]), {"text": "整改事项", "deadline": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "整改事项" in response.content.decode()  # what was valid is kept
    assert not Rectification.objects.exists()


@pytest.mark.django_db
def test_the_rectification_list_has_an_overdue_filter_and_no_content(
    talk, discipline_officer, django_assert_max_num_queries
):
    late = RectificationFactory(talk=talk, deadline=datetime.date(2026, 4, 30))
    later = RectificationFactory(talk=talk, deadline=timezone.localdate() + datetime.timedelta(days=30))
    client = login(discipline_officer)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("integrity:rectification_list"), {"state": "overdue"}).content.decode()
    assert reverse("integrity:rectification_detail", args=[late.pk]) in html
    assert reverse("integrity:rectification_detail", args=[later.pk]) not in html
    assert "超标" not in html


@pytest.mark.django_db
def test_opening_an_item_leaves_one_trail_row_and_the_officer_strikes_it_off(talk, discipline_officer):
    item = RectificationFactory(talk=talk)
    client = login(discipline_officer)
    assert client.get(reverse("integrity:rectification_detail", args=[item.pk])).status_code == 200
    row = AuditEvent.objects.get(action=kinds.RECTIFICATION_READ)
    assert row.target_id == str(item.pk) and "超标" not in f"{row.target_label} {row.detail}"
    client.post(reverse("integrity:rectification_evidence", args=[item.pk]), {"evidence": "书面检查"})
    client.post(reverse("integrity:rectification_strike_off", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == Rectification.Status.STRUCK_OFF


@pytest.mark.django_db
def test_an_item_outside_scope_is_404(tree, other_district_cadre, discipline_officer, district_discipline_officer):
    talk = TalkFactory(cadre=other_district_cadre, recorder=discipline_officer)
    item = RectificationFactory(talk=talk)
    client = login(district_discipline_officer)
    for name in ("rectification_detail", "rectification_evidence"):
        assert client.get(reverse(f"integrity:{name}", args=[item.pk])).status_code == 404
    assert client.post(reverse("integrity:rectification_strike_off", args=[item.pk])).status_code == 404


@pytest.mark.django_db
def test_a_recorder_without_an_officer_role_now_still_opens_their_talk_and_nobody_else_does(
    tree, talk, district_discipline_officer, cadre_officer
):
    Role.objects.filter(user=district_discipline_officer).delete()
    client = login(district_discipline_officer)
    page = client.get(reverse("integrity:talk_detail", args=[talk.pk]))
    assert page.status_code == 200 and CONTENT in page.content.decode()
    assert reverse("integrity:cadre_record", args=[talk.cadre.pk]) not in page.content.decode()
    assert client.get(reverse("integrity:talk_list")).status_code == 404
    assert login(cadre_officer).get(reverse("integrity:talk_detail", args=[talk.pk])).status_code == 404


@pytest.mark.django_db
def test_the_recorder_edits_a_draft_and_filing_says_what_is_missing(cadre, district_discipline_officer):
    talk = TalkFactory(
        cadre=cadre,
        recorder=district_discipline_officer,
        status=Talk.Status.DRAFT,
        filed_at=None,
        kind=Talk.Kind.ADMONISHMENT,
        content="",
    )
    client = login(district_discipline_officer)
    response = client.post(reverse("integrity:talk_file", args=[talk.pk]), follow=True)
    assert Talk.objects.get(pk=talk.pk).status == Talk.Status.DRAFT
    assert len(list(response.context["messages"])) == 1
    data = {
        "kind": "admonishment",
        "talker_name": "张书记",
        "held_on": "2026-03-10",
        "reason": "问题线索",
        "content": "诫勉内容",
        "supervision_form": "admonishment",
    }
    assert client.post(reverse("integrity:talk_edit", args=[talk.pk]), data).status_code == 302
    client.post(reverse("integrity:talk_file", args=[talk.pk]), {"register": "on"})
    talk.refresh_from_db()
    assert talk.status == Talk.Status.FILED and talk.content == "诫勉内容"
