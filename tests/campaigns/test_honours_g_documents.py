"""The honours' documents: the approval form filled into the Word template (read back with python-docx)
and as a PDF, the notice for posting, the round's summary for leaders (read with pdftotext and turned
into PNGs), who may download what (404 for everyone else), and the documents panels."""

import datetime
import io
import subprocess

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from docx import Document

from accounts.models import AuditEvent
from campaigns import honour_summary, kinds, nomination_form
from campaigns.models import Nomination, NominationReview, Objection, Quota
from unions.models import Role

from ..factories import staff
from .honour_factories import HonourFactory, NominationFactory, NoticeFactory, honour_kind

pytestmark = pytest.mark.django_db

DEEDS = "带领班组攻克<数控>难题 & 创新工艺，节约成本120万元。\n第二年获评市技术能手。"


def pdf_text(content: bytes, tmp_path, name: str = "document") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def pdf_pngs(content: bytes, tmp_path, name: str) -> list:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / name)], check=True)
    return sorted(tmp_path.glob(f"{name}*.png"))


def docx_text(content: bytes) -> str:
    """Every paragraph and every table cell of the document, in order."""
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


@pytest.fixture
def reviewed(nomination, organiser, city_staff):
    """The nomination submitted, returned once by the district, submitted again, passed by the district
    and the city."""
    reviewer_d1 = organiser
    reviewer_d1.name = "区审核员"
    reviewer_d1.save()
    city_staff.name = "市审核员"
    city_staff.save()
    nomination.deeds = DEEDS
    nomination.status = Nomination.Status.VETTING
    nomination.submitted_at = timezone.now() - datetime.timedelta(days=5)
    nomination.save()
    NominationReview.objects.create(
        nomination=nomination,
        stage="first",
        outcome="returned",
        comment="事迹材料不全",
        by=reviewer_d1,
        at=timezone.now() - datetime.timedelta(days=9),
    )
    NominationReview.objects.create(
        nomination=nomination,
        stage="first",
        outcome="passed",
        comment="同意推荐",
        by=reviewer_d1,
        at=timezone.now() - datetime.timedelta(days=4),
    )
    NominationReview.objects.create(
        nomination=nomination,
        stage="second",
        outcome="passed",
        comment="同意上报联审",
        by=city_staff,
        at=timezone.now() - datetime.timedelta(days=2),
    )
    return nomination


