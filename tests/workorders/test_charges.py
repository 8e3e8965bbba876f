"""Charges as data: the engine computes money from a procedure's price table (Decimal, rounded
half up to the fen), records it in the order and in the action's case-log entry; a bad price
table is refused when the file is loaded."""

import copy
from decimal import Decimal

import pytest

from frontdesk.core.errors import InvalidInput
from frontdesk.workorders import loader, services
from frontdesk.workorders.effects import charge_amount
from frontdesk.workorders.loader import from_definition, load_procedures, parse_definition
from frontdesk.workorders.models import WorkOrder
from tests.workorders.helpers import act, actions_logged, repair
from tests.workorders.test_loader import minimal, names, problems_of

COPIES_FOR_A_RESIDENT = {
    "requester_kind": "outside",
    "requester_name": "王先生",
    "room": "3-2-501",
    "a4_pages": 10,
    "a3_pages": 2,
    "no_receipt_explained": "explained",
}


def copying(actor, **fields) -> WorkOrder:
    return services.create_work_order(actor, "copying", fields={**COPIES_FOR_A_RESIDENT, **fields})


def priced(lines, **charge) -> dict:
    """The minimal procedure with two count fields, a money field and a charge at intake."""
    definition = minimal()
    definition["fields"].update(
        sheets={"type": "count", "name": names("张数")},
        colour_sheets={"type": "count", "name": names("彩色张数")},
        quoted={"type": "money", "name": names("报价")},
        fee={"type": "money", "name": names("费用")},
    )
    definition["intake"]["optional"] = ["sheets", "colour_sheets", "quoted"]
    definition["intake"]["effects"] = [{"charge": {"into": "fee", "lines": lines, **charge}}]
    return definition


def use(monkeypatch, definition):
    procedure = parse_definition(definition, "sample.yaml")
    monkeypatch.setattr(loader, "load_procedures", lambda folder=None: {"sample": procedure})
    return procedure


# --- the price table in the copying procedure (seed 000 §四) ------------------------------


def test_ten_a4_and_two_a3_cost_fourteen_yuan(people, clock):
    order = copying(people.rep)
    assert order.fields["fee_due"] == "14.00"
    assert Decimal(order.fields["fee_due"]) == Decimal("14.00")
    assert "department_expense" not in order.fields
    # The case log's intake entry shows the amount the engine worked out next to the counts.
    intake = order.events.get(action="create")
    assert intake.fields["fee_due"] == "14.00" and intake.fields["a4_pages"] == 10
    # Handing over the copies records the cash collected: the amount due, no receipt.
    order = act(people.rep, order, "hand_over")
    assert order.state == "closed"
    assert order.fields["cash_collected"] == "14.00"
    assert order.events.get(action="hand_over").fields == {"cash_collected": "14.00"}
    # What the database holds reads back the same.
    assert WorkOrder.objects.get(id=order.id).fields["cash_collected"] == "14.00"


def test_a_departments_copies_go_to_its_expense_account_not_the_till(people, clock):
    order = copying(
        people.rep,
        requester_kind="department",
        requester_name="工程部 吴强",
        expense_department=people.engineering.id,
        documents="维修单据",
        no_receipt_explained=None,
    )
    assert order.fields["department_expense"] == "14.00"
    assert order.fields["expense_department"] == people.engineering.id
    assert "fee_due" not in order.fields
    order = act(people.rep, order, "hand_over")
    assert "cash_collected" not in order.fields
    assert order.events.get(action="hand_over").fields == {}
    # It is a register entry, not a job for the department: nobody there is notified.
    assert not services.notifications_for(people.eng_head).exists()


def test_a_departments_copies_name_the_department_and_the_documents(people, clock):
    with pytest.raises(InvalidInput) as refused:
        copying(people.rep, requester_kind="department", no_receipt_explained=None)
    assert set(refused.value.fields) == {"fields.expense_department", "fields.documents"}
    assert not WorkOrder.objects.exists()


