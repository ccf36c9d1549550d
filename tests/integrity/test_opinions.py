"""Opinion letters' services: asking (one open request, a valid letter offered instead, a cadre only),
issuing (only after the record was shown, since its latest change; a problem names its category;
never twice), validity and the per-year numbering, and the requester's view (conclusion_of)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from accounts.audit import record
from accounts.models import AuditEvent, Notification
from integrity import kinds
from integrity.models import IntegritySettings, OpinionLetter
from integrity.opinions import State, conclusion_of
from integrity.services.opinions import (
    OpenRequestExists,
    ValidLetterExists,
    letter_number,
    opinion_issue,
    opinion_request,
    opinion_withdraw,
    valid_until_for,
)

from ..factories import UserFactory
from .factories import FourFormsEntryFactory, OpinionLetterFactory, RectificationFactory, TalkFactory

TODAY = datetime.date(2026, 12, 4)


@pytest.fixture
def settings_row(db):
    IntegritySettings.objects.update_or_create(pk=1, defaults={"opinion_valid_months": 3, "opinion_lookback_years": 3})


def shown(letter, officer, *, at=None):
    """What the letter's page leaves when it shows the officer the record."""
    if at is None:
        return record(kinds.OPINION_RECORD_SHOWN, actor=officer, union=letter.cadre.union, target=letter)
    # audit rows cannot be changed: one made as of ``at``
    return AuditEvent.objects.create(
        action=kinds.OPINION_RECORD_SHOWN,
        actor=officer,
        target_type="integrity.opinionletter",
        target_id=str(letter.pk),
        created_at=at,
    )


def issue(letter, officer, **fields):
    values = {"conclusion": OpinionLetter.Conclusion.NO_PROBLEM, "problem_category": "", "as_of": TODAY}
    values.update(fields)
    return opinion_issue(letter=letter, by=officer, **values)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


# --- asking -------------------------------------------------------------------------------------
def test_a_request_is_made_and_audited(cadre, cadre_officer):
    letter = opinion_request(cadre=cadre, purpose="promotion", by=cadre_officer, note=" 拟提任副部长 ")
    assert letter.status == OpinionLetter.Status.REQUESTED
    assert letter.request_note == "拟提任副部长"
    assert AuditEvent.objects.filter(action=kinds.OPINION_REQUESTED, target_id=str(letter.pk)).count() == 1


def test_a_person_who_is_not_a_cadre_is_refused_with_a_clear_message(tree, cadre_officer):
    person = UserFactory(name="赵无名")
    with pytest.raises(ValidationError) as caught:
        opinion_request(cadre=person, purpose="promotion", by=cadre_officer)
    assert caught.value.code == "no_cadre"
    assert "赵无名" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        opinion_request(cadre=None, purpose="promotion", by=cadre_officer)
    assert not OpinionLetter.objects.exists()


def test_an_account_with_a_cadre_profile_names_that_cadre(cadre, cadre_officer):
    letter = opinion_request(cadre=cadre.user, purpose="commendation", by=cadre_officer)
    assert letter.cadre == cadre


def test_an_unknown_purpose_is_refused(cadre, cadre_officer):
    with pytest.raises(ValidationError):
        opinion_request(cadre=cadre, purpose="holiday", by=cadre_officer)


def test_a_second_open_request_for_the_same_purpose_is_refused_naming_the_first(cadre, cadre_officer):
    first = opinion_request(cadre=cadre, purpose="promotion", by=cadre_officer)
    with pytest.raises(OpenRequestExists) as caught:
        opinion_request(cadre=cadre, purpose="promotion", by=UserFactory())
    assert caught.value.letter == first
    assert str(first.pk) in caught.value.messages[0]
    assert cadre_officer.name in caught.value.messages[0]
    # another purpose is another request
    opinion_request(cadre=cadre, purpose="commendation", by=cadre_officer)
    assert OpinionLetter.objects.count() == 2


