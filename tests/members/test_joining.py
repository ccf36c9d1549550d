"""Joining online from the worker's side: consent, the application, its progress, corrections, transfers.

Pages are read in English (the language cookie) so that messages can be compared with their source.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from members import services
from members.id_number import check_character, parse
from members.models import Application, Consent, Member, MemberCard, Transfer
from members.views.joining import CONSENT_SESSION_KEY
from tests.pages import client_for, text
from unions.models import Role, Union

from ..factories import UserFactory, credit_code, make_child

K = Union.Kind
R = Role.Kind
VALID_ID = "11010519491231002X"  # the example of GB 11643
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")


def an_id(n: int, born: str = "19900101") -> str:
    body = f"110105{born}{n:03d}"
    return body + check_character(body)


NOT_ACCEPTED = (
    "This application cannot be accepted online. Check your name and ID number; if they are right, contact your union."
)


def has_message(response, message: str) -> bool:
    return escape(message) in text(response)


def give_consent(client) -> None:
    response = client.post(reverse("members:join"), {"agree": "on"})
    assert response.status_code == 302, response
    assert response.url == reverse("members:join_apply")


def application_data(target: Union, **changes) -> dict:
    data = {
        "name": "张三",
        "id_number": VALID_ID,
        "mobile": "13812345678",
        "ethnicity": "汉族",
        "political_status": "none",
        "education": "senior",
        "employment_type": "regular",
        "employer_name": "东城机械厂",
        "union": target.pk,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def make_member(union, id_value: str, user=None, name="李四") -> Member:
    member = Member(union=union, joined_on=datetime.date(2020, 5, 1), name=name, mobile="13900001111", user=user)
    member.set_id_number(parse(id_value))
    member.save()
    return member


@pytest.fixture
def worker(db):
    return UserFactory(name="张三", phone="13812345678")


@pytest.fixture
def client(worker):
    return client_for(worker)


@pytest.fixture
def consented(client):
    give_consent(client)
    return client


# --- sign-in and consent ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["members:join", "members:join_apply", "members:union_search", "members:my_application", "members:my_transfer"],
)
def test_anonymous_visitors_are_sent_to_sign_in(db, name):
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_join_page_explains_and_shows_the_versioned_consent_with_an_unticked_box(client):
    response = client.get(reverse("members:join"))

    page = text(response)
    assert response.status_code == 200
    assert "What joining means" in page
    assert f"Text version {services.CONSENT_TEXT_VERSION}" in page
    assert "Sensitive personal information" in page
    box = re.search(r'<input[^>]*name="agree"[^>]*>', page).group(0)
    assert 'type="checkbox"' in box
    assert "checked" not in box


def test_joining_without_ticking_the_box_is_refused_and_records_nothing(client):
    response = client.post(reverse("members:join"), {})

    assert response.status_code == 400
    assert has_message(response, "You can only apply online after ticking the box to agree")
    assert Consent.objects.count() == 0
    assert CONSENT_SESSION_KEY not in client.session
    assert client.get(reverse("members:join_apply")).url == reverse("members:join")


def test_consent_is_recorded_with_the_text_version_the_time_and_the_address(client, worker):
    before = timezone.now()
    response = client.post(reverse("members:join"), {"agree": "on"}, REMOTE_ADDR="203.0.113.7")

    consent = Consent.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("members:join_apply")
    assert consent.user == worker
    assert consent.text_version == services.CONSENT_TEXT_VERSION
    assert before <= consent.given_at <= timezone.now()
    assert consent.ip == "203.0.113.7"
    assert client.session[CONSENT_SESSION_KEY] == consent.pk


def test_the_consent_text_of_the_current_version_exists_as_a_template():
    from django.template.loader import get_template

    get_template(f"members/join/consent_{services.CONSENT_TEXT_VERSION}.html")


def test_the_application_form_needs_a_consent_given_in_this_session(client, worker, tree):
    # A consent from an earlier session is not in this one: back to step 1, nothing written.
    Consent.objects.create(user=worker, text_version=services.CONSENT_TEXT_VERSION)
    for response in (
        client.get(reverse("members:join_apply")),
        client.post(reverse("members:join_apply"), application_data(tree["g1"])),
    ):
        assert response.status_code == 302
        assert response.url == reverse("members:join")
    assert Application.objects.count() == 0


def test_a_consent_of_another_user_in_the_session_does_not_count(client, tree):
    session = client.session
    session[CONSENT_SESSION_KEY] = services.consent_give(user=UserFactory(), ip=None).pk
    session.save()

    response = client.post(reverse("members:join_apply"), application_data(tree["g1"]))

    assert response.url == reverse("members:join")
    assert Application.objects.count() == 0


def test_a_consent_to_an_older_text_does_not_count(consented, worker, tree):
    Consent.objects.filter(user=worker).update(text_version="2000-01")

    response = consented.post(reverse("members:join_apply"), application_data(tree["g1"]))

    assert response.url == reverse("members:join")
    assert Application.objects.count() == 0


def test_the_application_form_is_prefilled_from_the_account(consented):
    page = text(consented.get(reverse("members:join_apply")))
    assert 'value="13812345678"' in page
    assert 'value="张三"' in page


# --- the application ----------------------------------------------------------------------------
def test_a_valid_application_is_stored_and_the_worker_sees_its_progress(consented, worker, tree):
    response = consented.post(reverse("members:join_apply"), application_data(tree["g1"]), follow=True)

    application = Application.objects.get()
    assert response.redirect_chain[-1][0] == reverse("members:my_application")
    assert has_message(response, f"Your application to {tree['g1'].name} was sent.")
    assert application.applicant == worker
    assert application.union == tree["g1"]
    assert application.status == Application.Status.SUBMITTED
    assert application.consent.user == worker
    assert application.id_masked == "110105********002X"
    assert (application.sex, application.birth_date) == ("F", datetime.date(1949, 12, 31))
    assert (application.name, application.mobile, application.employer_name) == ("张三", "13812345678", "东城机械厂")
    assert application.reveal_id_number() == VALID_ID
    page = text(response)
    assert "110105********002X" in page
    assert "138****5678" in page
    assert not FULL_ID.search(page)
    # The consent served this application; another needs another.
    assert CONSENT_SESSION_KEY not in consented.session


def test_the_stored_row_holds_no_clear_id_number(consented, tree):
    consented.post(reverse("members:join_apply"), application_data(tree["g1"]))

    fields = [f.attname for f in Application._meta.concrete_fields]
    (row,) = Application.objects.values_list(*fields)
    assert len(row) == len(fields)
    assert Application.objects.count() == 1
    assert not any(VALID_ID in str(value) or VALID_ID.lower() in str(value) for value in row)


@pytest.mark.postgres
def test_the_raw_postgresql_row_holds_no_clear_id_number(consented, tree):
    consented.post(reverse("members:join_apply"), application_data(tree["g1"]))

    with connection.cursor() as cursor:
        cursor.execute("SELECT a::text FROM members_application a")
        rows = [row[0] for row in cursor.fetchall()]
    assert len(rows) == 1
    assert "002X" in rows[0]  # the masked number is there: the check reads the real row
    assert VALID_ID not in rows[0].upper()


def _expected_id_message(value: str) -> str:
    try:
        parse(value)
    except Exception as exc:  # noqa: BLE001 - the message is what the test wants
        return exc.messages[0]
    raise AssertionError(f"{value} is valid")


WRONG_CHECK = VALID_ID[:17] + "1"
IMPOSSIBLE_BIRTH = "11010519490231" + "002"
IMPOSSIBLE_BIRTH += check_character(IMPOSSIBLE_BIRTH)
SEVENTEEN = VALID_ID[:17]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # The parser's own message, computed in the test's language when the test runs.
        ({"id_number": WRONG_CHECK}, lambda: _expected_id_message(WRONG_CHECK)),
        ({"id_number": IMPOSSIBLE_BIRTH}, lambda: _expected_id_message(IMPOSSIBLE_BIRTH)),
        ({"id_number": SEVENTEEN}, lambda: _expected_id_message(SEVENTEEN)),
        ({"id_number": ""}, "Enter your 18-character resident ID number."),
        ({"mobile": "1381234567a"}, "Enter an 11-digit mainland mobile number, such as 13812345678."),
        ({"mobile": "1381234567"}, "Enter an 11-digit mainland mobile number, such as 13812345678."),
        ({"name": ""}, "Enter your name as it is written on your ID card."),
        ({"name": "   "}, "Enter your name as it is written on your ID card."),
        ({"union": None}, "Choose the union to join"),
    ],
    ids=[
        "wrong-check-digit",
        "impossible-birth-date",
        "17-digits",
        "no-id",
        "letter-in-mobile",
        "short-mobile",
        "empty-name",
        "blank-name",
        "no-union",
    ],
)
def test_bad_input_gets_its_message_and_writes_nothing(consented, tree, changes, message):
    response = consented.post(reverse("members:join_apply"), application_data(tree["g1"], **changes))

    assert response.status_code == 400
    assert has_message(response, message() if callable(message) else message)
    assert "Your application was not sent." in text(response)
    assert Application.objects.count() == 0
    assert Transfer.objects.count() == 0


def test_a_rejected_form_never_writes_the_typed_id_number_back(consented, tree):
    response = consented.post(reverse("members:join_apply"), application_data(tree["g1"], mobile="12"))

    assert response.status_code == 400
    assert not FULL_ID.search(text(response))
    assert "please type it once more" in text(response)


def test_an_application_to_a_closed_union_is_refused(consented, tree):
    Union.objects.filter(pk=tree["g1"].pk).update(closed_on=datetime.date(2025, 1, 1))

    response = consented.post(reverse("members:join_apply"), application_data(tree["g1"]))

    assert response.status_code == 400
    assert has_message(response, f"{tree['g1'].name} has closed and takes no new members. Choose another union.")
    assert Application.objects.count() == 0


@pytest.mark.parametrize("node", ["city", "d1", "s1"])
def test_a_forged_post_naming_a_union_that_takes_no_applications_is_refused(consented, tree, node):
    response = consented.post(reverse("members:join_apply"), application_data(tree[node]))

    assert response.status_code == 400
    assert has_message(response, f"{tree[node].name} does not take members directly.")
    assert Application.objects.count() == 0


@pytest.mark.parametrize("value", ["999999", "abc", "1 OR 1=1"])
def test_a_forged_post_naming_an_unknown_union_is_refused(consented, tree, value):
    response = consented.post(reverse("members:join_apply"), application_data(tree["g1"], union=value))

    assert response.status_code == 400
    assert has_message(response, "That union was not found. Search again and choose one from the results.")
    assert Application.objects.count() == 0


def test_extra_fields_in_the_post_are_ignored(consented, worker, tree):
    other = UserFactory()
    data = application_data(tree["g1"], status="approved", applicant=other.pk, id_hash="x", reason="forged")

    consented.post(reverse("members:join_apply"), data)

    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert application.applicant == worker
    assert application.reason == ""
    assert application.id_hash != "x"


def test_a_worker_without_a_union_at_work_applies_to_a_federation_for_platform_workers(consented, tree):
    Union.objects.filter(pk=tree["s1"].pk).update(takes_platform_workers=True)

    page = text(consented.get(reverse("members:join_apply")))
    assert tree["s1"].name in page
    response = consented.post(
        reverse("members:join_apply"), application_data(tree["s1"], employment_type="food_delivery", employer_name="")
    )

    assert response.status_code == 302
    application = Application.objects.get()
    assert application.union == tree["s1"]
    assert application.employment_type == "food_delivery"


def test_a_double_submit_makes_one_application_and_says_so(consented, tree):
    data = application_data(tree["g1"])
    first = consented.post(reverse("members:join_apply"), data)
    second = consented.post(reverse("members:join_apply"), data, follow=True)

    assert first.status_code == 302
    assert Application.objects.count() == 1
    assert second.redirect_chain[-1][0] == reverse("members:my_application")
    assert has_message(second, "You have already applied: here is the progress of your application.")


def test_the_same_id_number_from_another_account_gets_the_neutral_answer(consented, tree):
    consented.post(reverse("members:join_apply"), application_data(tree["g1"]))
    other = client_for(UserFactory())
    give_consent(other)

    response = other.post(reverse("members:join_apply"), application_data(tree["g2"]))

    assert response.status_code == 400
    assert has_message(response, NOT_ACCEPTED)
    assert "being processed" not in text(response)
    assert Application.objects.count() == 1


def test_an_active_member_elsewhere_gets_a_transfer_request_not_a_second_member(consented, worker, tree):
    member = make_member(tree["g2"], VALID_ID, name=application_data(tree["g1"])["name"])

    response = consented.post(reverse("members:join_apply"), application_data(tree["g1"]), follow=True)

    transfer = Transfer.objects.get()
    assert (transfer.member, transfer.from_union, transfer.to_union) == (member, tree["g2"], tree["g1"])
    assert transfer.requested_by == worker
    assert transfer.status == Transfer.Status.REQUESTED
    assert Application.objects.get().status == Application.Status.TRANSFER
    assert Member.objects.count() == 1
    assert has_message(response, "This ID number belongs to an active member of another union")
    page = text(response)
    assert f"To {tree['g1'].name}" in page
    # The applicant's account is not the member's: the page does not tell which union holds that ID.
    assert tree["g2"].name not in page


def test_applying_to_the_union_the_number_already_belongs_to_is_refused_without_naming_it(consented, tree):
    # Even with the right name: a name and an ID number are no proof of being that person.
    make_member(tree["g1"], VALID_ID, name=application_data(tree["g1"])["name"])

    response = consented.post(reverse("members:join_apply"), application_data(tree["g1"]))

    assert response.status_code == 400
    assert has_message(response, NOT_ACCEPTED)
    assert "already a member" not in text(response)
    assert Application.objects.count() == 0
    assert Transfer.objects.count() == 0


def test_members_and_applicants_are_sent_to_their_status_page(client, worker, tree):
    Application.objects.create(
        applicant=worker,
        union=tree["g1"],
        consent=Consent.objects.create(user=worker, text_version="x"),
        name="张三",
        id_hash="h",
        id_encrypted="e",
        id_masked="m",
        sex="M",
        birth_date=datetime.date(1990, 1, 1),
        mobile="13812345678",
    )
    for name in ("members:join", "members:join_apply"):
        response = client.get(reverse(name))
        assert response.url == reverse("members:my_application")


def test_an_active_member_sees_their_membership_with_the_card_number(client, worker, tree):
    member = make_member(tree["g1"], VALID_ID, user=worker)
    card = services.card_issue(member=member, by=None)

    response = client.get(reverse("members:join"), follow=True)

    page = text(response)
    assert response.redirect_chain[-1][0] == reverse("members:my_application")
    assert has_message(response, f"You are already a member of {tree['g1'].name}.")
    assert card.number in page
    assert "2020-05-01" in page
    assert reverse("members:my_card") in page
    assert not FULL_ID.search(page)


# --- the union search ---------------------------------------------------------------------------
def test_the_union_search_with_htmx_answers_radio_buttons_of_unions_taking_applications(consented, tree):
    closed = make_child(tree["s1"], K.GRASSROOTS_UNION, "东城机械二厂工会", closed_on=datetime.date(2025, 1, 1))

    response = consented.get(reverse("members:union_search"), {"q": "机械"}, HTTP_HX_REQUEST="true")

    page = text(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert re.search(rf'type="radio" name="union" value="{tree["g1"].pk}" form="union-form"', page)
    assert f'value="{closed.pk}"' not in page
    assert tree["d1"].name in page  # the area, to tell unions of one name apart


def test_the_union_search_without_javascript_answers_the_whole_form_with_results(consented, tree):
    response = consented.get(reverse("members:union_search"), {"q": tree["g2"].name})

    page = text(response)
    assert response.status_code == 200
    assert "<html" in page
    assert 'id="union-form"' in page
    assert f'value="{tree["g2"].pk}"' in page


def test_the_union_search_finds_a_union_by_its_credit_code(consented, tree):
    code = credit_code()
    union = make_child(tree["s2"], K.GRASSROOTS_UNION, "西城某公司工会", credit_code=code)

    page = text(consented.get(reverse("members:union_search"), {"q": code.lower()}, HTTP_HX_REQUEST="true"))

    assert f'value="{union.pk}"' in page


def test_the_union_search_says_when_nothing_matches(consented, tree):
    page = text(consented.get(reverse("members:union_search"), {"q": "不存在的工会"}, HTTP_HX_REQUEST="true"))
    assert "No union found for" in page
    assert 'name="union"' not in page


def test_the_chosen_union_stays_chosen_when_the_form_comes_back_with_errors(consented, tree):
    response = consented.post(reverse("members:join_apply"), application_data(tree["g2"], name=""))

    assert re.search(rf'value="{tree["g2"].pk}" form="union-form" checked', text(response))


# --- progress, withdrawal, correction ------------------------------------------------------------
@pytest.fixture
def applied(consented, tree):
    consented.post(reverse("members:join_apply"), application_data(tree["g1"]))
    return Application.objects.get()


def test_the_worker_withdraws_an_open_application(consented, applied):
    response = consented.post(reverse("members:application_withdraw", args=[applied.pk]), follow=True)

    applied.refresh_from_db()
    assert applied.status == Application.Status.WITHDRAWN
    assert has_message(response, "Your application was withdrawn.")
    again = consented.post(reverse("members:application_withdraw", args=[applied.pk]), follow=True)
    assert has_message(again, "This application has already been decided.")


def test_withdrawal_needs_a_post(consented, applied):
    assert consented.get(reverse("members:application_withdraw", args=[applied.pk])).status_code == 405
    applied.refresh_from_db()
    assert applied.status == Application.Status.SUBMITTED


def test_a_correction_round_trip(consented, applied, clerk, tree):
    services.application_request_correction(application=applied, by=clerk, reason="姓名与身份证不一致")

    status_page = text(consented.get(reverse("members:my_application")))
    assert "姓名与身份证不一致" in status_page
    assert reverse("members:application_correct", args=[applied.pk]) in status_page

    form_page = consented.get(reverse("members:application_correct", args=[applied.pk]))
    assert form_page.status_code == 200
    assert "110105********002X" in text(form_page)
    assert not FULL_ID.search(text(form_page))

    # The ID field left empty keeps the number on file.
    response = consented.post(
        reverse("members:application_correct", args=[applied.pk]),
        application_data(tree["g1"], name="张叁", id_number="", union=None),
        follow=True,
    )
    applied.refresh_from_db()
    assert has_message(response, f"Your corrected application was sent back to {tree['g1'].name}.")
    assert applied.status == Application.Status.SUBMITTED
    assert applied.name == "张叁"
    assert applied.reason == ""
    assert applied.reveal_id_number() == VALID_ID

    member = services.application_approve(application=applied, by=clerk)
    page = text(consented.get(reverse("members:my_application")))
    assert "welcome to the union" in page
    assert member.cards.get().number in page


def test_a_correction_may_change_the_id_number_and_bad_input_changes_nothing(consented, applied, clerk, tree):
    services.application_request_correction(application=applied, by=clerk, reason="身份证号有误")
    url = reverse("members:application_correct", args=[applied.pk])

    bad = consented.post(url, application_data(tree["g1"], id_number=WRONG_CHECK, union=None))
    applied.refresh_from_db()
    assert bad.status_code == 400
    assert has_message(bad, _expected_id_message(WRONG_CHECK))
    assert applied.status == Application.Status.NEEDS_CORRECTION

    new_id = an_id(7)
    consented.post(url, application_data(tree["g1"], id_number=new_id, union=None))
    applied.refresh_from_db()
    assert applied.status == Application.Status.SUBMITTED
    assert applied.reveal_id_number() == new_id


def test_an_application_not_waiting_for_a_correction_cannot_be_corrected(consented, applied, tree):
    url = reverse("members:application_correct", args=[applied.pk])
    response = consented.post(url, application_data(tree["g1"], name="别人", union=None))

    applied.refresh_from_db()
    assert response.status_code == 302
    assert applied.name == "张三"


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("members:application_withdraw", "post"),
        ("members:application_correct", "get"),
        ("members:application_correct", "post"),
    ],
)
def test_a_worker_cannot_reach_another_workers_application(applied, tree, clerk, name, method):
    services.application_request_correction(application=applied, by=clerk, reason="请补充")
    stranger = client_for(UserFactory())

    response = getattr(stranger, method)(reverse(name, args=[applied.pk]), application_data(tree["g1"], union=None))

    applied.refresh_from_db()
    assert response.status_code == 404
    assert applied.status == Application.Status.NEEDS_CORRECTION
    assert applied.name not in text(stranger.get(reverse("members:my_application")))


def test_a_rejected_application_shows_the_reason(consented, applied, clerk):
    services.application_reject(application=applied, by=clerk, reason="不在本单位工作")

    page = text(consented.get(reverse("members:my_application")))
    assert "不在本单位工作" in page
    assert "Rejected" in page
    assert reverse("members:join") in page  # may apply again


# --- a member asks to move ----------------------------------------------------------------------
def test_a_member_asks_to_move_to_another_union(client, worker, tree):
    member = make_member(tree["g1"], VALID_ID, user=worker)

    response = client.post(reverse("members:my_transfer"), {"union": tree["g3"].pk}, follow=True)

    transfer = Transfer.objects.get()
    assert (transfer.member, transfer.from_union, transfer.to_union) == (member, tree["g1"], tree["g3"])
    assert transfer.requested_by == worker
    assert has_message(response, f"Your request to move to {tree['g3'].name} was sent.")
    page = text(response)
    assert tree["g1"].name in page  # their own transfer: both unions shown

    again = client.post(reverse("members:my_transfer"), {"union": tree["g2"].pk})
    assert again.status_code == 400
    assert has_message(again, "A transfer of this member is already under way.")
    assert Transfer.objects.count() == 1
    assert "is already under way" in text(client.get(reverse("members:my_transfer")))


@pytest.mark.parametrize(
    ("target", "message"),
    [("d1", "does not take members directly"), ("g1", "The member already belongs to this union.")],
)
def test_a_transfer_request_to_a_wrong_union_is_refused(client, worker, tree, target, message):
    make_member(tree["g1"], VALID_ID, user=worker)

    response = client.post(reverse("members:my_transfer"), {"union": tree[target].pk})

    assert response.status_code == 400
    assert has_message(response, message)
    assert Transfer.objects.count() == 0


def test_the_transfer_page_searches_unions_without_javascript(client, worker, tree):
    make_member(tree["g1"], VALID_ID, user=worker)

    page = text(client.get(reverse("members:my_transfer"), {"q": tree["g3"].name}))

    assert f'value="{tree["g3"].pk}" form="union-form"' in page


def test_only_a_member_may_ask_to_move(client, tree):
    response = client.post(reverse("members:my_transfer"), {"union": tree["g3"].pk}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("members:my_application")
    assert has_message(response, "Only an active member can ask to move to another union.")
    assert Transfer.objects.count() == 0


def test_a_card_is_issued_on_approval_and_shown_on_the_status_page(consented, applied, clerk):
    services.application_approve(application=applied, by=clerk)

    page = text(consented.get(reverse("members:my_application")))
    card = MemberCard.objects.get()
    assert card.number in page
    assert "You are a member" in page


# --- query counts -------------------------------------------------------------------------------
def _queries(client, url, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return len(queries)


def _withdrawn_application(worker, union, n: int) -> None:
    application = Application(
        applicant=worker,
        union=union,
        consent=services.consent_give(user=worker, ip=None),
        name="张三",
        mobile="13812345678",
        status=Application.Status.WITHDRAWN,
    )
    application.set_id_number(parse(an_id(n)))
    application.save()


def test_the_status_page_takes_the_same_queries_for_one_application_or_many(client, worker, tree):
    _withdrawn_application(worker, tree["g1"], 1)
    one = _queries(client, reverse("members:my_application"))
    for n in range(2, 8):
        _withdrawn_application(worker, tree["g2" if n % 2 else "g3"], n)

    assert _queries(client, reverse("members:my_application")) == one


def test_the_union_search_takes_the_same_queries_for_one_result_or_many(consented, tree):
    url = reverse("members:union_search")
    one = _queries(consented, url, data={"q": tree["g1"].name}, HTTP_HX_REQUEST="true")
    for n in range(10):
        make_child(tree["s2"], K.GRASSROOTS_UNION, f"{tree['g1'].name}{n}")

    assert _queries(consented, url, data={"q": tree["g1"].name}, HTTP_HX_REQUEST="true") == one


def test_someone_with_a_members_id_number_but_another_name_moves_nobody(consented, tree):
    # given a member of g2 whose own account will hear of any transfer asked in their name
    owner = UserFactory(name="李四")
    make_member(tree["g2"], VALID_ID, user=owner, name="李四")

    # when another person applies with that ID number under a different name
    response = consented.post(reverse("members:join_apply"), application_data(tree["g1"]))

    # then nothing is requested or written, and the message does not say whose number it is
    assert response.status_code == 400
    assert has_message(response, NOT_ACCEPTED)
    assert tree["g2"].name not in text(response)
    assert Transfer.objects.count() == 0 and Application.objects.count() == 0


def test_the_member_is_told_when_a_transfer_is_requested_with_their_id_number(consented, worker, tree):
    owner = UserFactory(name="李四")
    name = application_data(tree["g1"])["name"]
    make_member(tree["g2"], VALID_ID, user=owner, name=name)

    consented.post(reverse("members:join_apply"), application_data(tree["g1"]))

    assert Transfer.objects.filter(requested_by=worker).exists()
    assert owner.notifications.filter(kind="transfer_requested_for_you").exists()


def test_a_legacy_15_digit_number_is_converted_and_the_worker_is_told(consented, tree):
    # 440106800307213 is the 15-digit form of 440106198003072133
    response = consented.post(
        reverse("members:join_apply"), application_data(tree["g1"], id_number="440106800307213"), follow=True
    )

    application = Application.objects.get()
    assert application.id_masked == "440106********2133"
    assert application.birth_date == datetime.date(1980, 3, 7)
    assert has_message(response, "The 15-digit ID number was converted to the 18-digit form 440106********2133.")


# --- one answer about somebody else's ID number ---------------------------------------------------
def _records_of_another_person(tree, case: str, number: str, name: str) -> None:
    """What the portal may hold under ``number`` that the worker typing it may not learn."""
    if case == "applying":
        application = Application(
            applicant=UserFactory(),
            union=tree["g2"],
            consent=services.consent_give(user=UserFactory(), ip=None),
            name=name,
            mobile="13900002222",
        )
        application.set_id_number(parse(number))
        application.save()
        return
    union = tree["g1"] if case == "member of the union applied to" else tree["g2"]
    member = make_member(union, number, user=UserFactory(), name=name)
    if case == "deceased":
        Member.objects.filter(pk=member.pk).update(status=Member.Status.DECEASED, ended_on=timezone.localdate())
    elif case == "moving":
        Transfer.objects.create(member=member, from_union=tree["g2"], to_union=tree["g3"], requested_by=member.user)


def _page(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text(response))


CASES = ["member of another union", "member of the union applied to", "deceased", "applying", "moving"]


def test_with_a_wrong_name_every_case_about_another_persons_number_answers_the_same(consented, worker, tree):
    # given another person's records, each under its own ID number, in every state
    for n, case in enumerate(CASES, start=1):
        _records_of_another_person(tree, case, an_id(n), name="李四")
    transfers = Transfer.objects.count()

    # when the worker posts each number under their own name
    responses = [
        consented.post(reverse("members:join_apply"), application_data(tree["g1"], id_number=an_id(n)))
        for n in range(1, len(CASES) + 1)
    ]

    # then every answer is the same neutral page, and nothing is written
    assert {r.status_code for r in responses} == {400}
    assert has_message(responses[0], NOT_ACCEPTED)
    assert len({_page(r) for r in responses}) == 1
    assert not Application.objects.filter(applicant=worker).exists()
    assert Transfer.objects.count() == transfers


def test_with_the_right_name_only_a_membership_elsewhere_answers_differently(consented, worker, tree):
    # The right name and number are no proof of being the person: the answer they earn is the transfer
    # (tested above), which the member's own account hears of. Every other case answers as a wrong name.
    for n, case in enumerate(CASES, start=1):
        _records_of_another_person(tree, case, an_id(n), name="张三" if n > 1 else "李四")

    responses = [
        consented.post(reverse("members:join_apply"), application_data(tree["g1"], id_number=an_id(n)))
        for n in range(1, len(CASES) + 1)
    ]

    assert {r.status_code for r in responses} == {400}
    assert len({_page(r) for r in responses}) == 1
    assert not Application.objects.filter(applicant=worker).exists()


def test_a_correction_to_a_number_somebody_else_applied_with_gets_the_neutral_answer(consented, applied, clerk, tree):
    services.application_request_correction(application=applied, by=clerk, reason="身份证号有误")
    _records_of_another_person(tree, "applying", an_id(9), name="李四")

    response = consented.post(
        reverse("members:application_correct", args=[applied.pk]),
        application_data(tree["g1"], id_number=an_id(9), union=None),
    )

    assert response.status_code == 400
    assert has_message(response, NOT_ACCEPTED)
    applied.refresh_from_db()
    assert applied.status == Application.Status.NEEDS_CORRECTION
    assert applied.reveal_id_number() == VALID_ID


# --- text that cannot be searched for -----------------------------------------------------------
@pytest.mark.parametrize("typed", ["\x00", "东城\x00机械", "abc\x01", "a\nb"])
def test_control_characters_in_the_union_search_get_a_message_not_an_error(consented, tree, typed):
    url = reverse("members:union_search")
    message = "The search text holds characters that cannot be searched for. Type it again."

    fragment = consented.get(url, {"q": typed}, HTTP_HX_REQUEST="true")
    page = consented.get(url, {"q": typed})

    for response in (fragment, page):
        assert response.status_code == 200
        assert has_message(response, message)
        assert 'type="radio" name="union"' not in text(response).split('id="union-results"')[1].split("</div>")[0]


def test_a_nul_in_the_transfer_pages_search_gets_a_message_not_an_error(client, worker, tree):
    make_member(tree["g1"], VALID_ID, user=worker)

    response = client.get(reverse("members:my_transfer"), {"q": "\x00"})

    assert response.status_code == 200
    assert has_message(response, "The search text holds characters that cannot be searched for. Type it again.")