def test_paid_copies_are_told_there_is_no_receipt_first(people, clock):
    with pytest.raises(InvalidInput) as refused:
        copying(people.rep, requester_kind="staff_private", no_receipt_explained=None)
    assert list(refused.value.fields) == ["fields.no_receipt_explained"]
    assert not WorkOrder.objects.exists()


def test_page_counts_are_whole_numbers(people, clock):
    for bad in ["2.5", -1, "十", True]:
        with pytest.raises(InvalidInput) as refused:
            copying(people.rep, a3_pages=bad)
        assert list(refused.value.fields) == ["fields.a3_pages"]
    assert not WorkOrder.objects.exists()


# --- computing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sheets, price, expected",
    [
        (1, "0.125", "0.13"),  # half up: banker's rounding would give 0.12
        (3, "0.125", "0.38"),  # 0.375
        (2, "0.125", "0.25"),
        (7, "0.3333", "2.33"),  # 2.3331
        (1, "0.005", "0.01"),
        (0, "1.00", "0.00"),
    ],
)
def test_the_total_is_rounded_half_up_to_the_fen(sheets, price, expected):
    procedure = parse_definition(priced([{"count": "sheets", "unit_price": price}]), "sample.yaml")
    assert charge_amount(procedure.intake.effects[0].charge, {"sheets": sheets}) == expected


def test_rounding_applies_once_to_the_total_not_to_each_line():
    lines = [{"count": "sheets", "unit_price": "0.125"}, {"count": "colour_sheets", "unit_price": "0.125"}]
    charge = parse_definition(priced(lines), "sample.yaml").intake.effects[0].charge
    # 0.125 + 0.125 = 0.25; rounding each line first would give 0.13 + 0.13 = 0.26.
    assert charge_amount(charge, {"sheets": 1, "colour_sheets": 1}) == "0.25"


def test_a_quoted_amount_line_adds_what_a_person_entered(people, clock, monkeypatch):
    use(monkeypatch, priced([{"count": "sheets", "unit_price": "0.50"}, {"amount_field": "quoted"}]))
    order = services.create_work_order(
        people.rep, "sample", fields={"summary": "装订", "sheets": 3, "quoted": "20.1"}
    )
    assert order.fields["fee"] == "21.60"
    # Nothing recorded that the charge reads: no charge, rather than a made-up 0.00.
    order = services.create_work_order(people.rep, "sample", fields={"summary": "咨询"})
    assert "fee" not in order.fields
    assert "fee" not in order.events.get().fields


def test_an_amount_too_large_to_record_is_refused_and_nothing_is_written(people, clock, monkeypatch):
    use(monkeypatch, priced([{"count": "sheets", "unit_price": "99999999.00"}]))
    with pytest.raises(InvalidInput) as refused:
        services.create_work_order(people.rep, "sample", fields={"summary": "x", "sheets": 1000})
    assert list(refused.value.fields) == ["fields.fee"]
    assert not WorkOrder.objects.exists()


def test_a_stored_definition_charges_the_same(people):
    """An order runs under the definition it started with, read back from JSON."""
    definition = priced([{"count": "sheets", "unit_price": "1.10"}])
    stored = from_definition(copy.deepcopy(definition), "stored")
    assert stored.intake.effects[0].charge.lines[0].unit_price == Decimal("1.10")
    assert charge_amount(stored.intake.effects[0].charge, {"sheets": 3}) == "3.30"


