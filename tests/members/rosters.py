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
