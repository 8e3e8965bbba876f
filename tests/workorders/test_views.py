"""The work-order console through Django's test client, as the front desk and the departments
use it: intake with the read-back, the order page and its actions, the inbox, "my work", the
summary register with its CSV and Excel exports, and the printable follow-up record.

The pages are read in English (the language switch's cookie), except where a test says
otherwise: the procedures carry their own names in all three languages, the page texts come
from the translation catalogue."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontdesk.customers.services import ContactInput, ResidenceInput, create_customer
from frontdesk.workorders.models import WorkOrder
from tests.workorders.helpers import act, at, complaint, repair

COMPLAINT_FORM = {
    "fields-caller_name": "王先生",
    "fields-caller_phone": "138 0013 8000",
    "fields-room": "3-2-501",
    "fields-description": "楼上卫生间漏水，天花板滴水",
    "fields-read_back": "confirmed",
    "fields-severity": "ordinary",
    "channel": "phone",
    "priority": "high",
    "complexity": "simple",
}


def client_for(person, language: str = "en") -> Client:
    client = Client()
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def text_of(response) -> str:
    """The page as a person reads it: tags dropped, whitespace folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def field_errors(response, name: str) -> str:
    """The error text shown right below the input called `name`."""
    html = response.content.decode()
    for block in re.findall(r'<div class="field[^"]*">(.*?)</div>\s*(?=<div class="field|</fieldset>|<div class="form)', html, re.S):
        if f'name="{name}"' in block:
            errors = re.search(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', block, re.S)
            return re.sub(r"<[^>]+>", "", errors.group(1)) if errors else ""
    raise AssertionError(f"no input {name} on the page")


def action_keys(response) -> list[str]:
    return re.findall(r'data-action="([a-z_]+)">', response.content.decode())


# --- intake ------------------------------------------------------------------------------


def test_service_types_list_what_the_person_may_record(people):
    # In the default language, the procedures' own Chinese names.
    page = client_for(people.rep, language="zh-hans").get("/workorders/new/")
    assert page.status_code == 200
    assert "业户投诉" in text_of(page) and "工程维修" in text_of(page)

    # The plumber may report a repair (another department's request) but not record a complaint.
    page = client_for(people.plumber).get("/workorders/new/")
    assert "Engineering repair" in text_of(page) and "Resident complaint" not in text_of(page)
    assert client_for(people.plumber).get("/workorders/new/complaint/").status_code == 403
    assert client_for(people.rep).get("/workorders/new/no_such_type/").status_code == 404


def test_intake_form_is_generated_from_the_procedure(people):
    page = client_for(people.rep).get("/workorders/new/complaint/")
    html = page.content.decode()
    assert 'name="fields-caller_phone"' in html and 'type="tel"' in html
    assert 'name="fields-description"' in html and "<textarea" in html
    assert 'type="datetime-local"' in html  # occurred_at
    assert 'type="radio" name="fields-read_back" value="confirmed"' in html
    assert "Read back to the resident and confirmed" in text_of(page)
    assert 'name="channel"' in html and 'name="priority"' in html and 'name="complexity"' in html


def test_read_back_shows_every_value_and_only_confirm_saves(people, clock):
    rep = client_for(people.rep)
    review = rep.post("/workorders/new/complaint/", {**COMPLAINT_FORM, "step": "review"})
    assert review.status_code == 200
    read_back = text_of(review)
    for shown in ("王先生", "138 0013 8000", "3-2-501", "楼上卫生间漏水，天花板滴水", "Read back to the resident and confirmed", "Ordinary", "High"):
        assert shown in read_back
    assert "Confirm and save" in read_back and "Back to edit" in read_back
    assert not WorkOrder.objects.exists()

    # Back to edit: the form again with every value kept, still nothing saved.
    edit = rep.post("/workorders/new/complaint/", {**COMPLAINT_FORM, "step": "edit"})
    html = edit.content.decode()
    assert 'value="王先生"' in html and 'value="138 0013 8000"' in html
    assert "楼上卫生间漏水，天花板滴水</textarea>" in html
    assert 'value="high" selected' in html
    assert not WorkOrder.objects.exists()

    saved = rep.post("/workorders/new/complaint/", {**COMPLAINT_FORM, "step": "confirm"})
    order = WorkOrder.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/workorders/{order.id}/"
    assert order.fields["caller_phone"] == "+8613800138000"
    assert order.priority == "high" and order.created_by == people.rep
    page = rep.get(saved["Location"])
    assert f"Work order {order.number} recorded." in text_of(page)


def test_bad_input_is_shown_next_to_the_fields_and_nothing_is_saved(people):
    rep = client_for(people.rep)
    bad = {**COMPLAINT_FORM, "fields-caller_phone": "1380013", "fields-description": "  "}
    for step in ("review", "confirm"):
        page = rep.post("/workorders/new/complaint/", {**bad, "step": step})
        assert page.status_code == 422
        assert "“1380013” is not a valid phone number." in field_errors(page, "fields-caller_phone")
        assert field_errors(page, "fields-description") == "This field is required."
        assert field_errors(page, "fields-caller_name") == ""
        assert "Nothing was saved" in text_of(page)
    assert not WorkOrder.objects.exists()


def test_a_customer_from_the_archive_is_linked(people):
    customer = create_customer(
        people.rep,
        name="欧阳娜娜",
        contacts=[ContactInput(kind="phone", value="13900139000")],
        residences=[ResidenceInput(building="7", entrance="", room="1203")],
    )
    rep = client_for(people.rep)
    found = rep.get("/workorders/new/customers/", {"q": "oynn"}, headers={"HX-Request": "true"})
    assert "欧阳娜娜" in text_of(found) and f"?id={customer.id}" in found.content.decode()
    chosen = rep.get("/workorders/new/customer/", {"id": customer.id}, headers={"HX-Request": "true"})
    assert f'name="customer_id" value="{customer.id}"' in chosen.content.decode()

    form = {**COMPLAINT_FORM, "customer_id": str(customer.id)}
    review = rep.post("/workorders/new/complaint/", {**form, "step": "review"})
    assert "欧阳娜娜" in text_of(review)
    rep.post("/workorders/new/complaint/", {**form, "step": "confirm"})
    assert WorkOrder.objects.get().customer_id == customer.id


# --- the order page and its actions ------------------------------------------------------


def test_only_the_actions_the_viewer_may_take_are_offered(people):
    order = complaint(people.rep)
    assert action_keys(client_for(people.rep).get(f"/workorders/{order.id}/")) == [
        "dispatch",
        "escalate",
        "set_next_reply",
        "reply",
    ]
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    assert action_keys(client_for(people.plumber).get(f"/workorders/{order.id}/")) == ["accept"]
    # The QA inspector reads everything and acts on nothing.
    page = client_for(people.qa).get(f"/workorders/{order.id}/")
    assert page.status_code == 200 and action_keys(page) == []
    # An action not offered is refused as a page and as a post.
    assert client_for(people.plumber).get(f"/workorders/{order.id}/actions/dispatch/").status_code == 403
    refused = client_for(people.plumber).post(
        f"/workorders/{order.id}/actions/dispatch/", {"version": 2, "fields-department": people.security.id}
    )
    assert refused.status_code == 403
    assert WorkOrder.objects.get(id=order.id).department == people.engineering


def test_dispatch_through_the_action_form_starts_the_countdown(people, clock):
    order = complaint(people.rep)
    rep = client_for(people.rep)
    form = rep.get(f"/workorders/{order.id}/actions/dispatch/", headers={"HX-Request": "true"})
    html = form.content.decode()
    assert "<html" not in html  # a fragment for the order page's panel
    assert 'name="version" value="1"' in html and 'name="fields-department"' in html

    missing = rep.post(f"/workorders/{order.id}/actions/dispatch/", {"version": 1, "fields-department": ""})
    assert missing.status_code == 422 and field_errors(missing, "fields-department") == "This field is required."

    done = rep.post(
        f"/workorders/{order.id}/actions/dispatch/",
        {"version": 1, "fields-department": people.engineering.id, "note": "请尽快处理"},
    )
    assert done.status_code == 302
    page = rep.get(f"/workorders/{order.id}/")
    text = text_of(page)
    assert "Dispatched" in text and "工程部" in text
    assert 'data-due-at="2026-11-23T09:15:00+08:00"' in page.content.decode()
    # The case log: who, when, from -> to, what was recorded, the note.
    assert "Dispatch Recorded → Dispatched" in text and "张敏 · 2026-11-23 09:00" in text
    assert "Responsible department 工程部" in text and "请尽快处理" in text


def test_a_stale_version_is_refused_with_a_link_to_reload(people):
    order = complaint(people.rep)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})  # now version 2
    page = client_for(people.plumber).post(f"/workorders/{order.id}/actions/accept/", {"version": 1})
    assert page.status_code == 409
    assert "Someone else changed this record after you opened it." in text_of(page)
    assert re.search(rf'<a href="/workorders/{order.id}/">Reload the order', page.content.decode())
    assert WorkOrder.objects.get(id=order.id).state == "dispatched"


