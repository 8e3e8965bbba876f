"""The summary register (汇总表) as a file: CSV for anything, XLSX for Excel. Both are written
from one row builder, so they always carry the same columns and the same (masked) values.

Columns: what every order has (number, type, time, handler, customer, state, department ...),
then, when the register is filtered to one service type, one column per field that procedure
declares (money as a number with two decimals); across several types, the recorded fields go
into one "details" column, since each type names its fields differently.
"""

import csv
import io
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from frontdesk.core import clock
from frontdesk.workorders import display
from frontdesk.workorders.choices import Channel, Complexity, Priority
from frontdesk.workorders.models import Timer
from frontdesk.workorders.procedure import Procedure
from frontdesk.workorders.versions import procedure_of

CHUNK = 500  # orders read per query while writing a file
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def register_table(orders, viewer, procedure: Procedure | None):
    """The header and then one row per order: texts, and Decimals for money."""
    header = [
        _("Number"),
        _("Service type"),
        _("Recorded at"),
        _("Recorded by"),
        _("Customer"),
        _("State"),
        _("Escalated"),
        _("Overdue"),
        _("Responsible department"),
        _("Assignee"),
        _("Priority"),
        _("Complexity"),
        _("Channel"),
    ]
    if procedure is not None:
        header += [spec.name.get() for spec in procedure.fields.values()]
    else:
        header.append(_("Details"))
    yield header

    now = clock.now()
    labels = {**dict(Priority.choices), **dict(Complexity.choices), **dict(Channel.choices)}
    orders = orders.select_related("created_by").prefetch_related(
        Prefetch("timers", queryset=Timer.objects.order_by("due_at"))
    )
    for order in orders.order_by("-id").iterator(chunk_size=CHUNK):
        own = procedure_of(order)
        row = [
            order.number,
            own.name.get(),
            display.local_time(order.created_at),
            display.person_name(order.created_by),
            order.customer.name if order.customer else "",
            display.state_name(own, order.state),
            _yes_no(order.escalated),
            _yes_no(display.is_overdue(list(order.timers.all()), now)),
            order.department.name if order.department else "",
            display.person_name(order.assignee),
            str(labels.get(order.priority, order.priority)),
            str(labels.get(order.complexity, order.complexity)),
            str(labels.get(order.channel, order.channel)),
        ]
        values = display.recorded_values(own, order.fields, viewer)
        if procedure is not None:
            by_key = {value["key"]: value for value in values}
            for key, spec in procedure.fields.items():
                if spec.type == "money":
                    row.append(display.money(order.fields.get(key)))
                else:
                    row.append(by_key[key]["text"] if key in by_key else "")
        else:
            row.append("；".join(f"{value['name']}：{value['text']}" for value in values))
        yield row


# A cell starting with one of these is a formula to Excel: text a caller dictated
# ("=1+1", "-2 楼") must never run as one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value) -> str:
    text = "" if value is None else f"{value}"
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_STARTS) else text


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(orders, viewer, procedure: Procedure | None, filename: str) -> HttpResponse:
    """UTF-8 with a byte-order mark: without it Excel reads the Chinese as another encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in register_table(orders, viewer, procedure):
        writer.writerow([_csv_text(value) for value in row])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def xlsx_response(orders, viewer, procedure: Procedure | None, filename: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Summary register")[:31])
    widths: dict[int, int] = {}
    rows = register_table(orders, viewer, procedure)
    header = next(rows)
    for index, title in enumerate(header, start=1):
        widths[index] = max(10, len(title) * 2 + 2)
        sheet.column_dimensions[get_column_letter(index)].width = widths[index]
    sheet.freeze_panes = "A2"
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, Decimal):
                cell.number_format = "0.00"
            elif isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it starts with "="
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), filename)
