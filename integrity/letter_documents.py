"""The responsibility letter as documents: the Word template (docxtpl fields), the filled .docx, and the
PDF with the same text.

A node's template is a Word document with fields in double braces (``FIELDS``). It is typed by an
officer, so it is rendered in Jinja's sandbox with strict undefined: a field the portal does not know is
refused when the template is uploaded (``check_template``), never left blank in a letter. The portal's
own template (``DEFAULT_TEMPLATE``) is built by ``build_default_template`` (the management command
``integrity_letter_template`` writes it again).

The PDF is made from the filled .docx itself: its paragraphs (and table cells) are read back with
python-docx and printed by WeasyPrint (``accounts.pdf.render_pdf``), so the Word letter and the PDF say
the same words whatever template the node uses.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docxtpl import DocxTemplate, Listing
from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "responsibility_letter.docx"
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
# A .docx is a zip: more entries or unpacked bytes than a letter ever has is refused before reading it.
TEMPLATE_MAX_ENTRIES = 500
TEMPLATE_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The fields a template may use, with what each one holds (shown on the template page).
FIELDS = {
    "year": gettext_lazy("the letter's year, e.g. 2026"),
    "union": gettext_lazy("the node's name (the first party)"),
    "party_name": gettext_lazy("the leader's name or the department's name (the second party)"),
    "post": gettext_lazy("the leader's post (empty for a department)"),
    "items": gettext_lazy("the responsibility items, one per line"),
    "item_list": gettext_lazy("the same items as a list, for {% for item in item_list %}"),
    "date": gettext_lazy("the date the letter was drafted, e.g. 2026年1月5日"),
}


def chinese_date(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _env() -> SandboxedEnvironment:
    # Sandboxed: the template is typed by a user. Autoescape: names go into XML.
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def context_for(*, year: int, union: str, party_name: str, post: str, items: str, date: datetime.date) -> dict:
    lines = [line.strip() for line in items.splitlines() if line.strip()]
    return {
        "year": year,
        "union": union,
        "party_name": party_name,
        "post": post,
        "items": Listing("\n".join(lines)),
        "item_list": lines,
        "date": chinese_date(date),
    }


def sample_context() -> dict:
    """What a template is tried with before it is accepted."""
    return context_for(
        year=2026,
        union="示例区总工会",
        party_name="张三",
        post="副主席",
        items="落实党风廉政建设主体责任\n严守中央八项规定精神",
        date=datetime.date(2026, 1, 5),
    )


def letter_context(letter) -> dict:
    return context_for(
        year=letter.year,
        union=letter.union.name,
        party_name=letter.cadre.name if letter.cadre_id else letter.department,
        post=letter.post,
        items=letter.items or "",
        date=timezone.localdate(letter.created_at),
    )


def fill(template: bytes, context: dict) -> bytes:
    """The template filled with ``context``, as .docx bytes (raises jinja2's errors as they come)."""
    document = DocxTemplate(io.BytesIO(template))
    document.render(context, jinja_env=_env(), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > TEMPLATE_MAX_ENTRIES:
                return False
            if sum(info.file_size for info in infos) > TEMPLATE_MAX_UNPACKED_BYTES:
                return False
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def check_template(data: bytes) -> None:
    """Accept a Word template or say clearly why not: not a .docx, too large, a field the portal does
    not know, or a field written wrong. The template is filled with sample data before it is accepted."""
    if len(data) > TEMPLATE_MAX_BYTES:
        raise ValidationError(_("The template is larger than 5 MB."), code="too_large")
    if not _is_docx(data):
        raise ValidationError(_("Upload the template as a Word document (.docx)."), code="file_type")
    try:
        document = DocxTemplate(io.BytesIO(data))
        unknown = document.get_undeclared_template_variables(jinja_env=_env(), context=sample_context())
    except TemplateError as exc:
        raise ValidationError(
            _("The template has a field written wrong: %(error)s") % {"error": exc.message or str(exc)},
            code="syntax",
        ) from exc
    except Exception as exc:
        raise ValidationError(_("The Word document cannot be read as a template."), code="unreadable") from exc
    if unknown:
        raise ValidationError(
            _("The template uses a field the portal does not know: %(fields)s. Known fields: %(known)s.")
            % {
                "fields": ", ".join(sorted(unknown)),
                "known": ", ".join(FIELDS),
            },
            code="unknown_field",
        )
    try:
        fill(data, sample_context())
    except UndefinedError as exc:
        raise ValidationError(
            _("The template uses a field the portal does not know: %(fields)s. Known fields: %(known)s.")
            % {"fields": exc.message, "known": ", ".join(FIELDS)},
            code="unknown_field",
        ) from exc
    except TemplateError as exc:
        raise ValidationError(
            _("The template has a field written wrong: %(error)s") % {"error": exc.message or str(exc)},
            code="syntax",
        ) from exc
    except Exception as exc:
        raise ValidationError(_("The Word document cannot be filled in as a template."), code="unreadable") from exc


# --- reading a filled letter back, for the PDF --------------------------------------------------------
@dataclass(frozen=True)
class Block:
    text: str
    align: str = ""  # "center", "right" or ""
    bold: bool = False
    size: float | None = None  # points, when the paragraph says
    indent: bool = False  # a first-line indent


_ALIGN = {WD_ALIGN_PARAGRAPH.CENTER: "center", WD_ALIGN_PARAGRAPH.RIGHT: "right"}


def _block(paragraph) -> Block:
    runs = [run for run in paragraph.runs if run.text.strip()]
    sizes = [run.font.size.pt for run in runs if run.font.size is not None]
    return Block(
        text=paragraph.text,
        align=_ALIGN.get(paragraph.alignment, ""),
        bold=bool(runs) and all(run.bold for run in runs),
        size=max(sizes) if sizes else None,
        indent=bool(paragraph.paragraph_format.first_line_indent),
    )


def blocks(docx: bytes) -> list[Block]:
    """The filled letter's text, paragraph by paragraph in document order (a table's cells in turn)."""
    document = Document(io.BytesIO(docx))
    result = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            result.append(_block(next(p for p in document.paragraphs if p._p is child)))
        elif child.tag == qn("w:tbl"):
            table = next(t for t in document.tables if t._tbl is child)
            for row in table.rows:
                cells = [cell.text.strip() for cell in row.cells]
                result.append(Block(text="　　".join(cell for cell in cells if cell)))
    return result


# --- the portal's default template --------------------------------------------------------------------
def _run(paragraph, text: str, *, size: float = 14, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = "SimSun"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    return run


def build_default_template(path: Path = DEFAULT_TEMPLATE) -> Path:
    """Write the portal's default letter template (python-docx), with the fields of ``FIELDS``."""
    document = Document()
    for section in document.sections:
        section.top_margin = section.bottom_margin = Pt(72)
        section.left_margin = section.right_margin = Pt(80)

    def paragraph(text: str = "", *, align=None, size: float = 14, bold: bool = False, indent: bool = False):
        p = document.add_paragraph()
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(6)
        p.paragraph_format.line_spacing = 1.5
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        if text:
            _run(p, text, size=size, bold=bold)
        return p

    paragraph("{{ year }}年度党风廉政建设责任书", align=WD_ALIGN_PARAGRAPH.CENTER, size=20, bold=True)
    paragraph()
    paragraph("甲方：{{ union }}党组")
    paragraph("乙方：{{ party_name }}{% if post %}（{{ post }}）{% endif %}")
    paragraph(
        "为深入推进全面从严治党，落实党风廉政建设主体责任和“一岗双责”，根据上级有关规定，"
        "经甲乙双方协商，签订{{ year }}年度党风廉政建设责任书如下。",
        indent=True,
    )
    paragraph("一、责任内容", bold=True)
    paragraph("{%p for item in item_list %}")
    paragraph("{{ loop.index }}. {{ item }}", indent=True)
    paragraph("{%p endfor %}")
    paragraph("二、责任要求", bold=True)
    paragraph(
        "乙方应严格遵守中央八项规定及其实施细则精神，对职责范围内的党风廉政建设负直接领导责任，"
        "自觉接受组织和群众监督，发现问题及时报告、及时整改。",
        indent=True,
    )
    paragraph("三、责任考核", bold=True)
    paragraph(
        "甲方对乙方履行责任情况进行年度考核，考核结果作为评先评优、选拔任用的重要依据。",
        indent=True,
    )
    paragraph("本责任书一式两份，甲乙双方各执一份，自签订之日起生效，有效期至{{ year }}年12月31日。", indent=True)
    paragraph()
    paragraph("甲方（签字）：　　　　　　　　乙方（签字）：")
    paragraph()
    paragraph("{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def default_template_bytes() -> bytes:
    if not DEFAULT_TEMPLATE.exists():
        build_default_template()
    return DEFAULT_TEMPLATE.read_bytes()