def test_accepting_stops_the_pick_up_countdown(people, clock):
    order = complaint(people.rep)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    plumber = client_for(people.plumber)
    assert 'data-timer="pickup"' in plumber.get(f"/workorders/{order.id}/").content.decode()
    clock.shift(600)
    plumber.post(f"/workorders/{order.id}/actions/accept/", {"version": 2})
    page = plumber.get(f"/workorders/{order.id}/")
    assert "data-due-at" not in page.content.decode()
    assert "Accepted" in text_of(page) and "Pick-up limit Met" in text_of(page)


def test_masked_phone_for_roles_that_do_not_call(people):
    order = complaint(people.rep)
    assert "138 0013 8000" in text_of(client_for(people.rep).get(f"/workorders/{order.id}/"))
    page = text_of(client_for(people.qa).get(f"/workorders/{order.id}/"))
    assert "138****8000" in page and "138 0013 8000" not in page


def test_outsiders_get_404_and_strangers_the_login(people):
    order = complaint(people.rep)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    guard = client_for(people.guard)  # 保安部: not his department's order
    assert guard.get(f"/workorders/{order.id}/").status_code == 404
    assert guard.get(f"/workorders/{order.id}/print/").status_code == 404
    assert guard.post(f"/workorders/{order.id}/actions/accept/", {"version": 2}).status_code == 404
    assert client_for(people.rep).get("/workorders/999999/").status_code == 404
    anonymous = Client().get(f"/workorders/{order.id}/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_a_photo_is_attached_from_the_order_page(people):
    order = complaint(people.rep)
    png = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    png.name = "漏水.png"
    client = client_for(people.rep)
    client.post(f"/workorders/{order.id}/attachments/", {"file": png})
    page = client.get(f"/workorders/{order.id}/")
    assert "漏水.png" in text_of(page)
    link = re.search(r'<a href="([^"]+)">漏水.png</a>', page.content.decode()).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "image/png"

    # Anything but a photo or PDF is refused with a message, and nothing is kept.
    program = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64)
    program.name = "leak.png"
    refused = client.post(f"/workorders/{order.id}/attachments/", {"file": program}, follow=True)
    assert "Attach a photo" in text_of(refused)
    assert order.attachments.count() == 1


