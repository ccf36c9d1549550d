"""The four-forms register: the service's rules, the pages' scope, the list without notes, the read trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from integrity import kinds
from integrity.models import FourFormsEntry, Talk
from integrity.services.register import four_forms_entry_create
from unions.models import Role

from ..factories import staff
from .factories import FourFormsEntryFactory, TalkFactory

pytestmark = pytest.mark.django_db

Form = FourFormsEntry.Form
Measure = FourFormsEntry.Measure
LIST_URL = reverse("integrity:four_forms_list")
CREATE_URL = reverse("integrity:four_forms_create")


def detail_url(entry) -> str:
    return reverse("integrity:four_forms_detail", args=[entry.pk])


# --- the service ------------------------------------------------------------------------------------
def test_an_entry_is_recorded_with_its_note_encrypted_and_audited(cadre, district_discipline_officer):
    entry = four_forms_entry_create(
        cadre=cadre,
        form=Form.SECOND,
        measure=Measure.LIGHT_SANCTION,
        decided_on=datetime.date(2026, 5, 6),
        decision_ref=" 东纪〔2026〕7号 ",
        note="党内警告处分",
        by=district_discipline_officer,
    )

    entry.refresh_from_db()
    assert (entry.form, entry.measure, entry.decision_ref) == (2, "light_sanction", "东纪〔2026〕7号")
    assert entry.note == "党内警告处分"
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM integrity_fourformsentry WHERE id = %s", [entry.pk])
        stored = cursor.fetchone()[0]
    assert stored
    assert "党内警告" not in stored
    event = AuditEvent.objects.get(action=kinds.FOUR_FORMS_ENTRY_RECORDED)
    assert event.target_id == str(entry.pk)
    assert "党内警告" not in str(event.detail)


@pytest.mark.parametrize(
    ("form", "measure"),
    [
        (Form.FIRST, Measure.LIGHT_SANCTION),
        (Form.SECOND, Measure.CRITICISM),
        (Form.THIRD, Measure.CASE_FILED),
        (Form.FOURTH, Measure.HEAVY_SANCTION),
    ],
)
def test_a_measure_of_another_form_is_refused(cadre, district_discipline_officer, form, measure):
    with pytest.raises(ValidationError) as refused:
        four_forms_entry_create(
            cadre=cadre,
            form=form,
            measure=measure,
            decided_on=datetime.date(2026, 5, 6),
            by=district_discipline_officer,
        )

    assert "measure" in refused.value.error_dict
    assert not FourFormsEntry.objects.exists()


def test_every_measure_of_its_own_form_is_accepted(cadre, district_discipline_officer):
    for form, measures in FourFormsEntry.MEASURES_OF_FORM.items():
        for measure in measures:
            four_forms_entry_create(
                cadre=cadre,
                form=form,
                measure=measure,
                decided_on=datetime.date(2026, 5, 6),
                by=district_discipline_officer,
            )

    assert FourFormsEntry.objects.count() == 9


def test_a_decision_in_the_future_is_refused(cadre, district_discipline_officer):
    with pytest.raises(ValidationError) as refused:
        four_forms_entry_create(
            cadre=cadre,
            form=Form.FIRST,
            measure=Measure.CRITICISM,
            decided_on=timezone.localdate() + datetime.timedelta(days=1),
            by=district_discipline_officer,
        )

    assert "decided_on" in refused.value.error_dict


def test_a_talk_of_another_cadre_or_a_draft_is_refused(cadre, other_district_cadre, discipline_officer):
    others = TalkFactory(cadre=other_district_cadre, recorder=discipline_officer)
    draft = TalkFactory(cadre=cadre, recorder=discipline_officer, status=Talk.Status.DRAFT)
    for talk in (others, draft):
        with pytest.raises(ValidationError) as refused:
            four_forms_entry_create(
                cadre=cadre,
                form=Form.FIRST,
                measure=Measure.TALK_REMINDER,
                decided_on=datetime.date(2026, 3, 10),
                talk=talk,
                by=discipline_officer,
            )
        assert "talk" in refused.value.error_dict


def test_an_officer_outside_the_cadres_subtree_is_refused(other_district_cadre, district_discipline_officer):
    with pytest.raises(PermissionDenied):
        four_forms_entry_create(
            cadre=other_district_cadre,
            form=Form.FIRST,
            measure=Measure.CRITICISM,
            decided_on=datetime.date(2026, 5, 6),
            by=district_discipline_officer,
        )


# --- the pages ---------------------------------------------------------------------------------------
def test_the_create_page_records_an_entry_and_opens_it(client, cadre, district_discipline_officer):
    client.force_login(district_discipline_officer)

    response = client.post(
        f"{CREATE_URL}?cadre={cadre.pk}",
        {"form": "3", "measure": "heavy_sanction", "decided_on": "2026-04-01", "decision_ref": "东纪〔2026〕9号"},
    )

    entry = FourFormsEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(entry)
    assert (entry.cadre, entry.form, entry.created_by) == (cadre, 3, district_discipline_officer)


def test_the_create_page_shows_the_measure_form_mismatch(client, cadre, district_discipline_officer):
    client.force_login(district_discipline_officer)

    response = client.post(
        f"{CREATE_URL}?cadre={cadre.pk}", {"form": "1", "measure": "case_filed", "decided_on": "2026-04-01"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["measure"]
    assert not FourFormsEntry.objects.exists()


def test_the_create_page_for_a_cadre_outside_scope_answers_404(
    client, other_district_cadre, district_discipline_officer
):
    client.force_login(district_discipline_officer)

    assert client.get(f"{CREATE_URL}?cadre={other_district_cadre.pk}").status_code == 404
    response = client.post(
        f"{CREATE_URL}?cadre={other_district_cadre.pk}",
        {"form": "1", "measure": "criticism", "decided_on": "2026-04-01"},
    )
    assert response.status_code == 404
    assert not FourFormsEntry.objects.exists()


def test_the_create_page_without_a_cadre_finds_them_by_name_in_scope(
    client, cadre, other_district_cadre, district_discipline_officer
):
    client.force_login(district_discipline_officer)

    found = client.get(CREATE_URL, {"q": cadre.name[:2]}).context["found"]
    not_found = client.get(CREATE_URL, {"q": other_district_cadre.name}).context["found"]

    assert found == [cadre]
    assert not_found == []


def test_the_list_shows_entries_in_scope_without_notes(
    client, cadre, other_district_cadre, district_discipline_officer
):
    FourFormsEntryFactory(cadre=cadre, created_by=district_discipline_officer, note="机密备注甲")
    FourFormsEntryFactory(cadre=other_district_cadre, created_by=district_discipline_officer, note="机密备注乙")
    client.force_login(district_discipline_officer)

    response = client.get(LIST_URL)

    body = response.content.decode()
    assert [entry.cadre for entry in response.context["rows"]] == [cadre]
    assert "机密备注" not in body
    assert other_district_cadre.name not in body


def test_the_list_filters_by_form_year_and_node(client, tree, cadre, other_district_cadre, discipline_officer):
    first = FourFormsEntryFactory(cadre=cadre, created_by=discipline_officer)
    second = FourFormsEntryFactory(
        cadre=cadre, created_by=discipline_officer, form=Form.SECOND, measure=Measure.LIGHT_SANCTION
    )
    last_year = FourFormsEntryFactory(cadre=cadre, created_by=discipline_officer, decided_on=datetime.date(2025, 2, 1))
    elsewhere = FourFormsEntryFactory(cadre=other_district_cadre, created_by=discipline_officer)
    client.force_login(discipline_officer)

    def listed(**params):
        return {entry.pk for entry in client.get(LIST_URL, params).context["rows"]}

    assert listed() == {first.pk, second.pk, last_year.pk, elsewhere.pk}
    assert listed(form=2) == {second.pk}
    assert listed(year=2025) == {last_year.pk}
    assert listed(union=tree["d2"].pk) == {elsewhere.pk}
    assert listed(form=1, year=2026, union=tree["d1"].pk) == {first.pk}


def test_the_list_takes_a_fixed_number_of_queries(
    client, cadre, other_district_cadre, discipline_officer, django_assert_max_num_queries
):
    for _ in range(15):
        FourFormsEntryFactory(cadre=cadre, created_by=discipline_officer)
        FourFormsEntryFactory(cadre=other_district_cadre, created_by=discipline_officer)
    client.force_login(discipline_officer)

    with django_assert_max_num_queries(12):
        response = client.get(LIST_URL)

    assert len(response.context["rows"]) == 30


def test_the_entry_page_shows_the_note_records_the_read_and_says_entries_are_not_edited(
    client, cadre, district_discipline_officer
):
    entry = FourFormsEntryFactory(cadre=cadre, created_by=district_discipline_officer, note="机密备注甲")
    client.force_login(district_discipline_officer)

    response = client.get(detail_url(entry))

    assert response.status_code == 200
    assert "机密备注甲" in response.content.decode()
    assert f"{CREATE_URL}?cadre={cadre.pk}" in response.content.decode()
    read = AuditEvent.objects.get(action=kinds.FOUR_FORMS_ENTRY_READ)
    assert (read.actor, read.target_id) == (district_discipline_officer, str(entry.pk))
    assert "机密" not in str(read.detail) + read.target_label


def test_an_entry_outside_scope_answers_404_and_records_no_read(
    client, other_district_cadre, district_discipline_officer
):
    entry = FourFormsEntryFactory(cadre=other_district_cadre, created_by=district_discipline_officer)
    client.force_login(district_discipline_officer)

    assert client.get(detail_url(entry)).status_code == 404
    assert not AuditEvent.objects.filter(action=kinds.FOUR_FORMS_ENTRY_READ).exists()


@pytest.mark.parametrize("kind", [Role.Kind.CITY_ADMIN, Role.Kind.CADRE_OFFICER, Role.Kind.LEADER])
def test_anyone_but_a_discipline_officer_gets_404_on_every_register_page(client, tree, cadre, kind):
    officer = staff(Role.Kind.DISCIPLINE_OFFICER, tree["city"])
    entry = FourFormsEntryFactory(cadre=cadre, created_by=officer)
    client.force_login(staff(kind, tree["city"]))

    assert client.get(LIST_URL).status_code == 404
    assert client.get(f"{CREATE_URL}?cadre={cadre.pk}").status_code == 404
    assert client.get(detail_url(entry)).status_code == 404


def test_the_list_ignores_malformed_filters_instead_of_failing(client, cadre, discipline_officer):
    FourFormsEntryFactory(cadre=cadre, created_by=discipline_officer)
    client.force_login(discipline_officer)

    for params in ({"form": "9"}, {"year": "abc"}, {"union": "999999"}, {"page": "-3"}, {"form": "x", "year": "1"}):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200, params


def test_the_list_answers_htmx_with_the_results_only(client, cadre, discipline_officer):
    FourFormsEntryFactory(cadre=cadre, created_by=discipline_officer)
    client.force_login(discipline_officer)

    response = client.get(LIST_URL, {"form": "1"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="four-forms-results"')
    assert cadre.name in body


def test_the_list_links_each_cadre_to_their_integrity_record(client, cadre, discipline_officer):
    FourFormsEntryFactory(cadre=cadre, created_by=discipline_officer)
    client.force_login(discipline_officer)

    response = client.get(LIST_URL)

    assert f'href="{reverse("integrity:cadre_record", args=[cadre.pk])}"' in response.content.decode()