def test_a_valid_letter_for_the_purpose_is_offered_instead_and_an_expired_one_asked_again(
    settings_row, cadre, cadre_officer, discipline_officer
):
    letter = opinion_request(cadre=cadre, purpose="promotion", by=cadre_officer)
    shown(letter, discipline_officer)
    issued = issue(letter, discipline_officer, as_of=TODAY - datetime.timedelta(days=10))
    with pytest.raises(ValidLetterExists) as caught:
        opinion_request(cadre=cadre, purpose="promotion", by=cadre_officer)
    assert caught.value.letter == issued
    assert issued.number in caught.value.messages[0]
    # once expired, it is asked for again
    OpinionLetter.objects.filter(pk=issued.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    again = opinion_request(cadre=cadre, purpose="promotion", by=cadre_officer)
    assert again.pk != issued.pk


# --- issuing ------------------------------------------------------------------------------------
def test_issuing_without_having_been_shown_the_record_is_refused(
    settings_row, cadre, cadre_officer, discipline_officer
):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    with pytest.raises(ValidationError) as caught:
        issue(letter, discipline_officer)
    assert caught.value.code == "record_not_shown"
    # shown to another officer does not count
    other = UserFactory()
    from unions.models import Role

    Role.objects.create(user=other, union=cadre.union, kind=Role.Kind.DISCIPLINE_OFFICER)
    shown(letter, other)
    with pytest.raises(ValidationError):
        issue(letter, discipline_officer)
    letter.refresh_from_db()
    assert letter.status == OpinionLetter.Status.REQUESTED and letter.number == ""
    shown(letter, discipline_officer)
    assert issue(letter, discipline_officer).status == OpinionLetter.Status.ISSUED


def test_a_showing_before_the_request_does_not_count(settings_row, cadre, cadre_officer, discipline_officer):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    shown(letter, discipline_officer, at=letter.requested_at - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError) as caught:
        issue(letter, discipline_officer)
    assert caught.value.code == "record_not_shown"


@pytest.mark.parametrize("change", ["talk_filed", "correction", "rectification", "evidence", "four_forms"])
def test_a_record_that_changed_since_it_was_shown_must_be_looked_at_again(
    settings_row, cadre, cadre_officer, discipline_officer, change
):
    talk = TalkFactory(cadre=cadre, recorder=discipline_officer, kind="reminder", held_on=TODAY)
    item = RectificationFactory(talk=talk, deadline=TODAY + datetime.timedelta(days=30))
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    shown(letter, discipline_officer)
    later = timezone.now() + datetime.timedelta(seconds=5)
    if change == "talk_filed":
        TalkFactory(cadre=cadre, recorder=discipline_officer, kind="admonishment", filed_at=later)
    elif change == "correction":
        from integrity.models import TalkCorrection

        TalkCorrection.objects.create(talk=talk, text="更正", by=discipline_officer, created_at=later)
    elif change == "rectification":
        RectificationFactory(talk=talk, created_at=later)
    elif change == "evidence":
        item.evidence, item.evidence_at, item.status = "已整改", later, "evidence_given"
        item.save()
    else:
        FourFormsEntryFactory(cadre=cadre, created_by=discipline_officer, created_at=later)
    with pytest.raises(ValidationError) as caught:
        issue(letter, discipline_officer)
    assert caught.value.code == "record_not_shown"
    shown(letter, discipline_officer, at=later + datetime.timedelta(seconds=1))
    assert issue(letter, discipline_officer).status == OpinionLetter.Status.ISSUED


def test_a_draft_of_the_cadre_is_no_change_to_the_record_shown(settings_row, cadre, cadre_officer, discipline_officer):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    shown(letter, discipline_officer)
    TalkFactory(
        cadre=cadre,
        recorder=discipline_officer,
        status="draft",
        filed_at=None,
        created_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    assert issue(letter, discipline_officer).status == OpinionLetter.Status.ISSUED


def test_a_problem_without_a_category_is_refused_and_no_problem_forbids_one(
    settings_row, cadre, cadre_officer, discipline_officer
):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    shown(letter, discipline_officer)
    with pytest.raises(ValidationError) as caught:
        issue(letter, discipline_officer, conclusion="problem", problem_category="")
    assert caught.value.code == "category_missing"
    with pytest.raises(ValidationError) as caught:
        issue(letter, discipline_officer, conclusion="no_problem", problem_category="integrity")
    assert caught.value.code == "category_forbidden"
    done = issue(letter, discipline_officer, conclusion="problem", problem_category="eight_point_rules", remarks="x")
    assert (done.conclusion, done.problem_category) == ("problem", "eight_point_rules")


def test_as_of_in_the_future_or_already_expired_is_refused(settings_row, cadre, cadre_officer, discipline_officer):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    shown(letter, discipline_officer)
    with pytest.raises(ValidationError) as caught:
        issue(letter, discipline_officer, as_of=TODAY + datetime.timedelta(days=1))
    assert caught.value.code == "as_of_future"
    with pytest.raises(ValidationError) as caught:
        issue(letter, discipline_officer, as_of=TODAY - datetime.timedelta(days=120))
    assert caught.value.code == "as_of_expired"


def test_issuing_twice_is_refused(settings_row, cadre, cadre_officer, discipline_officer):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    shown(letter, discipline_officer)
    first = issue(letter, discipline_officer)
    with pytest.raises(ValidationError) as caught:
        issue(letter, discipline_officer, conclusion="problem", problem_category="work")
    assert caught.value.code == "issued"
    assert first.number in caught.value.messages[0]
    letter.refresh_from_db()
    assert (letter.conclusion, letter.number) == ("no_problem", first.number)


def test_a_withdrawn_request_is_not_issued(settings_row, cadre, cadre_officer, discipline_officer):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    with pytest.raises(PermissionDenied):
        opinion_withdraw(letter=letter, by=discipline_officer)
    opinion_withdraw(letter=letter, by=cadre_officer)
    shown(letter, discipline_officer)
    with pytest.raises(ValidationError) as caught:
        issue(letter, discipline_officer)
    assert caught.value.code == "withdrawn"


def test_only_a_discipline_officer_over_the_cadre_issues(
    settings_row, cadre, other_district_cadre, cadre_officer, district_discipline_officer
):
    letter = OpinionLetterFactory(cadre=other_district_cadre, requested_by=cadre_officer)
    shown(letter, district_discipline_officer)
    with pytest.raises(PermissionDenied):
        issue(letter, district_discipline_officer)
    with pytest.raises(PermissionDenied):
        issue(OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer), cadre_officer)


def test_an_officer_does_not_issue_a_letter_on_themself(settings_row, tree, cadre_officer, discipline_officer):
    from ..cadres.factories import CadreFactory

    own = CadreFactory(union=tree["s1"], user=discipline_officer)
    letter = OpinionLetterFactory(cadre=own, requested_by=cadre_officer)
    shown(letter, discipline_officer)
    with pytest.raises(PermissionDenied):
        issue(letter, discipline_officer)


def test_the_requester_is_told_once_that_the_letter_is_issued_without_its_conclusion(
    settings_row, cadre, cadre_officer, discipline_officer
):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    shown(letter, discipline_officer)
    issue(letter, discipline_officer, conclusion="problem", problem_category="integrity")
    notes = Notification.objects.filter(recipient=cadre_officer)
    assert notes.count() == 1
    note = notes.get()
    assert note.kind == kinds.REMINDER_OPINION_ISSUED
    assert cadre.name in note.title
    assert f"/integrity/opinions/requested/{letter.pk}/" in note.url
    text = f"{note.title} {note.body}"
    for hidden in ("problem", "integrity", "廉洁", "问题"):
        assert hidden not in text


# --- validity and numbering -----------------------------------------------------------------------
def test_validity_runs_from_as_of_to_as_of_plus_the_setting_months(
    settings_row, cadre, cadre_officer, discipline_officer
):
    IntegritySettings.objects.filter(pk=1).update(opinion_valid_months=3)
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    shown(letter, discipline_officer)
    as_of = datetime.date(2026, 11, 30)
    done = issue(letter, discipline_officer, as_of=as_of)
    assert done.valid_until == datetime.date(2027, 2, 28)
    assert not done.is_valid_on(as_of - datetime.timedelta(days=1))
    assert done.is_valid_on(as_of) and done.is_valid_on(done.valid_until)
    assert not done.is_valid_on(done.valid_until + datetime.timedelta(days=1))
    assert valid_until_for(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert valid_until_for(datetime.date(2026, 5, 10), 6) == datetime.date(2026, 11, 10)


def test_numbers_are_sequential_within_the_year_of_issue_and_unique(
    settings_row, tree, cadre_officer, discipline_officer
):
    from ..cadres.factories import CadreFactory

    OpinionLetter.objects.create(
        cadre=CadreFactory(union=tree["g1"]),
        purpose="promotion",
        requested_by=cadre_officer,
        status="issued",
        sequence_year=2025,
        sequence=40,
        number=letter_number(2025, 40),
    )
    numbers = []
    for _ in range(3):
        letter = OpinionLetterFactory(cadre=CadreFactory(union=tree["s1"]), requested_by=cadre_officer)
        shown(letter, discipline_officer)
        numbers.append(issue(letter, discipline_officer).number)
    assert numbers == ["廉意〔2026〕1号", "廉意〔2026〕2号", "廉意〔2026〕3号"]


@pytest.mark.django_db(transaction=True)
def test_letters_issued_at_once_get_different_numbers(tree, cadre_officer, discipline_officer):
    """Two officers issuing in parallel: the year's lock gives each its own number."""
    from ..cadres.factories import CadreFactory

    IntegritySettings.objects.create(pk=1)
    letters = []
    for _ in range(4):
        letter = OpinionLetterFactory(cadre=CadreFactory(union=tree["s1"]), requested_by=cadre_officer)
        shown(letter, discipline_officer)
        letters.append(letter)
    errors, barrier = [], threading.Barrier(len(letters))

    def run(letter):
        try:
            barrier.wait()
            issue(letter, discipline_officer)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(letter,)) for letter in letters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(OpinionLetter.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4]


# --- the requester's view -------------------------------------------------------------------------
def test_conclusion_of_gives_the_conclusion_and_validity_only_and_says_expired(
    settings_row, cadre, cadre_officer, discipline_officer
):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    waiting = conclusion_of(letter)
    assert (waiting.state, waiting.conclusion, waiting.number, waiting.valid) == (State.REQUESTED, "", "", False)
    shown(letter, discipline_officer)
    issue(letter, discipline_officer, conclusion="problem", problem_category="work", remarks="机密的意见")
    letter.refresh_from_db()
    view = conclusion_of(letter)
    assert view.state == State.VALID and view.valid and not view.expired
    assert (view.conclusion, view.as_of, view.number) == ("problem", TODAY, "廉意〔2026〕1号")
    assert set(vars(view)) == {"state", "conclusion", "conclusion_label", "as_of", "valid_until", "number", "valid"}
    assert "work" not in str(vars(view)) and "机密" not in str(vars(view))
    expired = conclusion_of(letter, today=letter.valid_until + datetime.timedelta(days=1))
    assert expired.expired and expired.state == State.EXPIRED and not expired.valid
    assert conclusion_of(letter, today=letter.valid_until).valid
