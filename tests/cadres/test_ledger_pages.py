"""The ledger, rules and external training pages: scope, query counts, forms and messages."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadres.models import Enrolment, ExternalTraining, HoursRule, LedgerYear
from cadres.services import ledger as services
from unions.models import Role

from ..factories import UserFactory, staff
from .factories import CadreFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def this_year() -> int:
    return timezone.localdate().year


def credit(cadre, hours, by, *, year=None, mode="in_person"):
    year = year or this_year()
    training_class = TrainingClassFactory(
        organiser=cadre.union,
        created_by=by,
        mode=mode,
        starts_on=datetime.date(year, 1, 5),
        ends_on=datetime.date(year, 1, 6),
        credit_hours=D(hours),
        status="finished",
    )
    Enrolment.objects.create(training_class=training_class, cadre=cadre, status="completed", credited_hours=D(hours))


# --- the ledger --------------------------------------------------------------------------------------
def test_ledger_lists_the_nodes_cadres_with_their_figures(tree, district_cadre_officer):
    met = CadreFactory(union=tree["g1"], name="张满", rank="staff")
    short = CadreFactory(union=tree["s1"], name="李缺", rank="staff")
    CadreFactory(union=tree["s2"], name="王外", rank="staff")  # district 2: outside
    CadreFactory(union=tree["g1"], name="赵离", status="left", status_changed_on=datetime.date(2020, 1, 1))
    credit(met, "90", district_cadre_officer)
    credit(short, "30", district_cadre_officer, mode="online")
    response = signed_in(district_cadre_officer).get(reverse("cadres:ledger"))
    assert response.status_code == 200
    names = [row.name for row in response.context["rows"]]
    assert sorted(names) == sorted(["张满", "李缺"])
    total = response.context["total"]
    assert (total.cadres, total.short_cadres, total.owed, total.counted, total.short) == (2, 1, 180, 120, 60)
    body = response.content.decode()
    assert "王外" not in body and "赵离" not in body

    response = signed_in(district_cadre_officer).get(reverse("cadres:ledger"), {"short": "on"})
    assert [row.name for row in response.context["rows"]] == ["李缺"]
    assert response.context["total"].cadres == 2  # totals stay those of the node


def test_ledger_of_a_node_outside_scope_is_refused(tree, district_cadre_officer):
    CadreFactory(union=tree["s2"], name="王外")
    client = signed_in(district_cadre_officer)
    assert client.get(reverse("cadres:ledger"), {"union": tree["d2"].pk}).status_code == 404
    assert client.get(reverse("cadres:ledger"), {"union": tree["g2"].pk, "year": 2026}).status_code == 404
    response = client.get(reverse("cadres:ledger"), {"union": tree["g1"].pk})
    assert response.status_code == 200 and response.context["node"] == tree["g1"]


def test_ledger_of_a_child_node(tree, cadre_officer):
    CadreFactory(union=tree["g1"], name="张一")
    CadreFactory(union=tree["g2"], name="王二")
    response = signed_in(cadre_officer).get(reverse("cadres:ledger"), {"union": tree["d2"].pk})
    assert [row.name for row in response.context["rows"]] == ["王二"]


def test_ledger_needs_a_cadre_officer(tree):
    clerk = staff(Role.Kind.UNION_CLERK, tree["g1"])
    assert signed_in(clerk).get(reverse("cadres:ledger")).status_code == 403
    assert Client().get(reverse("cadres:ledger")).status_code == 302


def test_ledger_query_count_does_not_grow_with_cadres(tree, cadre_officer, django_assert_max_num_queries):
    client = signed_in(cadre_officer)
    client.get(reverse("cadres:ledger"))  # sessions and caches warm

    def queries_for_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cadres:ledger")).status_code == 200
        return len(captured)

    for _index in range(3):
        credit(CadreFactory(union=tree["g1"]), "10", cadre_officer)
    few = queries_for_page()
    for index in range(60):
        cadre = CadreFactory(
            union=tree["g2"] if index % 2 else tree["g3"], rank="county_division" if index % 3 else "staff"
        )
        credit(cadre, "10", cadre_officer, year=this_year() - index % 4)
    many = queries_for_page()
    assert many == few
    with django_assert_max_num_queries(15):
        response = client.get(reverse("cadres:ledger"), {"page": 2})
    assert len(response.context["rows"]) == 13


def test_ledger_htmx_answers_the_table(tree, cadre_officer):
    response = signed_in(cadre_officer).get(reverse("cadres:ledger"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="ledger"')


# --- closing from the page ---------------------------------------------------------------------------
def test_close_a_year_from_the_page(tree, cadre_officer):
    CadreFactory(union=tree["g1"])
    client = signed_in(cadre_officer, enforce_csrf_checks=True)
    last = this_year() - 1
    page = client.get(reverse("cadres:ledger"), {"year": last})
    assert page.context["may_close"]
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    response = client.post(reverse("cadres:ledger_close"), {"year": last, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert LedgerYear.objects.filter(year=last).exists()
    page = client.get(reverse("cadres:ledger"), {"year": last})
    assert page.context["closed"] and not page.context["may_close"]
    assert [row.closed for row in page.context["rows"]] == [True]


def test_close_refused_without_csrf_and_for_a_district_officer(tree, cadre_officer, district_cadre_officer):
    last = this_year() - 1
    response = signed_in(cadre_officer, enforce_csrf_checks=True).post(reverse("cadres:ledger_close"), {"year": last})
    assert response.status_code == 403
    response = signed_in(district_cadre_officer).post(reverse("cadres:ledger_close"), {"year": last})
    assert response.status_code == 403
    assert not LedgerYear.objects.exists()


def test_closing_this_year_says_why(tree, cadre_officer):
    response = signed_in(cadre_officer).post(reverse("cadres:ledger_close"), {"year": this_year()}, follow=True)
    assert not LedgerYear.objects.exists()
    assert len(list(response.context["messages"])) == 1


# --- rules -------------------------------------------------------------------------------------------
def test_rules_page_shows_the_rule_in_force_per_rank(tree, district_cadre_officer):
    HoursRule.objects.create(rank="staff", starts_year=this_year() + 1, hours=D(120))
    response = signed_in(district_cadre_officer).get(reverse("cadres:rule_list"))
    assert response.status_code == 200
    in_force = {item["rank"]: item["rule"] for item in response.context["in_force"]}
    assert in_force["staff"].hours == 90 and in_force["county_division"].period_years == 5
    assert not response.context["may_change"]


def test_rule_create_and_edit_pages(tree, cadre_officer):
    client = signed_in(cadre_officer)
    fields = {"rank": "staff", "starts_year": 2030, "hours": "100", "period_years": 1, "online_cap_percent": "25"}
    response = client.post(reverse("cadres:rule_create"), fields)
    assert response.status_code == 302
    rule = HoursRule.objects.get(rank="staff", starts_year=2030)
    response = client.post(reverse("cadres:rule_edit", args=[rule.pk]), {**fields, "hours": "110"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.hours == 110


def test_rule_for_a_closed_year_refused_with_a_message(tree, cadre_officer):
    LedgerYear.objects.create(year=2025)
    client = signed_in(cadre_officer)
    fields = {"rank": "staff", "starts_year": 2025, "hours": "100", "period_years": 1, "online_cap_percent": ""}
    response = client.post(reverse("cadres:rule_create"), fields)
    assert response.status_code == 400
    assert "2025" in " ".join(response.context["form"].non_field_errors())
    default = HoursRule.objects.get(rank="staff", starts_year=2000)
    response = client.post(reverse("cadres:rule_edit", args=[default.pk]), {**fields, "starts_year": 2030})
    assert response.status_code == 400
    assert not HoursRule.objects.filter(starts_year__in=[2025, 2030]).exists()


def test_rules_changed_only_by_the_city(tree, district_cadre_officer):
    client = signed_in(district_cadre_officer)
    rule = HoursRule.objects.first()
    assert client.get(reverse("cadres:rule_create")).status_code == 403
    assert client.get(reverse("cadres:rule_edit", args=[rule.pk])).status_code == 404


# --- external training -------------------------------------------------------------------------------
def _fields(**overrides):
    year = this_year()
    fields = {
        "title": "工会法专题培训",
        "provider": "省总工会干部学校",
        "mode": "in_person",
        "starts_on": f"{year}-01-02",
        "ends_on": f"{year}-01-03",
        "hours": "16",
        "certificate": SimpleUploadedFile("证书.pdf", PDF, content_type="application/pdf"),
    }
    fields.update(overrides)
    return fields


def test_cadre_files_and_sees_own_filing(cadre):
    client = signed_in(cadre.user)
    assert client.get(reverse("cadres:my_external_create")).status_code == 200
    response = client.post(reverse("cadres:my_external_create"), _fields())
    training = ExternalTraining.objects.get()
    assert response.status_code == 302 and response.url == reverse("cadres:my_external_detail", args=[training.pk])
    assert (training.cadre, training.filed_by, training.hours) == (cadre, cadre.user, 16)
    assert client.get(response.url).status_code == 200
    certificate = client.get(reverse("cadres:my_external_certificate", args=[training.pk]))
    assert certificate.status_code == 200 and b"".join(certificate.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours": ""}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"hours": "-2"}, "hours"),
        ({"ends_on": "2020-01-01", "starts_on": "2020-01-05"}, "ends_on"),
        (
            {"certificate": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")},
            "certificate",
        ),
        ({"certificate": SimpleUploadedFile("a.pdf", b"", content_type="application/pdf")}, "certificate"),
    ],
)
def test_bad_filings_refused_with_a_message(cadre, overrides, field):
    response = signed_in(cadre.user).post(reverse("cadres:my_external_create"), _fields(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert errors
    assert errors[0] in response.content.decode()
    assert not ExternalTraining.objects.exists()


def test_filing_into_a_closed_year_refused(cadre):
    last = this_year() - 1
    LedgerYear.objects.create(year=last)
    response = signed_in(cadre.user).post(
        reverse("cadres:my_external_create"), _fields(starts_on=f"{last}-05-01", ends_on=f"{last}-05-02")
    )
    assert response.status_code == 400
    assert str(last) in " ".join(response.context["form"].non_field_errors())


def test_certificate_too_large_refused(cadre, monkeypatch):
    from cadres.forms import ledger as forms

    monkeypatch.setattr(forms, "CERTIFICATE_MAX_BYTES", 100)
    big = SimpleUploadedFile("a.png", PNG + b"\x00" * 200, content_type="image/png")
    response = signed_in(cadre.user).post(reverse("cadres:my_external_create"), _fields(certificate=big))
    assert response.status_code == 400
    assert not ExternalTraining.objects.exists()


def test_a_png_photo_is_accepted(cadre):
    photo = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    response = signed_in(cadre.user).post(reverse("cadres:my_external_create"), _fields(certificate=photo))
    assert response.status_code == 302


def _filed(cadre, by=None):
    return services.external_training_file(
        cadre=cadre,
        title="工会法专题培训",
        provider="省总工会干部学校",
        mode="online",
        starts_on=datetime.date(this_year(), 1, 2),
        ends_on=datetime.date(this_year(), 1, 3),
        hours=D(8),
        certificate=SimpleUploadedFile("c.pdf", PDF),
        by=by or cadre.user,
    )


def test_someone_elses_filing_is_404(tree, cadre):
    training = _filed(cadre)
    other = CadreFactory(union=tree["g1"], user=UserFactory())
    client = signed_in(other.user)
    assert client.get(reverse("cadres:my_external_detail", args=[training.pk])).status_code == 404
    assert client.get(reverse("cadres:my_external_certificate", args=[training.pk])).status_code == 404
    nobody = signed_in(UserFactory())
    assert nobody.get(reverse("cadres:my_external_create")).status_code == 404
    assert nobody.get(reverse("cadres:my_external_detail", args=[training.pk])).status_code == 404


def test_officer_pages_scope(tree, cadre, district_cadre_officer):
    training = _filed(cadre)
    other_district = staff(Role.Kind.CADRE_OFFICER, tree["d2"])
    client = signed_in(other_district)
    assert client.get(reverse("cadres:external_detail", args=[training.pk])).status_code == 404
    assert client.get(reverse("cadres:external_certificate", args=[training.pk])).status_code == 404
    assert client.post(reverse("cadres:external_detail", args=[training.pk]), {"action": "approve"}).status_code == 404
    assert training.title not in client.get(reverse("cadres:external_list"), {"scope": "all"}).content.decode()
    client = signed_in(district_cadre_officer)
    assert client.get(reverse("cadres:external_certificate", args=[training.pk])).status_code == 200


def test_waiting_list_and_approval_one_level_up(tree, cadre, district_cadre_officer):
    training = _filed(cadre)
    street_officer = staff(Role.Kind.CADRE_OFFICER, tree["s1"])
    # s1's own officer sees it in scope, but it is not waiting for them and they may not approve.
    street = signed_in(street_officer)
    assert street.get(reverse("cadres:external_list")).context["rows"] == []
    assert [t.pk for t in street.get(reverse("cadres:external_list"), {"scope": "all"}).context["rows"]] == [
        training.pk
    ]
    assert not street.get(reverse("cadres:external_detail", args=[training.pk])).context["may_review"]
    assert street.post(reverse("cadres:external_detail", args=[training.pk]), {"action": "approve"}).status_code == 403
    # d1's officer: waiting for them, approves.
    district = signed_in(district_cadre_officer)
    assert [t.pk for t in district.get(reverse("cadres:external_list")).context["rows"]] == [training.pk]
    response = district.post(reverse("cadres:external_detail", args=[training.pk]), {"action": "approve"})
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.status == ExternalTraining.Status.APPROVED


def test_return_needs_a_reason_and_the_cadre_reads_it(tree, cadre, district_cadre_officer):
    training = _filed(cadre)
    district = signed_in(district_cadre_officer)
    url = reverse("cadres:external_detail", args=[training.pk])
    assert district.post(url, {"action": "return", "reason": ""}).status_code == 400
    assert district.post(url, {"action": "return", "reason": "证书缺少公章"}).status_code == 302
    page = signed_in(cadre.user).get(reverse("cadres:my_external_detail", args=[training.pk]))
    assert "证书缺少公章" in page.content.decode()
    again = signed_in(cadre.user).get(reverse("cadres:my_external_create"), {"again": training.pk})
    assert again.context["form"].initial["title"] == training.title


def test_officer_files_for_a_cadre_in_scope(tree, cadre, district_cadre_officer):
    client = signed_in(district_cadre_officer)
    assert client.get(reverse("cadres:external_create"), {"cadre": cadre.pk}).status_code == 200
    response = client.post(reverse("cadres:external_create"), _fields(cadre=cadre.pk))
    assert response.status_code == 302
    outside = CadreFactory(union=tree["s2"])
    response = client.post(reverse("cadres:external_create"), _fields(cadre=outside.pk))
    assert response.status_code == 400
    assert ExternalTraining.objects.count() == 1


def test_external_list_query_count(tree, cadre, district_cadre_officer, django_assert_max_num_queries):
    for _index in range(12):
        _filed(CadreFactory(union=tree["g1"], user=UserFactory()))
    client = signed_in(district_cadre_officer)
    client.get(reverse("cadres:external_list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cadres:external_list"), {"scope": "all"})
    assert len(response.context["rows"]) == 12


def test_officer_finds_the_cadre_by_name_when_the_scope_is_large(tree, district_cadre_officer, monkeypatch):
    from cadres.views import ledger as views

    monkeypatch.setattr(views, "OFFERED_CADRES_MAX", 2)
    for name in ["张一", "张二", "李三"]:
        CadreFactory(union=tree["g1"], name=name)
    CadreFactory(union=tree["s2"], name="张外")
    client = signed_in(district_cadre_officer)

    def offered(**query):
        form = client.get(reverse("cadres:external_create"), query).context["form"]
        return [label for value, label in form.fields["cadre"].widget.choices if value]

    assert offered() == []  # three cadres: more than the list shows
    assert [label.split("（")[0] for label in offered(q="张")] == ["张一", "张二"]
    assert offered(q="王") == []
