"""Warning education services: sessions, attendance by hand, by the training class's sheet flow and by
the session's QR code, and coverage per cadre per year."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from cadres.models import Cadre
from integrity import kinds, selectors
from integrity.models import EducationAttendance, EducationSession
from integrity.models.education import EducationSheet
from integrity.services import education as services
from tests.members.rosters import upload, xlsx_bytes

from ..cadres.factories import CadreFactory
from ..factories import UserFactory
from .factories import EducationSessionFactory

pytestmark = pytest.mark.django_db
S = EducationSheet.Status
HEADER = ["姓名", "手机号码"]


@pytest.fixture
def session(tree, district_discipline_officer):
    """A warning film shown by district 1 (d1 → s1 → g1)."""
    return EducationSessionFactory(organiser=tree["d1"], created_by=district_discipline_officer)


@pytest.fixture
def d1_cadres(tree):
    return [
        CadreFactory(union=tree["s1"], name="张伟", mobile="13900000001"),
        CadreFactory(union=tree["g1"], name="李娜", mobile="13900000002"),
    ]


def present(session) -> dict[str, str]:
    return dict(EducationAttendance.objects.filter(session=session).values_list("cadre__name", "source"))


def check(session, by, rows, *, header=HEADER, name="签到表.xlsx", content=None):
    content = content if content is not None else xlsx_bytes(rows, header)
    return services.education_sheet_check(
        session=session, upload=upload(content, name), by=by, visible_cadres=selectors.cadres_in_scope(by)
    )


# --- sessions --------------------------------------------------------------------------------------
def test_an_officer_creates_a_session_of_a_node_in_scope_and_it_is_audited(tree, district_discipline_officer):
    session = services.education_session_create(
        organiser=tree["s1"],
        kind=EducationSession.Kind.BASE_VISIT,
        title=" 参观廉政教育基地 ",
        held_on=datetime.date(2026, 4, 2),
        place="市廉政教育馆",
        by=district_discipline_officer,
    )
    assert (session.title, session.organiser, len(session.qr_token) > 10) == ("参观廉政教育基地", tree["s1"], True)
    assert AuditEvent.objects.filter(action=kinds.EDUCATION_SESSION_CREATED, target_id=str(session.pk)).exists()


def test_a_session_of_a_node_outside_scope_is_refused(tree, district_discipline_officer):
    with pytest.raises(PermissionDenied):
        services.education_session_create(
            organiser=tree["d2"],
            kind="warning_film",
            title="片",
            held_on=datetime.date(2026, 4, 2),
            by=district_discipline_officer,
        )
    assert not EducationSession.objects.exists()


# --- by hand ---------------------------------------------------------------------------------------
def test_hand_attendance_adds_once_and_removes(session, d1_cadres, district_discipline_officer):
    added = services.education_attendance_add(
        session=session, cadre_ids=[c.pk for c in d1_cadres], by=district_discipline_officer
    )
    again = services.education_attendance_add(
        session=session, cadre_ids=[d1_cadres[0].pk], by=district_discipline_officer
    )
    assert (added, again) == (2, 0)
    assert present(session) == {"张伟": "officer", "李娜": "officer"}

    removed = services.education_attendance_remove(
        session=session, cadre_ids=[d1_cadres[0].pk], by=district_discipline_officer
    )
    assert removed == 1 and present(session) == {"李娜": "officer"}
    actions = set(AuditEvent.objects.filter(target_id=str(session.pk)).values_list("action", flat=True))
    assert {kinds.EDUCATION_ATTENDANCE_RECORDED, kinds.EDUCATION_ATTENDANCE_REMOVED} <= actions


def test_hand_attendance_of_a_cadre_outside_the_organisers_subtree_is_refused_as_a_whole(
    session, d1_cadres, other_district_cadre, district_discipline_officer
):
    with pytest.raises(ValidationError, match="Only cadres under"):
        services.education_attendance_add(
            session=session, cadre_ids=[d1_cadres[0].pk, other_district_cadre.pk], by=district_discipline_officer
        )
    assert not EducationAttendance.objects.exists()


def test_an_officer_of_another_district_cannot_record_attendance(tree, session, d1_cadres):
    from unions.models import Role

    from ..factories import staff

    other = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d2"])
    with pytest.raises(PermissionDenied):
        services.education_attendance_add(session=session, cadre_ids=[d1_cadres[0].pk], by=other)


# --- by sheet --------------------------------------------------------------------------------------
def test_a_good_sheet_is_checked_then_imported_and_keeps_cadres_already_recorded(
    session, d1_cadres, district_discipline_officer
):
    services.education_attendance_add(session=session, cadre_ids=[d1_cadres[0].pk], by=district_discipline_officer)
    sheet = check(session, district_discipline_officer, [["张伟", "13900000001"], ["李娜", "139 0000 0002"]])

    assert (sheet.status, sheet.rows_total, sheet.error_count) == (S.CHECKED, 2, 0)
    assert present(session) == {"张伟": "officer"}  # the check writes nothing

    sheet = services.education_sheet_import(sheet=sheet, mode="all_or_nothing", by=district_discipline_officer)
    assert (sheet.status, sheet.imported_count) == (S.IMPORTED, 1)
    assert present(session) == {"张伟": "officer", "李娜": "sheet"}
    assert AuditEvent.objects.filter(action=kinds.EDUCATION_SHEET_IMPORTED, target_id=str(session.pk)).exists()


def test_bad_rows_say_why_and_all_or_nothing_writes_nothing_while_valid_only_writes_the_good(
    session, d1_cadres, other_district_cadre, district_discipline_officer
):
    outsider = CadreFactory(union=session.organiser, name="赵六", mobile="13900000009")
    outsider.union = other_district_cadre.union  # serves in district 2, which d1's officer does not keep
    outsider.save()
    rows = [
        ["张伟", "13900000001"],
        ["王五", "13900000002"],  # the name does not match
        ["某人", "12345"],  # not a mobile
        ["某人", "13700000000"],  # nobody has it
        ["赵六", "13900000009"],  # outside the officer's scope
        ["张伟", "13900000001"],  # twice
    ]
    sheet = check(session, district_discipline_officer, rows)
    messages = {e["row"]: e["message"] for e in sheet.errors}
    assert sheet.error_count == 5 and set(messages) == {3, 4, 5, 6, 7}
    assert "does not match" in messages[3]
    assert "No cadre of yours has the mobile number 13700000000" in messages[5]
    assert "No cadre of yours has the mobile number 13900000009" in messages[6]
    assert "already on row 2" in messages[7]

    with pytest.raises(ValidationError, match="Nothing was written"):
        services.education_sheet_import(sheet=sheet, mode="all_or_nothing", by=district_discipline_officer)
    assert not EducationAttendance.objects.exists()

    sheet = services.education_sheet_import(sheet=sheet, mode="valid_only", by=district_discipline_officer)
    assert (sheet.imported_count, present(session)) == (1, {"张伟": "sheet"})


def test_a_cadre_in_the_officers_scope_but_outside_the_organisers_subtree_is_said_so(
    tree, d1_cadres, discipline_officer
):
    session = EducationSessionFactory(organiser=tree["s1"], created_by=discipline_officer)
    outside = CadreFactory(union=tree["d2"], name="钱七", mobile="13900000007")
    sheet = check(
        session, discipline_officer, [["张伟", "13900000001"], ["钱七", outside.mobile], ["李娜", "13900000002"]]
    )
    messages = {e["row"]: e["message"] for e in sheet.errors}
    assert set(messages) == {3} and "not under 东华门街道总工会" in messages[3]
    # g1 is under s1: 李娜 may attend
    sheet = services.education_sheet_import(sheet=sheet, mode="valid_only", by=discipline_officer)
    assert present(session) == {"张伟": "sheet", "李娜": "sheet"}


def test_the_same_file_is_refused_the_second_time(session, d1_cadres, district_discipline_officer):
    content = xlsx_bytes([["张伟", "13900000001"]], HEADER)
    first = check(session, district_discipline_officer, [], content=content)
    services.education_sheet_import(sheet=first, mode="all_or_nothing", by=district_discipline_officer)

    with pytest.raises(ValidationError, match="This sheet was imported on"):
        check(session, district_discipline_officer, [], content=content, name="again.xlsx")
    assert EducationSheet.objects.count() == 1


def test_a_class_attendance_sheet_is_read_as_a_session_sheet(session, d1_cadres, district_discipline_officer):
    rows = [["张伟", "13900000001", "2026-09-14", "08:30", "17:00"]]
    sheet = check(
        session, district_discipline_officer, rows, header=["姓名", "手机号码", "日期", "签到时间", "签退时间"]
    )
    assert (sheet.rows_total, sheet.error_count) == (1, 0)


def test_a_sheet_without_a_mobile_column_is_refused(session, district_discipline_officer):
    with pytest.raises(ValidationError, match="required columns were not found"):
        check(session, district_discipline_officer, [["张伟", "东城"]], header=["姓名", "单位"])


def test_a_cadre_moved_away_after_the_check_is_left_out(session, d1_cadres, tree, district_discipline_officer):
    sheet = check(session, district_discipline_officer, [["张伟", "13900000001"], ["李娜", "13900000002"]])
    Cadre.objects.filter(pk=d1_cadres[1].pk).update(union=tree["s2"])
    with pytest.raises(ValidationError, match="Cadres moved since the check"):
        services.education_sheet_import(sheet=sheet, mode="all_or_nothing", by=district_discipline_officer)
    sheet = services.education_sheet_import(sheet=sheet, mode="valid_only", by=district_discipline_officer)
    assert present(session) == {"张伟": "sheet"}
    assert sheet.errors == [{"row": 3, "message": "The cadre no longer serves under the organiser."}]


def test_a_discarded_sheet_cannot_be_imported(session, d1_cadres, district_discipline_officer):
    sheet = check(session, district_discipline_officer, [["张伟", "13900000001"]])
    services.education_sheet_discard(sheet=sheet, by=district_discipline_officer)
    with pytest.raises(ValidationError, match="not waiting for confirmation"):
        services.education_sheet_import(sheet=sheet, mode="all_or_nothing", by=district_discipline_officer)


# --- QR check-in -----------------------------------------------------------------------------------
@pytest.fixture
def today_session(tree, district_discipline_officer):
    return EducationSessionFactory(
        organiser=tree["d1"], created_by=district_discipline_officer, held_on=timezone.localdate()
    )


def test_a_cadre_checks_in_once(today_session, cadre):
    attendance = services.education_check_in(token=today_session.qr_token, user=cadre.user)
    assert (attendance.cadre, attendance.source) == (cadre, "qr")
    with pytest.raises(ValidationError, match="already recorded") as refused:
        services.education_check_in(token=today_session.qr_token, user=cadre.user)
    assert refused.value.code == "done"
    assert EducationAttendance.objects.count() == 1


def test_a_cadre_outside_the_organisers_subtree_cannot_check_in(today_session, other_district_cadre):
    other_district_cadre.user = UserFactory()
    other_district_cadre.save()
    with pytest.raises(ValidationError) as refused:
        services.education_check_in(token=today_session.qr_token, user=other_district_cadre.user)
    assert refused.value.code == "outside" and not EducationAttendance.objects.exists()


def test_a_user_who_is_not_a_cadre_cannot_check_in(today_session):
    with pytest.raises(ValidationError) as refused:
        services.education_check_in(token=today_session.qr_token, user=UserFactory())
    assert refused.value.code == "no_cadre"


def test_a_renewed_code_no_longer_works(today_session, cadre, district_discipline_officer):
    old = today_session.qr_token
    services.education_qr_renew(session=today_session, by=district_discipline_officer)
    with pytest.raises(ValidationError, match="not valid"):
        services.education_check_in(token=old, user=cadre.user)
    today_session.refresh_from_db()
    assert services.education_check_in(token=today_session.qr_token, user=cadre.user)


def test_check_in_is_open_on_the_day_of_the_session_only(session, cadre):
    with pytest.raises(ValidationError) as refused:
        services.education_check_in(token=session.qr_token, user=cadre.user, today=session.held_on.replace(day=21))
    assert refused.value.code == "not_today"
    assert services.education_check_in(token=session.qr_token, user=cadre.user, today=session.held_on)


# --- coverage --------------------------------------------------------------------------------------
def test_coverage_counts_cadres_in_post_and_those_who_attended_in_the_year(tree, district_discipline_officer):
    a = CadreFactory(union=tree["s1"], in_post_since=datetime.date(2020, 1, 1))
    b = CadreFactory(union=tree["g1"], in_post_since=datetime.date(2020, 1, 1))
    CadreFactory(union=tree["g1"], in_post_since=datetime.date(2020, 1, 1), status=Cadre.Status.RETIRED)
    far = CadreFactory(union=tree["s2"], in_post_since=datetime.date(2020, 1, 1))
    this_year = EducationSessionFactory(
        organiser=tree["d1"], created_by=district_discipline_officer, held_on=datetime.date(2026, 5, 1)
    )
    last_year = EducationSessionFactory(
        organiser=tree["d1"], created_by=district_discipline_officer, held_on=datetime.date(2025, 5, 1)
    )
    city_wide = EducationSessionFactory(
        organiser=tree["city"], created_by=district_discipline_officer, held_on=datetime.date(2026, 7, 1)
    )
    for s, c in [(this_year, a), (city_wide, a), (last_year, b), (city_wide, far)]:
        EducationAttendance.objects.create(session=s, cadre=c)

    assert services.education_coverage_counts([tree["d1"].path], 2026) == (2, 1)
    assert services.education_coverage_counts([tree["d1"].path], 2025) == (2, 1)
    assert services.education_coverage_counts([tree["city"].path], 2026) == (3, 2)
    rows = [(c.pk, c.sessions) for c in services.coverage_rows([tree["d1"].path], 2026)]
    assert rows == [(b.pk, 0), (a.pk, 2)]  # those with none first
