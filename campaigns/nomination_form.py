"""The nomination approval form (推荐审批表): the federation's Word template filled with docxtpl, and the
same form as a PDF (WeasyPrint, ``accounts.pdf.render_pdf``: no LibreOffice).

The template is an ordinary Word document with fields in double braces, committed at ``TEMPLATE``; the
federation may edit it in Word (or build it again with ``manage.py build_nomination_form_template``) as
long as it keeps to the fields of ``FIELDS``. It is rendered in Jinja's sandbox with autoescape and strict
undefined: a deeds text with ``<`` or ``&`` stays text, and a field the portal does not know is an error,
never a blank on a signed form.

Values are Chinese whatever the reader's language: the form is an official paper.
"""

import datetime
import io
import re

from django.conf import settings
from django.utils import timezone, translation
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate, Listing
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from accounts.pdf import render_pdf

from .models import CategoryFlag, Nomination, NominationReview

TEMPLATE = settings.BASE_DIR / "templates" / "campaigns" / "docx" / "nomination_form.docx"
PDF_TEMPLATE = "reports/campaigns/nomination_form.html"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORM_LANGUAGE = "zh-hans"

# The fields the template may use: the reference for whoever edits the Word template.
FIELDS = {
    "title": "the form's title, e.g. 2026年度劳动模范推荐审批表",
    "year": "the round's year",
    "round_title": "the round's title",
    "honour": "the honour nominated for",
    "nominee_name": "the nominee (a person, team or unit)",
    "sex": "sex",
    "birth": "year and month of birth, e.g. 1985年6月",
    "political_status": "political status",
    "unit": "the nominee's unit",
    "post": "post",
    "union": "the nominating union",
    "first_level": "the district or industry union of the first review",
    "organiser": "the round's organiser",
    "categories": "the nominee's categories, e.g. 企业职工、一线职工",
    "deeds": "the deeds, line breaks kept",
    "review_meeting_on": "the democratic review's meeting date",
    "review_attendance": "how many attended the democratic review",
    "votes_for": "votes for",
    "votes_against": "votes against",
    "votes_abstaining": "abstentions",
    "unit_notice_from": "the unit's notice: first day",
    "unit_notice_to": "the unit's notice: last day",
    "reviews": "one row per level: level, outcome, comment, by, date",
    "today": "the date the form was printed",
}

# Word refuses XML 1.0's forbidden control characters; docxtpl turns \a and \f into paragraph and page breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
STAGE_ORDER = [stage for stage, _label in NominationReview.Stage.choices]