def test_the_paid_repair_charges_the_accepted_quote(people, clock):
    order = act(people.rep, repair(people.rep), "dispatch", {"department": people.engineering.id})
    order = act(people.plumber, order, "accept")
    order = act(people.plumber, order, "arrive", {"inspection": "热水器内胆漏水"})
    order = act(people.plumber, order, "quote", {"quote_amount": "350", "quote_detail": "更换内胆"})
    order = act(people.rep, order, "answer_quote", {"quote_response": "accepted"})
    order = act(people.plumber, order, "report_result", {"work_done": "更换内胆", "fee_collected": "350.00"})
    assert order.fields["fee_charged"] == "350.00"
    assert order.events.get(action="report_result").fields == {
        "work_done": "更换内胆",
        "fee_collected": "350.00",
        "fee_charged": "350.00",
    }
    assert actions_logged(order)[-3:] == ["quote", "answer_quote", "report_result"]


def test_a_declined_quote_charges_nothing(people, clock):
    order = act(people.rep, repair(people.rep), "dispatch", {"department": people.engineering.id})
    for action, fields in [
        ("accept", {}),
        ("arrive", {}),
        ("quote", {"quote_amount": "120.00", "quote_response": "declined"}),
        ("report_result", {"work_done": "业户不同意更换，已关闭阀门"}),
    ]:
        order = act(people.plumber, order, action, fields)
    assert "fee_charged" not in order.fields


def test_the_shipped_price_tables_are_decimal():
    prices = [
        line.unit_price
        for procedure in load_procedures().values()
        for action in (procedure.intake, *procedure.actions.values())
        for effect in action.effects
        if effect.kind == "charge"
        for line in effect.charge.lines
        if line.count
    ]
    assert prices == [Decimal("1.00"), Decimal("2.00")] * 2  # copying: cash and expense account


# --- a bad price table is refused when the file is loaded --------------------------------


def with_charge(charge: dict, change=None):
    definition = priced([])
    definition["intake"]["effects"] = [{"charge": charge}]
    if change:
        change(definition)
    return definition


BAD_CHARGES = {
    "a float price": (
        {"into": "fee", "lines": [{"count": "sheets", "unit_price": 1.0}]},
        'intake.effects[0].charge.lines[0].unit_price: write the price in quotes, e.g. "1.0"',
    ),
    "a whole-number price": (
        {"into": "fee", "lines": [{"count": "sheets", "unit_price": 2}]},
        "intake.effects[0].charge.lines[0].unit_price: write the price in quotes",
    ),
    "a price that is not a number": (
        {"into": "fee", "lines": [{"count": "sheets", "unit_price": "一元"}]},
        "intake.effects[0].charge.lines[0].unit_price: “一元” is not a price in yuan",
    ),
    "a negative price": (
        {"into": "fee", "lines": [{"count": "sheets", "unit_price": "-1.00"}]},
        "“-1.00” is not a price in yuan (0 or more, at most 4 decimals)",
    ),
    "a price finer than a ten-thousandth": (
        {"into": "fee", "lines": [{"count": "sheets", "unit_price": "0.00001"}]},
        "“0.00001” is not a price in yuan",
    ),
    "into a field that is not money": (
        {"into": "sheets", "lines": [{"count": "sheets", "unit_price": "1.00"}]},
        "intake.effects[0].charge.into: “sheets” is not a declared money field",
    ),
    "into an undeclared field": (
        {"into": "total", "lines": [{"count": "sheets", "unit_price": "1.00"}]},
        "intake.effects[0].charge.into: “total” is not a declared money field",
    ),
    "into a field the person records": (
        {"into": "quoted", "lines": [{"count": "sheets", "unit_price": "1.00"}]},
        "intake.effects[0].charge.into: “quoted” is computed by this charge, so a person cannot also record it here",
    ),
    "a count that is not a count field": (
        {"into": "fee", "lines": [{"count": "summary", "unit_price": "1.00"}]},
        "intake.effects[0].charge.lines[0].count: “summary” is not a declared count field",
    ),
    "an amount field that is not money": (
        {"into": "fee", "lines": [{"amount_field": "sheets"}]},
        "intake.effects[0].charge.lines[0].amount_field: “sheets” is not a declared money field",
    ),
    "an amount field that is the charge itself": (
        {"into": "fee", "lines": [{"amount_field": "fee"}]},
        "“fee” is the field this charge writes",
    ),
    "a line that is both": (
        {"into": "fee", "lines": [{"count": "sheets", "unit_price": "1.00", "amount_field": "quoted"}]},
        "intake.effects[0].charge.lines[0]: a line is either {count: …, unit_price: …} or {amount_field: …}",
    ),
    "a count without a price": (
        {"into": "fee", "lines": [{"count": "sheets"}]},
        "intake.effects[0].charge.lines[0]: a line needs count and unit_price",
    ),
    "no lines": ({"into": "fee", "lines": []}, "intake.effects[0].charge.lines: a list of lines"),
    "no into": (
        {"lines": [{"count": "sheets", "unit_price": "1.00"}]},
        "intake.effects[0].charge: “into” is missing",
    ),
    "an unknown key": (
        {"into": "fee", "lines": [{"count": "sheets", "unit_price": "1.00"}], "currency": "CNY"},
        "intake.effects[0].charge.currency: unknown key; the keys here are: into, lines",
    ),
}