# --- lists -------------------------------------------------------------------------------


def test_inbox_shows_open_orders_of_my_departments_only(people, clock):
    to_engineering = complaint(people.rep)
    act(people.rep, to_engineering, "dispatch", {"department": people.engineering.id})
    to_security = complaint(people.rep, fields={"caller_name": "赵女士"})
    act(people.rep, to_security, "dispatch", {"department": people.security.id})
    complaint(people.rep)  # not dispatched: no department's yet

    plumber_inbox = client_for(people.plumber).get("/workorders/inbox/")
    assert to_engineering.number in text_of(plumber_inbox) and to_security.number not in text_of(plumber_inbox)
    assert 'hx-trigger="every 15s, workorder-changed from:body delay:300ms"' in plumber_inbox.content.decode()
    guard_inbox = client_for(people.guard).get("/workorders/inbox/", headers={"HX-Request": "true"})
    assert "<html" not in guard_inbox.content.decode()
    assert to_security.number in text_of(guard_inbox) and to_engineering.number not in text_of(guard_inbox)

    # Past the 15-minute pick-up limit the row is marked overdue.
    clock.shift(16 * 60)
    rows = client_for(people.plumber).get("/workorders/inbox/", headers={"HX-Request": "true"}).content.decode()
    assert re.search(rf'<tr class="is-overdue" data-order="{to_engineering.number}"', rows)
    assert 'data-overdue-text="overdue by {time}"' in rows


def test_my_work_lists_what_i_recorded_or_am_assigned(people):
    mine = complaint(people.rep)
    theirs = complaint(people.specialist)
    act(people.rep, theirs, "dispatch", {"department": people.engineering.id})
    act(people.plumber, theirs, "accept")
    rep_work = text_of(client_for(people.rep).get("/workorders/"))
    assert mine.number in rep_work and theirs.number not in rep_work
    plumber_work = text_of(client_for(people.plumber).get("/workorders/"))
    assert theirs.number in plumber_work and mine.number not in plumber_work


