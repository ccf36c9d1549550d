"""Roster files for tests: XLSX, CSV in any encoding, and legacy XLS, built from rows of cells."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = [
    "姓名",
    "性别",
    "身份证号码",
    "手机号码",
    "民族",
    "政治面貌",
    "学历",
    "就业形态",
    "是否农民工",
    "入会时间",
    "所属工会",
]


def row(
    name,
    number,
    mobile="13800138000",
    *,
    sex="",
    ethnicity="汉族",
    political="群众",
    education="本科",
    employment="正式职工",
    migrant="否",
    joined="2023-05-01",
    union="",
):
    return [name, sex, number, mobile, ethnicity, political, education, employment, migrant, joined, union]


def xlsx_bytes(rows, header=HEADER, *, text_ids=True) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    if text_ids:
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, header=HEADER, *, encoding="utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xls_bytes(rows, header=HEADER) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    for r, cells in enumerate([header, *rows]):
        for c, value in enumerate(cells):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "花名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- running imports through the services -----------------------------------------------------------
ENGLISH_HEADER = [
    "Name",
    "Sex",
    "ID number",
    "Mobile",
    "Ethnicity",
    "Political status",
    "Education",
    "Employment type",
    "Migrant worker",
    "Joined on",
    "Union",
]


def people(count: int, *, start: int = 0):
    """``count`` distinct (ID number, mobile) pairs, valid, for large rosters."""
    import datetime

    from members.id_number import check_character

    for n in range(start, start + count):
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 500)
        body = f"110105{born:%Y%m%d}{n % 500 * 2 + 1:03d}"
        yield body + check_character(body), f"139{n:08d}"


def member_state():
    """Everything an import may write about members; compare before and after to prove nothing changed."""
    from members.models import Member, MemberCard, MemberEvent
    from unions.models import Union

    return {
        "members": sorted(
            Member.objects.values_list(
                "pk", "name", "mobile", "union_id", "status", "employer_name", "education", "updated_at"
            )
        ),
        "cards": sorted(MemberCard.objects.values_list("pk", "number", "revoked_on")),
        "events": MemberEvent.objects.count(),
        "card_sequences": sorted(Union.objects.values_list("pk", "card_sequence")),
    }


def start_import(user, union, content: bytes, name: str = "花名册.xlsx"):
    """Upload and dry-run, as the page and the job would (the job's on-commit hook does not run in tests)."""
    from members.services import roster

    record = roster.import_start(user=user, union=union, upload=upload(content, name))
    roster.import_check(record.pk)
    record.refresh_from_db()
    return record


def confirm_import(record, by, mode: str):
    from members.services import roster

    roster.import_confirm(record=record, by=by, mode=mode)
    roster.import_execute(record.pk)
    record.refresh_from_db()
    return record