@pytest.mark.parametrize("charge, expected", BAD_CHARGES.values(), ids=BAD_CHARGES.keys())
def test_a_bad_charge_is_named_with_file_and_place(tmp_path, charge, expected):
    assert expected in problems_of(tmp_path, with_charge(charge))


def test_a_price_written_unquoted_in_yaml_is_refused(tmp_path):
    """The mistake the rule is for: `unit_price: 1.10` in a file is a float."""
    path = tmp_path / "sample.yaml"
    text = (
        "key: sample\nprefix: SP\nname: {zh-hans: 样例, zh-hant: 樣例, en: Sample}\ninitial: open\n"
        "fields:\n  pages: {type: count, name: {zh-hans: 张数, zh-hant: 張數, en: Pages}}\n"
        "  fee: {type: money, name: {zh-hans: 费用, zh-hant: 費用, en: Fee}}\n"
        "states:\n  open: {name: {zh-hans: 开, zh-hant: 開, en: Open}}\n"
        "  done: {name: {zh-hans: 完, zh-hant: 完, en: Done}, final: true}\n"
        "intake:\n  name: {zh-hans: 登记, zh-hant: 登記, en: Record}\n  roles: [representative]\n"
        "  requires: [pages]\n  effects:\n    - charge: {into: fee, lines: [{count: pages, unit_price: 1.10}]}\n"
        "actions:\n  finish: {name: {zh-hans: 完, zh-hant: 完, en: Finish}, from: [open], to: done, "
        "roles: [representative]}\n"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(loader.ProcedureError) as refused:
        loader.load_file(path)
    assert str(refused.value) == (
        'sample.yaml: intake.effects[0].charge.lines[0].unit_price: write the price in quotes, e.g. "1.1": '
        "money is never a float here"
    )


BAD_REQUIREMENTS = {
    "a field that is not optional here": (
        lambda d: d["intake"].update(requires_when={"summary": {"sheets": "filled"}}),
        "intake.requires_when.summary: “summary” is not an optional field of this action",
    ),
    "a condition on another action's field": (
        lambda d: (
            d["fields"].update(kind={"type": "choice", "name": names("类别"), "options": {"a": names("甲")}})
            or d["intake"].update(requires_when={"sheets": {"kind": ["a"]}})
        ),
        "intake.requires_when.sheets: “kind” is not recorded by this action",
    ),
    "no condition": (
        lambda d: d["intake"].update(requires_when={"sheets": None}),
        "intake.requires_when.sheets: say when it is required",
    ),
}


@pytest.mark.parametrize("change, expected", BAD_REQUIREMENTS.values(), ids=BAD_REQUIREMENTS.keys())
def test_a_bad_conditional_requirement_is_named(tmp_path, change, expected):
    definition = priced([{"count": "sheets", "unit_price": "1.00"}])
    change(definition)
    assert expected in problems_of(tmp_path, definition)