def _walk_to_closed(people, order):
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    act(people.plumber, order, "accept")
    act(people.plumber, order, "report_result", {"result": "已修好漏水管道", "signed_off_by": people.eng_head.id})
    act(people.rep, order, "verify")
    act(people.rep, order, "return_visit", {"rating_quality": 5, "rating_timeliness": 4, "rating_attitude": 5})
    act(people.rep, order, "close")


def test_register_filters(people, clock):
    first = complaint(people.rep, fields={"description": "电梯噪音很大"})
    act(people.rep, first, "dispatch", {"department": people.engineering.id})
    clock.shift(24 * 3600)  # Tuesday
    second = repair(people.rep, fields={"description": "厨房水龙头漏水"})
    third = complaint(people.rep, fields={"description": "门禁卡失灵"})
    act(people.rep, third, "dispatch", {"department": people.security.id})
    clock.shift(20 * 60)  # both pick-up limits of today's dispatches have passed

    rep = client_for(people.rep)

    def numbers(**filters):
        return set(re.findall(r'data-order="([A-Z]+-\d+-\d+)"', rep.get("/workorders/register/", filters).content.decode()))

    assert numbers() == {first.number, second.number, third.number}
    assert numbers(service_type="repair") == {second.number}
    assert numbers(state="dispatched") == {first.number, third.number}
    assert numbers(department=people.security.id) == {third.number}
    assert numbers(date_from="2026-11-24") == {second.number, third.number}
    assert numbers(date_to="2026-11-23") == {first.number}
    assert numbers(q="漏水") == {second.number}
    assert numbers(overdue="on") == {first.number, third.number}
    assert numbers(overdue="on", department=people.engineering.id) == {first.number}
    # A bad date is reported and left out, never a 500.
    page = rep.get("/workorders/register/", {"date_from": "2026-13-45"})
    assert page.status_code == 200 and len(re.findall(r'data-order="', page.content.decode())) == 3


def test_register_loads_more_with_the_filters_kept(people, settings):
    settings.FRONTDESK_PAGE_SIZE = 2
    orders = [complaint(people.rep) for _ in range(3)] + [repair(people.rep)]
    rep = client_for(people.rep)
    page = rep.get("/workorders/register/", {"service_type": "complaint"}).content.decode()
    assert re.findall(r'data-order="([^"]+)"', page) == [orders[2].number, orders[1].number]
    more = re.search(r'<a class="button" href="([^"]+)" hx-get', page).group(1).replace("&amp;", "&")
    assert "service_type=complaint" in more
    rest = rep.get("/workorders/register/" + more, headers={"HX-Request": "true"}).content.decode()
    assert re.findall(r'data-order="([^"]+)"', rest) == [orders[0].number]


def _paid_repair(people):
    order = repair(people.rep)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    act(people.plumber, order, "accept")
    act(people.plumber, order, "arrive")
    act(people.plumber, order, "quote", {"quote_amount": "350", "quote_detail": "更换角阀"})
    return order


