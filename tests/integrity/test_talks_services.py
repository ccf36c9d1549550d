"""Talk services: the states draft → filed → rectifying → closed, who may do what, and every bad input of
issue 15 touching talks refused with a message and nothing written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.models import AuditEvent
from cadres.models import Cadre
from integrity import kinds
from integrity.models import FourFormsEntry, Talk, TalkCorrection
from integrity.services import talks as services

from .factories import TalkFactory

D = datetime.date
HELD = D(2026, 3, 10)


def draft(cadre, by, **fields) -> Talk:
    values = {
        "cadre": cadre,
        "kind": Talk.Kind.REMINDER,
        "talker_name": "张书记",
        "held_on": HELD,
        "reason": "公务接待超标苗头",
        "content": "指出问题，提出要求。",
        "supervision_form": "talk_reminder",
        "by": by,
        **fields,
    }
    return services.talk_create(**values)


@pytest.mark.django_db
def test_a_discipline_officer_over_the_cadre_drafts_a_talk_and_is_its_recorder(district_discipline_officer, cadre):
    talk = draft(cadre, district_discipline_officer)
    assert talk.status == Talk.Status.DRAFT
    assert talk.recorder == district_discipline_officer
    assert AuditEvent.objects.filter(action=kinds.TALK_CREATED, target_id=str(talk.pk)).count() == 1


@pytest.mark.django_db
def test_a_talk_with_a_cadre_outside_scope_is_refused(district_discipline_officer, other_district_cadre):
    with pytest.raises(PermissionDenied):
        draft(other_district_cadre, district_discipline_officer)
    assert not Talk.objects.exists()


@pytest.mark.django_db
def test_a_talk_with_a_cadre_who_has_left_is_refused_with_a_message(discipline_officer, cadre):
    Cadre.objects.filter(pk=cadre.pk).update(status=Cadre.Status.LEFT)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        draft(cadre, discipline_officer)
    assert "李晓明" in caught.value.messages[0]
    assert not Talk.objects.exists()


@pytest.mark.django_db
def test_a_form_of_supervision_on_a_routine_talk_is_refused(discipline_officer, cadre):
    with pytest.raises(ValidationError) as caught:
        draft(cadre, discipline_officer, kind=Talk.Kind.ROUTINE, supervision_form="criticism")
    assert "supervision_form" in caught.value.message_dict
    assert not Talk.objects.exists()


@pytest.mark.django_db
def test_only_the_recorder_edits_a_draft(discipline_officer, district_discipline_officer, cadre):
    talk = draft(cadre, district_discipline_officer)
    with pytest.raises(PermissionDenied):
        services.talk_update(talk=talk, by=discipline_officer, place="会议室")
    services.talk_update(talk=talk, by=district_discipline_officer, place="会议室")
    talk.refresh_from_db()
    assert talk.place == "会议室"


@pytest.mark.django_db
def test_editing_a_filed_talk_is_refused_with_the_correction_message(district_discipline_officer, cadre):
    talk = draft(cadre, district_discipline_officer)
    services.talk_file(talk=talk, by=district_discipline_officer)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.talk_update(talk=talk, by=district_discipline_officer, content="改写的内容")
    assert caught.value.messages == ["已归档的谈话不能修改：请添加更正，原记录将予保留。"]
    talk.refresh_from_db()
    assert talk.content == "指出问题，提出要求。"


@pytest.mark.django_db
def test_filing_checks_the_required_fields_and_writes_nothing_when_refused(district_discipline_officer, cadre):
    talk = draft(cadre, district_discipline_officer, reason="", content="", supervision_form="")
    with pytest.raises(ValidationError) as caught:
        services.talk_file(talk=talk, by=district_discipline_officer)
    assert set(caught.value.message_dict) == {"reason", "content", "supervision_form"}
    talk.refresh_from_db()
    assert talk.status == Talk.Status.DRAFT and talk.filed_at is None
    assert not FourFormsEntry.objects.exists()


@pytest.mark.django_db
def test_a_routine_talk_files_without_content(district_discipline_officer, cadre):
    talk = draft(cadre, district_discipline_officer, kind=Talk.Kind.ROUTINE, content="", supervision_form="")
    services.talk_file(talk=talk, by=district_discipline_officer)
    assert Talk.objects.get(pk=talk.pk).status == Talk.Status.FILED


@pytest.mark.django_db
def test_filing_a_reminder_talk_enters_form_one_in_the_register(district_discipline_officer, cadre):
    talk = draft(cadre, district_discipline_officer)
    services.talk_file(talk=talk, by=district_discipline_officer)
    entry = FourFormsEntry.objects.get()
    assert (entry.form, entry.measure, entry.talk_id, entry.decided_on) == (1, "talk_reminder", talk.pk, HELD)


@pytest.mark.django_db
def test_filing_without_the_register_leaves_it_alone(district_discipline_officer, cadre):
    talk = draft(cadre, district_discipline_officer)
    services.talk_file(talk=talk, by=district_discipline_officer, register=False)
    assert not FourFormsEntry.objects.exists()


@pytest.mark.django_db
def test_only_the_recorder_files_a_draft(discipline_officer, district_discipline_officer, cadre):
    talk = draft(cadre, district_discipline_officer)
    with pytest.raises(PermissionDenied):
        services.talk_file(talk=talk, by=discipline_officer)
    assert Talk.objects.get(pk=talk.pk).status == Talk.Status.DRAFT


@pytest.mark.django_db
def test_a_correction_keeps_the_original(discipline_officer, district_discipline_officer, cadre):
    talk = TalkFactory(cadre=cadre, recorder=district_discipline_officer)
    services.talk_correct(talk=talk, text="谈话地点应为纪检室。", by=discipline_officer)
    services.talk_correct(talk=talk, text="补充：本人另有说明。", by=district_discipline_officer)
    talk.refresh_from_db()
    assert talk.place == "党组会议室"
    assert [c.text for c in talk.corrections.all()] == ["谈话地点应为纪检室。", "补充：本人另有说明。"]


@pytest.mark.django_db
def test_a_correction_by_an_officer_outside_scope_is_refused(tree, cadre, discipline_officer):
    from unions.models import Role

    from ..factories import staff

    outsider = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d2"], username="discipline-d2")
    talk = TalkFactory(cadre=cadre, recorder=discipline_officer)
    with pytest.raises(PermissionDenied):
        services.talk_correct(talk=talk, text="x", by=outsider)
    assert not TalkCorrection.objects.exists()


@pytest.mark.django_db
def test_a_draft_takes_no_correction(district_discipline_officer, cadre):
    talk = draft(cadre, district_discipline_officer)
    with pytest.raises(ValidationError):
        services.talk_correct(talk=talk, text="x", by=district_discipline_officer)


@pytest.mark.django_db
def test_an_officer_closes_a_filed_talk_with_no_items(discipline_officer, district_discipline_officer, cadre):
    talk = TalkFactory(cadre=cadre, recorder=district_discipline_officer)
    services.talk_close(talk=talk, by=discipline_officer)
    talk.refresh_from_db()
    assert talk.status == Talk.Status.CLOSED and talk.closed_at
    with pytest.raises(ValidationError):
        services.talk_close(talk=talk, by=discipline_officer)


@pytest.mark.django_db
def test_a_talk_in_the_future_is_refused(discipline_officer, cadre):
    with pytest.raises(ValidationError) as caught:
        draft(cadre, discipline_officer, held_on=timezone.localdate() + datetime.timedelta(days=2))
    assert "held_on" in caught.value.message_dict
