"""Tables as files for Excel and the like: CSV (UTF-8 with a byte-order mark, without which
Excel reads Chinese as another encoding) and XLSX. Used by every register that exports.

A value typed by a person never runs as a formula: in CSV a text starting with = + - @ gets a
leading apostrophe, in XLSX text cells stay text. Decimals are shown with two decimals."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ("=1+1", "-2 楼") must never run as one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value) -> str:
    text = "" if value is None else f"{value}"
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_STARTS) else text


def as_download(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows, filename: str) -> HttpResponse:
    """`rows`: the header, then the rows, as an iterable of lists."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    return as_download(response, filename)


def xlsx_response(rows, filename: str, sheet_title: str) -> HttpResponse:
    """`rows`: the header, then the rows. The header row is frozen and sets the widths."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    rows = iter(rows)
    header = next(rows)
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(str(title)) * 2 + 2)
    sheet.freeze_panes = "A2"
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, Decimal):
                cell.number_format = "0.00"
            elif isinstance(value, str):
                cell.data_type = "s"  # text stays text: "=..." never runs, ID numbers never become numbers
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return as_download(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), filename)