def clean(value) -> str:
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def chinese_date(value: datetime.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def chinese_month(value: datetime.date | None) -> str:
    return f"{value.year}年{value.month}月" if value else ""


def _figure(value) -> str:
    return "" if value is None else str(value)


def review_rows(nomination: Nomination, reviews) -> list[dict]:
    """Each level's latest opinion since the nomination was last submitted, in the order of the levels
    (a return before a resubmission is history, not the level's opinion on this form)."""
    latest: dict[str, NominationReview] = {}
    for review in reviews:
        if nomination.submitted_at and review.at < nomination.submitted_at:
            continue
        latest[review.stage] = review  # reviews come oldest first
    rows = []
    for stage in STAGE_ORDER:
        review = latest.get(stage)
        if review is None:
            continue
        by = review.by
        rows.append(
            {
                "level": clean(review.get_stage_display()),
                "outcome": clean(review.get_outcome_display()),
                "comment": clean(review.comment),
                "by": clean(by.name or by.get_username()),
                "date": chinese_date(timezone.localdate(review.at)),
            }
        )
    return rows


def load(pk: int) -> Nomination:
    """The nomination with everything the form prints (three queries: it, its reviews, their users)."""
    return Nomination.objects.select_related("round__organiser", "kind", "union", "first_node").get(pk=pk)


def context(nomination: Nomination) -> dict:
    """The form's fields for the Word template and the PDF (strings, in Chinese)."""
    with translation.override(FORM_LANGUAGE):
        round_ = nomination.round
        reviews = list(nomination.reviews.select_related("by").order_by("at", "id"))
        flags = [str(label) for value, label in CategoryFlag.choices if getattr(nomination, value)]
        honour = clean(nomination.kind.name)
        return {
            "title": f"{round_.year}年度{honour}推荐审批表",
            "year": round_.year,
            "round_title": clean(round_.title),
            "honour": honour,
            "nominee_name": clean(nomination.nominee_name),
            "sex": clean(nomination.get_sex_display()) if nomination.sex else "",
            "birth": chinese_month(nomination.birth_date),
            "political_status": clean(nomination.get_political_status_display()) if nomination.political_status else "",
            "unit": clean(nomination.unit_name),
            "post": clean(nomination.post),
            "team_size": _figure(nomination.team_size),
            "union": clean(nomination.union.name),
            "first_level": clean(nomination.first_node.name) if nomination.first_node_id else "",
            "organiser": clean(round_.organiser.name),
            "categories": "、".join(flags),
            "deeds": clean(nomination.deeds),
            "review_meeting_on": chinese_date(nomination.review_meeting_on),
            "review_attendance": _figure(nomination.review_attendance),
            "votes_for": _figure(nomination.votes_for),
            "votes_against": _figure(nomination.votes_against),
            "votes_abstaining": _figure(nomination.votes_abstaining),
            "unit_notice_from": chinese_date(nomination.unit_notice_from),
            "unit_notice_to": chinese_date(nomination.unit_notice_to),
            "reviews": review_rows(nomination, reviews),
            "today": chinese_date(timezone.localdate()),
        }


def _env() -> SandboxedEnvironment:
    # Sandboxed and strict: the template may be replaced by the federation. Autoescape: values go into XML.
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def docx_bytes(nomination: Nomination, *, template: bytes | None = None) -> bytes:
    """The approval form filled in, as .docx bytes."""
    fields = context(nomination)
    fields["deeds"] = Listing(fields["deeds"])  # escaped once, line breaks kept
    document = DocxTemplate(io.BytesIO(template if template is not None else TEMPLATE.read_bytes()))
    document.render(fields, jinja_env=_env(), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(nomination: Nomination) -> bytes:
    """The same form as a PDF, A4 portrait."""
    form = context(nomination)
    return render_pdf(PDF_TEMPLATE, {"form": form, "title": form["title"]}, language=FORM_LANGUAGE)


def file_name(nomination: Nomination, suffix: str) -> str:
    return f"nomination-{nomination.pk}-form.{suffix}"


# --- the template itself (python-docx): ``manage.py build_nomination_form_template`` ---------------------
FONT = "宋体"


def _run(paragraph, text: str, *, size: float = 12, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = "SimSun"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _cell(cell, text: str = "", *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER, size: float = 12):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    if text:
        _run(paragraph, text, size=size, bold=bold)
    return paragraph


def _row_height(row, cm: float) -> None:
    row.height = Cm(cm)


def _bordered(table) -> None:
    """Single black borders on every cell, whatever style the reader's Word has."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "6")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)


def build_template(path=TEMPLATE):
    """Write the portal's approval form template (A4 portrait), with the fields of ``FIELDS``."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.2)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "{{ title }}", size=18, bold=True)
    head = document.add_paragraph()
    _run(head, "推荐单位（盖章）：{{ union }}　　　　　　填表日期：{{ today }}", size=10.5)

    table = document.add_table(rows=8, cols=6)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _bordered(table)
    widths = [Cm(2.6), Cm(3.4), Cm(2.2), Cm(2.6), Cm(2.4), Cm(3.4)]
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    r = table.rows
    for col, text in ((0, "姓　　名"), (2, "性　别"), (4, "出生年月")):
        _cell(r[0].cells[col], text, bold=True)
    _cell(r[0].cells[1], "{{ nominee_name }}")
    _cell(r[0].cells[3], "{{ sex }}")
    _cell(r[0].cells[5], "{{ birth }}")
    _cell(r[1].cells[0], "政治面貌", bold=True)
    _cell(r[1].cells[1], "{{ political_status }}")
    _cell(r[1].cells[2], "职务（岗位）", bold=True)
    _cell(r[1].cells[3].merge(r[1].cells[5]), "{{ post }}")
    labelled = (
        (2, "工作单位", "{{ unit }}", WD_ALIGN_PARAGRAPH.LEFT),
        (3, "推荐荣誉", "{{ honour }}", WD_ALIGN_PARAGRAPH.LEFT),
        (4, "人员类别", "{{ categories }}", WD_ALIGN_PARAGRAPH.LEFT),
        (5, "主要事迹", "{{ deeds }}", WD_ALIGN_PARAGRAPH.LEFT),
        (
            6,
            "民主评议情况",
            "评议会议于{{ review_meeting_on }}召开，参加{{ review_attendance }}人；赞成{{ votes_for }}票，"
            "反对{{ votes_against }}票，弃权{{ votes_abstaining }}票。",
            WD_ALIGN_PARAGRAPH.LEFT,
        ),
        (
            7,
            "单位公示情况",
            "{{ unit_notice_from }}至{{ unit_notice_to }}在本单位公示，无异议。",
            WD_ALIGN_PARAGRAPH.LEFT,
        ),
    )
    for index, label, field, align in labelled:
        _cell(r[index].cells[0], label, bold=True)
        paragraph = _cell(r[index].cells[1].merge(r[index].cells[5]), field, align=align)
        if index == 5:
            paragraph.paragraph_format.first_line_indent = Pt(24)
            paragraph.paragraph_format.line_spacing = 1.3
    _row_height(r[5], 9)
    for row in r:
        if row is not r[5]:
            _row_height(row, 1.1)

    opinions = document.add_paragraph()
    opinions.paragraph_format.space_before = Pt(10)
    _run(opinions, "各级审核意见", size=12, bold=True)
    reviews = document.add_table(rows=4, cols=5)
    reviews.alignment = WD_TABLE_ALIGNMENT.CENTER
    _bordered(reviews)
    for cell, text in zip(
        reviews.rows[0].cells, ("审核层级", "审核结果", "意　　见", "审核人", "日　　期"), strict=True
    ):
        _cell(cell, text, bold=True)
    # docxtpl's row loop: the first and last rows hold only the tags and are dropped.
    _cell(reviews.rows[1].cells[0], "{%tr for row in reviews %}")
    for cell, field in zip(
        reviews.rows[2].cells,
        ("{{ row.level }}", "{{ row.outcome }}", "{{ row.comment }}", "{{ row.by }}", "{{ row.date }}"),
        strict=True,
    ):
        _cell(cell, field, size=10.5)
    _cell(reviews.rows[3].cells[0], "{%tr endfor %}")
    none_yet = document.add_paragraph()
    _run(none_yet, "{% if not reviews %}（尚无审核意见）{% endif %}", size=10.5)

    stamps = document.add_table(rows=2, cols=3)
    stamps.alignment = WD_TABLE_ALIGNMENT.CENTER
    _bordered(stamps)
    for cell, text in zip(
        stamps.rows[0].cells,
        ("推荐单位意见", '{{ first_level or "区（产业）工会" }}意见', "{{ organiser }}意见"),
        strict=True,
    ):
        _cell(cell, text, bold=True)
    for cell in stamps.rows[1].cells:
        paragraph = _cell(cell, "")
        for _blank in range(3):
            paragraph.add_run().add_break()
        _run(paragraph, "（盖章）", size=12)
        paragraph.add_run().add_break()
        _run(paragraph, "年　　月　　日", size=12)
    _row_height(stamps.rows[1], 4.2)

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path