# --- the Word form -----------------------------------------------------------------------------------
def test_the_clerk_downloads_the_word_form_with_the_nominee_deeds_and_each_levels_opinion(client, clerk1, reviewed):
    client.force_login(clerk1)
    response = client.get(f"/campaigns/honours/nominations/{reviewed.pk}/form.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == nomination_form.DOCX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    text = docx_text(response.content)
    assert "2026年度劳动模范推荐审批表" in text
    assert reviewed.nominee_name in text and "东城机械厂工会" in text and "数控车工" in text
    assert "女" in text and "1985年6月" in text and "中共党员" in text
    # The deeds survive '<' and '&', and keep their line break.
    assert "带领班组攻克<数控>难题 & 创新工艺" in text and "第二年获评市技术能手" in text
    # The democratic review's figures and the unit's notice.
    assert "参加45人" in text and "赞成43票" in text and "反对1票" in text and "弃权1票" in text
    assert "2026年3月2日至2026年3月6日" in text
    # One row per level since the last submission: the return before it is history.
    rows = [[cell.text for cell in row.cells] for row in Document(io.BytesIO(response.content)).tables[1].rows]
    assert rows[0][0] == "审核层级"
    assert [row[:4] for row in rows[1:]] == [
        ["初审", "通过", "同意推荐", "区审核员"],
        ["复审", "通过", "同意上报联审", "市审核员"],
    ]
    assert "事迹材料不全" not in text
    assert "（盖章）" in text and "年　　月　　日" in text
    event = AuditEvent.objects.get(action=kinds.NOMINATION_FORM_DOWNLOADED)
    assert event.actor == clerk1 and event.target_id == str(reviewed.pk) and event.detail == {"format": "docx"}


def test_a_field_typed_like_a_template_stays_text(nomination):
    nomination.nominee_name = "{{ title }}"
    nomination.deeds = "{% for x in reviews %}X{% endfor %} \x07 </w:t>"
    nomination.save()
    text = docx_text(nomination_form.docx_bytes(nomination))
    assert "{{ title }}" in text and "{% for x in reviews %}X{% endfor %}" in text and "</w:t>" in text
    assert "（尚无审核意见）" in text


def test_a_template_with_a_field_the_portal_does_not_know_is_an_error(nomination, tmp_path):
    from jinja2 import UndefinedError

    document = Document()
    document.add_paragraph("{{ id_number }}")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(UndefinedError):
        nomination_form.docx_bytes(nomination, template=out.getvalue())


def test_the_committed_template_is_the_one_the_command_builds(tmp_path):
    from django.core.management import call_command

    call_command("build_nomination_form_template", output=str(tmp_path / "form.docx"), stdout=io.StringIO())
    built = docx_text((tmp_path / "form.docx").read_bytes())
    committed = docx_text(nomination_form.TEMPLATE.read_bytes())
    assert built == committed
    assert "{{ title }}" in committed and "{%tr for row in reviews %}" in committed


def test_the_committed_template_uses_only_the_documented_fields_and_the_context_fills_them_all(nomination):
    from docxtpl import DocxTemplate

    used = DocxTemplate(str(nomination_form.TEMPLATE)).get_undeclared_template_variables()
    assert used <= set(nomination_form.FIELDS)
    assert set(nomination_form.FIELDS) <= set(nomination_form.context(nomination))


# --- the PDF form ------------------------------------------------------------------------------------
def test_the_pdf_form_says_what_the_word_form_says(client, city_staff, reviewed, tmp_path):
    client.force_login(city_staff)
    response = client.get(f"/campaigns/honours/nominations/{reviewed.pk}/form.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path, "form")
    assert "2026年度劳动模范推荐审批表" in text
    assert reviewed.nominee_name in text and "数控车工" in text
    assert "带领班组攻克<数控>难题 & 创新工艺" in text
    assert "初审" in text and "同意推荐" in text and "复审" in text and "市审核员" in text
    assert "事迹材料不全" not in text
    assert "（盖章）" in text
    pages = pdf_pngs(response.content, tmp_path, "form")
    assert len(pages) == 1 and pages[0].stat().st_size > 5000
    assert AuditEvent.objects.filter(action=kinds.NOMINATION_FORM_DOWNLOADED, detail={"format": "pdf"}).count() == 1


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
def test_the_form_is_404_outside_the_nominations_scope(client, tree, clerk2, other_district_staff, nomination, suffix):
    url = f"/campaigns/honours/nominations/{nomination.pk}/form.{suffix}"
    for user in (clerk2, other_district_staff, staff(Role.Kind.LEADER, tree["city"], username="leader-city")):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(clerk2)
    assert client.get(f"/campaigns/honours/nominations/999999/form.{suffix}").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    assert not AuditEvent.objects.filter(action=kinds.NOMINATION_FORM_DOWNLOADED).exists()


# --- the notice for posting --------------------------------------------------------------------------
@pytest.fixture
def notice(honour_round, tree, city_staff, clerk1):
    notice = NoticeFactory(round=honour_round, published_by=city_staff, contact="市总工会组织部 0571-12345678")
    for n, union in enumerate((tree["g1"], tree["g2"], tree["g3"])):
        NominationFactory(
            round=honour_round,
            union=union,
            first_node=tree["d1"],
            created_by=clerk1,
            nominee_name=f"公示人{n}",
            birth_date=datetime.date(1979, 11, 23),
            status=Nomination.Status.NOTICE,
            notice=notice,
            deeds="长期扎根一线。" * 40,
        )
    NominationFactory(
        round=honour_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1, nominee_name="未公示人"
    )
    return notice


def test_the_organisers_staff_print_the_notice_with_the_public_fields_only(client, city_staff, notice, tmp_path):
    client.force_login(city_staff)
    response = client.get(f"/campaigns/honours/notices/{notice.pk}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path, "notice")
    assert notice.title in text.replace("\n", "").replace(" ", "") or "拟表彰对象公示" in text
    assert "公示人0" in text and "公示人2" in text and "未公示人" not in text
    assert "西城食品公司工会" in text and "劳动模范" in text and "数控车工" in text
    assert "2026年6月1日" in text and "2026年6月5日" in text and "5" in text
    assert "0571-12345678" in text and "市总工会" in text
    assert "1979" not in text  # no birth date
    pages = pdf_pngs(response.content, tmp_path, "notice")
    assert pages and pages[0].stat().st_size > 5000


def test_the_notice_holds_a_qr_code_of_the_public_page(notice):
    from campaigns import notice_document

    context = notice_document.context(notice)
    assert context["url"].endswith(f"/campaigns/notice/{notice.token}/")
    assert "<svg" in context["qr"]
    assert all(set(row) == {"name", "sex", "unit", "post", "honour", "deeds"} for row in context["nominees"])
    assert all(len(row["deeds"]) <= 150 for row in context["nominees"])


def test_the_notice_pdf_is_404_but_for_the_organisers_staff(client, tree, clerk1, organiser, district_leader, notice):
    url = f"/campaigns/honours/notices/{notice.pk}/notice.pdf"
    for user in (clerk1, organiser, district_leader, staff(Role.Kind.LEADER, tree["city"], username="leader-city")):
        client.force_login(user)
        assert client.get(url).status_code == 404


# --- the round's summary -----------------------------------------------------------------------------
@pytest.fixture
def round_figures(honour_round, tree, city_staff, clerk1, notice):
    """Besides the notice's three: one awarded, one rejected, one withdrawn, one in review (d2), one at
    the city's own level; quotas for d1 and d2; two objections (one upheld, one late and open)."""
    medal = honour_kind("五一劳动奖章")
    make = NominationFactory
    awarded = make(
        round=honour_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1, status="awarded", woman=False
    )
    make(round=honour_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1, status="rejected")
    make(round=honour_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1, status="withdrawn", kind=medal)
    make(round=honour_round, union=tree["g2"], first_node=tree["d2"], created_by=clerk1, status="submitted", kind=medal)
    make(round=honour_round, union=tree["city"], first_node=None, created_by=city_staff, status="forwarded")
    HonourFactory(
        union=tree["g1"],
        created_by=city_staff,
        round=honour_round,
        nomination=awarded,
        year=2026,
        number="RY2026-00001",
    )
    for node, count in ((tree["d1"], 4), (tree["d2"], 3)):
        Quota.objects.create(round=honour_round, node=node, kind=honour_kind(), count=count, set_by=city_staff)
    first = Nomination.objects.filter(notice=notice).first()
    Objection.objects.create(
        notice=notice, nomination=first, objector_name="异议人甲", objector_mobile="x", facts="事实", status="upheld"
    )
    Objection.objects.create(
        notice=notice, nomination=first, objector_name="异议人乙", objector_mobile="x", facts="事实", late=True
    )
    return honour_round


def test_the_summary_counts_by_honour_and_union_with_shares_and_objections(round_figures):
    context = honour_summary.context(round_figures)
    by_kind = {row["label"]: row for row in context["kind_rows"]}
    assert by_kind["劳动模范"]["nominated"] == 6  # 3 in notice, awarded, rejected, the city's own; the draft not
    assert by_kind["劳动模范"]["notice"] == 3 and by_kind["劳动模范"]["awarded"] == 1
    assert by_kind["劳动模范"]["quota"] == 7
    assert by_kind["五一劳动奖章"]["withdrawn"] == 1 and by_kind["五一劳动奖章"]["in_review"] == 1
    by_node = {row["label"]: row for row in context["node_rows"]}
    assert by_node["东城区总工会"]["nominated"] == 6 and by_node["东城区总工会"]["quota"] == 4
    assert by_node["西城区总工会"]["nominated"] == 1 and by_node["市教育工会"]["nominated"] == 0
    own = [row for row in context["node_rows"] if "own level" in row["label"] or "本级" in row["label"]]
    assert own and own[0]["nominated"] == 1
    shares = {row["rule"].flag: row for row in context["share_rows"]}
    # Alive persons: 3 in notice + awarded + in review + forwarded = 6, of whom the awarded is no woman.
    assert (shares["woman"]["count"], shares["woman"]["total"], shares["woman"]["met"]) == (5, 6, True)
    assert (shares["woman"]["awarded_count"], shares["woman"]["awarded_total"]) == (0, 1)
    assert shares["woman"]["awarded_met"] is False
    assert context["objections"] == {"received": 2, "open": 1, "upheld": 1, "dismissed": 0, "late": 1}
    assert [label for label, _start, _end in context["timeline"]][-1] in ("Final decision", "审定")
    assert "<svg" in context["chart"]


def test_the_summary_pdf_names_no_nominee_and_no_objector(client, tree, round_figures, tmp_path):
    leader = staff(Role.Kind.LEADER, tree["city"], username="leader-city")
    client.force_login(leader)
    response = client.get(f"/campaigns/honours/rounds/{round_figures.pk}/summary.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path, "summary")
    assert "2026年度市劳动模范评选" in text and "东城区总工会" in text and "劳动模范" in text
    assert "女性" in text and "异议" in text
    assert "公示人" not in text and "候选人" not in text and "异议人甲" not in text and "异议人乙" not in text
    pages = pdf_pngs(response.content, tmp_path, "summary")
    assert pages and pages[0].stat().st_size > 5000


def test_the_summary_is_404_below_the_organiser_and_for_clerks(
    client, clerk1, organiser, district_leader, round_figures
):
    url = f"/campaigns/honours/rounds/{round_figures.pk}/summary.pdf"
    for user in (clerk1, organiser, district_leader):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_the_summary_takes_a_fixed_number_of_queries(tree, round_figures, clerk1):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            honour_summary.context(round_figures)
        return len(captured)

    small = queries()
    for n in range(30):
        NominationFactory(
            round=round_figures,
            union=tree["g2" if n % 2 else "g3"],
            first_node=tree["d2" if n % 2 else "ind"],
            created_by=clerk1,
            status="submitted" if n % 3 else "awarded",
            nominee_name=f"批量{n}",
        )
    assert queries() == small <= 12


# --- the panels --------------------------------------------------------------------------------------
def _render(template: str, user, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(template, {"user": user, "request": request, **context})


def test_the_nomination_panel_offers_the_form_to_whoever_sees_the_nomination(clerk1, clerk2, nomination):
    html = _render("campaigns/honours/nomination/_documents_panel.html", clerk1, nomination=nomination)
    assert f"/campaigns/honours/nominations/{nomination.pk}/form.docx" in html and "form.pdf" in html
    assert _render("campaigns/honours/nomination/_documents_panel.html", clerk2, nomination=nomination).strip() == ""


def test_the_round_panel_offers_the_summary_to_leaders_and_the_notices_to_the_organisers_staff(
    tree, city_staff, clerk1, notice, honour_round
):
    html = _render("campaigns/honours/round/_documents_panel.html", city_staff, round=honour_round)
    assert f"/campaigns/honours/rounds/{honour_round.pk}/summary.pdf" in html
    assert f"/campaigns/honours/notices/{notice.pk}/notice.pdf" in html
    leader = staff(Role.Kind.LEADER, tree["city"], username="leader-city")
    html = _render("campaigns/honours/round/_documents_panel.html", leader, round=honour_round)
    assert "summary.pdf" in html and "notice.pdf" not in html
    assert _render("campaigns/honours/round/_documents_panel.html", clerk1, round=honour_round).strip() == ""