def test_csv_export_opens_in_excel_and_is_masked_per_role(people):
    order = _paid_repair(people)
    complaint(people.rep)

    response = client_for(people.qa).get("/workorders/register/export.csv", {"service_type": "repair"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, data = rows[0], rows[1:]
    assert len(data) == 1
    row = dict(zip(header, data[0]))
    assert row["Number"] == order.number and row["Service type"] == "Engineering repair"
    assert row["State"] == "On site"
    assert row["Phone"] == "139****5678"  # the QA inspector does not call residents
    assert row["Quote (yuan)"] == "350.00"
    assert row["Responsible department"] == "工程部"

    # Across service types the recorded fields go into one column; the front desk sees the phone.
    rows = list(csv.reader(io.StringIO(client_for(people.rep).get("/workorders/register/export.csv").content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert any("139 1234 5678" in cell for cell in rows[1] + rows[2])


def test_xlsx_export_has_the_same_rows_with_money_as_numbers(people):
    order = _paid_repair(people)
    response = client_for(people.rep).get("/workorders/register/export.xlsx", {"service_type": "repair"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    assert len(rows) == 2
    cells = dict(zip(header, rows[1]))
    assert cells["Number"].value == order.number
    assert Decimal(str(cells["Quote (yuan)"].value)) == Decimal("350.00")
    assert cells["Quote (yuan)"].number_format == "0.00"
    assert cells["Phone"].value == "139 1234 5678"


def test_exported_text_never_runs_as_a_formula(people):
    complaint(people.rep, fields={"description": "=HYPERLINK(\"http://example.com\")"})
    client = client_for(people.rep)
    rows = list(csv.reader(io.StringIO(client.get("/workorders/register/export.csv", {"service_type": "complaint"}).content.decode("utf-8-sig"))))
    assert dict(zip(rows[0], rows[1]))["What happened"] == "'=HYPERLINK(\"http://example.com\")"
    response = client.get("/workorders/register/export.xlsx", {"service_type": "complaint"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, row = [c.value for c in sheet[1]], sheet[2]
    cell = row[header.index("What happened")]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://example.com\")"


def test_the_export_costs_the_same_queries_for_more_orders_and_counts_local_days(people, clock):
    def export(**filters) -> tuple[list[list[str]], int]:
        with CaptureQueriesContext(connection) as queries:
            body = client_for(people.rep).get("/workorders/register/export.csv", filters).content
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:], len(queries)

    def dispatched_orders(count: int) -> None:
        for _ in range(count):
            order = complaint(people.rep)
            act(people.rep, order, "dispatch", {"department": people.engineering.id})
            act(people.eng_head, order, "accept")

    dispatched_orders(2)
    few, queries_for_few = export()
    dispatched_orders(6)
    many, queries_for_many = export()
    assert (len(few), len(many)) == (2, 8)
    assert queries_for_many == queries_for_few  # not one more per order

    # 00:30 on Tuesday in Shanghai is still Monday in UTC: the filter's days are local days.
    clock.move_to(at(0, 30, day=datetime.date(2026, 11, 24)))
    late = complaint(people.rep)
    assert [row[0] for row in export(date_from="2026-11-24")[0]] == [late.number]
    assert late.number not in [row[0] for row in export(date_to="2026-11-23")[0]]


def test_exports_keep_outsiders_out(people):
    order = complaint(people.rep)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    rows = list(csv.reader(io.StringIO(client_for(people.guard).get("/workorders/register/export.csv").content.decode("utf-8-sig"))))
    assert rows[1:] == []


# --- the follow-up record ----------------------------------------------------------------


def test_follow_up_record_reads_like_the_paper_form(people, clock):
    order = complaint(people.rep)
    _walk_to_closed(people, order)
    page = client_for(people.rep).get(f"/workorders/{order.id}/print/")
    assert page.status_code == 200
    text = text_of(page)
    assert "Resident complaint follow-up record" in text
    for shown in (order.number, "王先生", "138 0013 8000", "3-2-501", "楼上卫生间漏水", "工程部", "已修好漏水管道"):
        assert shown in text
    # Each step with who signed and when: dispatch, pick-up by the plumber, result, return visit.
    for step, person in (("Dispatch", "张敏"), ("Accept", "郑师傅"), ("Report result", "郑师傅"), ("Return visit", "张敏")):
        assert re.search(f"{step} .*?Signature {person} · 2026-11-23", text), step
    assert "Signed off by (department head) 吴强 (E001)" in text
    assert "Quality 5 of 5" in text and "Timeliness 4 of 5" in text


def test_follow_up_record_of_a_new_order_leaves_the_later_steps_blank(people):
    order = complaint(people.rep)
    text = text_of(client_for(people.rep).get(f"/workorders/{order.id}/print/"))
    # Empty boxes to fill in by hand: the department's result and its head's signature.
    assert re.search(r"Report result Result Signed off by \(department head\) Handled by Signature", text)


def test_every_shipped_procedure_gets_its_forms(people):
    """Generated from the YAML: a new procedure needs no code. Each intake page renders for a
    person allowed to record it, and every action's form has an input for each of its fields."""
    from frontdesk.workorders.forms import ProcedureFieldsForm
    from frontdesk.workorders.loader import load_procedures

    everyone = [people.rep, people.specialist, people.supervisor, people.manager, people.gm, people.eng_head,
                people.plumber, people.visits]
    for procedure in load_procedures().values():
        recorder = next(p for p in everyone if p.roles & set(procedure.intake.roles))
        page = client_for(recorder).get(f"/workorders/new/{procedure.key}/")
        assert page.status_code == 200, procedure.key
        for key in procedure.intake.fields:
            assert f'name="fields-{key}"' in page.content.decode(), (procedure.key, key)
        for action in procedure.actions.values():
            html = ProcedureFieldsForm(procedure, action).as_div()
            for key in action.fields:
                assert f'name="fields-{key}"' in html, (procedure.key, action.key, key)
