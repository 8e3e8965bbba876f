"""The summary register (汇总表) as a file: CSV for anything, XLSX for Excel. Both are written
from one row builder, so they always carry the same columns and the same (masked) values.

Columns: what every order has (number, type, time, handler, customer, state, department ...),
then, when the register is filtered to one service type, one column per field that procedure
declares (money as a number with two decimals); across several types, the recorded fields go
into one "details" column, since each type names its fields differently.
"""


from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _

from frontdesk.core import clock, spreadsheets
from frontdesk.workorders import display
from frontdesk.workorders.choices import Channel, Complexity, Priority
from frontdesk.workorders.models import Timer
from frontdesk.workorders.procedure import Procedure
from frontdesk.workorders.versions import procedure_of

CHUNK = 500  # orders read per query while writing a file


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
    # Everything a row shows comes with its order or in one query per chunk, never per order.
    orders = (
        orders.select_related("created_by", "customer", "department", "assignee", "procedure_version")
        .defer("procedure_version__definition")
        .prefetch_related(Prefetch("timers", queryset=Timer.objects.order_by("due_at")))
    )
    for chunk in _chunks(orders.order_by("-id").iterator(chunk_size=CHUNK), CHUNK):
        # The departments and staff the chunk's recorded values name, in one query per kind.
        references = display.ReferenceNames(
            [(spec, order.fields.get(key)) for order in chunk for key, spec in procedure_of(order).fields.items()]
        )
        for order in chunk:
            yield _register_row(order, viewer, procedure, references, labels, now)


def _register_row(order, viewer, procedure: Procedure | None, references, labels: dict, now) -> list:
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
    values = display.recorded_values(own, order.fields, viewer, references)
    if procedure is not None:
        by_key = {value["key"]: value for value in values}
        for key, spec in procedure.fields.items():
            if spec.type == "money":
                row.append(display.money(order.fields.get(key)))
            else:
                row.append(by_key[key]["text"] if key in by_key else "")
    else:
        row.append("；".join(f"{value['name']}：{value['text']}" for value in values))
    return row


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# A cell starting with one of these is a formula to Excel: text a caller dictated


def csv_response(orders, viewer, procedure: Procedure | None, filename: str) -> HttpResponse:
    return spreadsheets.csv_response(register_table(orders, viewer, procedure), filename)


def xlsx_response(orders, viewer, procedure: Procedure | None, filename: str) -> HttpResponse:
    return spreadsheets.xlsx_response(register_table(orders, viewer, procedure), filename, _("Summary register"))
