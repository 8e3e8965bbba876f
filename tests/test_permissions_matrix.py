"""Who may call what: one table with a row for every operation of the API, checked for every
persona. An operation in the OpenAPI document without a row here fails the suite, so a new
endpoint cannot ship without a decided rule.

Each request is a real, valid one (the database is rolled back after each case): the
permission checks live in the services, after the request is parsed, so an invalid body
would be refused with 422 before the permission was ever asked.

    allowed: the status is neither 401 nor 403 (and not 404: the object is visible)
    hidden:  404 — the actor may use the operation, but the object is outside their
             department's scope (or is someone else's token), so it does not exist for them
    anyone else: 403 with code "forbidden"
"""

from dataclasses import dataclass, field

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from frontdesk.accounts.models import Department
from frontdesk.accounts.services import create_token
from frontdesk.core.api import api as ninja_api
from frontdesk.customers.services import ContactInput, create_customer
from frontdesk.handover.services import write_handover
from frontdesk.hotel import services as hotel_services
from frontdesk.workorders.attachments import add_attachment
from frontdesk.workorders.services import create_work_order, take_action
from tests.conftest import PERSONAS, json_of
from tests.hotel.helpers import matrix_targets

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)

EVERYONE = frozenset(p[0] for p in PERSONAS)
DEPARTMENT_ROLES = frozenset({"eng_head", "plumber", "guard"})
STAFF_MANAGERS = frozenset({"manager", "gm", "admin"})
VIEW_CUSTOMERS = frozenset({"rep", "specialist", "visits", "supervisor", "manager", "gm", "qa", "analyst", "admin"})
EDIT_CUSTOMERS = frozenset({"rep", "specialist", "supervisor", "manager", "gm", "admin"})
MERGE_CUSTOMERS = frozenset({"supervisor", "manager", "gm", "admin"})
TOKEN_USERS = EVERYONE - {"plumber", "guard"}
# Work orders: who may record a complaint and take its actions is the procedure's to say
# (complaint.yaml); the order used below is dispatched to engineering, so the guard (security)
# does not see it. QA inspectors and data analysts read every order and change none.
COMPLAINT_INTAKE = frozenset({"rep", "specialist", "supervisor", "manager"})
SEE_ENGINEERING_ORDER = EVERYONE - {"guard"}
HOTEL_VIEW = VIEW_CUSTOMERS
HOTEL_DESK = EDIT_CUSTOMERS
HOTEL_SETUP = frozenset({"manager", "gm", "admin"})


@dataclass(frozen=True)
class Rule:
    allowed: frozenset
    hidden: frozenset = frozenset()  # 404 for these: see the module's docstring
    query: dict = field(default_factory=dict)
    body: dict | None = None
    upload: bool = False  # send a small PNG as multipart field "file" instead of a JSON body
    why: str = ""


# Path ids: {department_id} is engineering, {staff_id} the plumber (of engineering),
# {customer_id} a customer, {token_id} the manager's own token, {order_id} a complaint dispatched
# to engineering (at {order_version}), with {attachment_id} attached and {notification_id} the
# engineering head's notice of it; {action} is "accept". Bodies are valid requests.
RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/api/v1/me"): Rule(EVERYONE),
    ("GET", "/api/v1/departments"): Rule(EVERYONE, why="department roles get their own department only"),
    ("POST", "/api/v1/departments"): Rule(STAFF_MANAGERS, body={"code": "cleaning", "name": "保洁部"}),
    ("GET", "/api/v1/departments/{department_id}"): Rule(EVERYONE - {"guard"}, hidden=frozenset({"guard"})),
    ("PATCH", "/api/v1/departments/{department_id}"): Rule(STAFF_MANAGERS, body={"version": 1, "phone": "0755-8888 1001"}),
    ("DELETE", "/api/v1/departments/{department_id}"): Rule(
        STAFF_MANAGERS, why="engineering has staff, so managers get 422; the right is what is checked"
    ),
    ("GET", "/api/v1/staff"): Rule(EVERYONE, why="department roles get their colleagues only"),
    ("POST", "/api/v1/staff"): Rule(
        STAFF_MANAGERS,
        body={"username": "li", "full_name": "李四", "employee_number": "F010", "password": "a-long-pass-phrase-7"},
    ),
    ("GET", "/api/v1/staff/{staff_id}"): Rule(EVERYONE - {"guard"}, hidden=frozenset({"guard"})),
    ("PATCH", "/api/v1/staff/{staff_id}"): Rule(STAFF_MANAGERS, body={"version": 1, "phone": "13900139000"}),
    ("DELETE", "/api/v1/staff/{staff_id}"): Rule(STAFF_MANAGERS, query={"version": 1}),
    ("GET", "/api/v1/on-duty"): Rule(EVERYONE),
    ("GET", "/api/v1/tokens"): Rule(TOKEN_USERS, why="only staff managers see other people's tokens"),
    ("POST", "/api/v1/tokens"): Rule(TOKEN_USERS, body={"name": "脚本"}),
    ("DELETE", "/api/v1/tokens/{token_id}"): Rule(
        STAFF_MANAGERS, hidden=TOKEN_USERS - STAFF_MANAGERS, why="someone else's token does not exist for them"
    ),
    ("GET", "/api/v1/customers"): Rule(VIEW_CUSTOMERS),
    ("POST", "/api/v1/customers"): Rule(EDIT_CUSTOMERS, body={"name": "王五"}),
    ("GET", "/api/v1/customers/{customer_id}"): Rule(VIEW_CUSTOMERS),
    ("PATCH", "/api/v1/customers/{customer_id}"): Rule(EDIT_CUSTOMERS, body={"version": 1, "remarks": "已核实"}),
    ("DELETE", "/api/v1/customers/{customer_id}"): Rule(frozenset({"admin"}), query={"version": 1}),
    ("POST", "/api/v1/customers/{customer_id}/notes"): Rule(EDIT_CUSTOMERS, body={"text": "来电"}),
    ("POST", "/api/v1/customers/{customer_id}/merge"): Rule(MERGE_CUSTOMERS, body={"duplicate_id": "{duplicate_id}"}),
    ("GET", "/api/v1/service-types"): Rule(EVERYONE),
    ("GET", "/api/v1/workorders"): Rule(EVERYONE, why="department roles get their departments' orders only"),
    ("POST", "/api/v1/workorders"): Rule(
        COMPLAINT_INTAKE,
        body={
            "service_type": "complaint",
            "fields": {
                "caller_name": "王先生",
                "caller_phone": "13800138000",
                "description": "漏水",
                "read_back": "confirmed",
            },
        },
        why="the procedure's intake roles; department staff record repairs, not complaints",
    ),
    ("GET", "/api/v1/workorders/{order_id}"): Rule(SEE_ENGINEERING_ORDER, hidden=frozenset({"guard"})),
    ("POST", "/api/v1/workorders/{order_id}/actions/{action}"): Rule(
        frozenset({"eng_head", "plumber"}),
        hidden=frozenset({"guard"}),
        body={"version": "{order_version}"},
        why="accept belongs to the responsible department; the front desk sees the order but may not",
    ),
    ("POST", "/api/v1/workorders/{order_id}/attachments"): Rule(
        SEE_ENGINEERING_ORDER - {"qa", "analyst"}, hidden=frozenset({"guard"}), upload=True
    ),
    ("GET", "/api/v1/workorders/{order_id}/attachments/{attachment_id}"): Rule(
        SEE_ENGINEERING_ORDER, hidden=frozenset({"guard"})
    ),
    ("GET", "/api/v1/notifications"): Rule(EVERYONE, why="each gets their own"),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Rule(
        frozenset({"eng_head"}),
        hidden=EVERYONE - {"eng_head"},
        why="someone else's notification does not exist for them",
    ),
    # Shift handover: everyone who works shifts writes one (inspectors and analysts change
    # nothing); {handover_id} is the rep's, of the service department, acknowledged by its
    # next shift: not by the rep who wrote it, and invisible to other departments.
    ("GET", "/api/v1/handovers"): Rule(EVERYONE, why="each gets those pending for them and their own"),
    ("GET", "/api/v1/handover/draft"): Rule(EVERYONE, why="each gets the orders they touched"),
    ("POST", "/api/v1/handovers"): Rule(EVERYONE - {"qa", "analyst"}, body={"text": "3-2-501 漏水待回访"}),
    ("POST", "/api/v1/handovers/{handover_id}/acknowledge"): Rule(
        frozenset({"specialist", "visits", "supervisor", "manager", "gm", "admin"}),
        hidden=DEPARTMENT_ROLES,
        body={"version": 1},
        why="the rep wrote it; inspectors and analysts change nothing",
    ),
    # Hotel front desk (frontdesk/hotel): the desk roles book, check in and out and post
    # charges; return-visit specialists, inspectors and analysts read; a supervisor and above
    # raise an account's limit. Targets come from tests/hotel/helpers.matrix_targets: a 422 for
    # a step the stay is not at (settling a guest in house) still shows the right was granted.
    ("GET", "/api/v1/hotel/room-types"): Rule(HOTEL_VIEW),
    ("GET", "/api/v1/hotel/rooms"): Rule(HOTEL_VIEW),
    ("GET", "/api/v1/hotel/availability"): Rule(HOTEL_VIEW, query={"nights": 2}),
    ("POST", "/api/v1/hotel/reservations"): Rule(
        HOTEL_DESK,
        body={
            "rate_plan_id": "{king_rate_id}", "arrival_date": "{tomorrow}", "arrival_time": "18:00", "nights": 1,
            "guest_name": "赵六", "title": "ms", "phone": "13700137000", "guaranteed": True,
        },
    ),
    ("GET", "/api/v1/hotel/reservations"): Rule(HOTEL_VIEW),
    ("GET", "/api/v1/hotel/reservations/{reservation_id}"): Rule(HOTEL_VIEW),
    ("POST", "/api/v1/hotel/reservations/{reservation_id}/cancel"): Rule(HOTEL_DESK, body={"version": "{reservation_version}"}),
    ("POST", "/api/v1/hotel/stays"): Rule(
        HOTEL_DESK,
        body={
            "reservation_id": "{reservation_id}", "room_id": "{vacant_twin_id}", "id_type": "passport",
            "id_number": "E12345678", "deposit_type": "cash", "deposit": "800",
        },
        why="the booking is for tomorrow, so the desk gets 422; the right is what is checked",
    ),
    ("GET", "/api/v1/hotel/stays"): Rule(HOTEL_VIEW),
    ("GET", "/api/v1/hotel/stays/{stay_id}"): Rule(HOTEL_VIEW),
    ("POST", "/api/v1/hotel/stays/{stay_id}/charges"): Rule(HOTEL_DESK, body={"category": "minibar", "amount": "20"}),
    ("POST", "/api/v1/hotel/stays/{stay_id}/deposits"): Rule(HOTEL_DESK, body={"amount": "200", "method": "cash"}),
    ("POST", "/api/v1/hotel/stays/{stay_id}/limit"): Rule(
        MERGE_CUSTOMERS, body={"version": "{stay_version}", "amount": "100", "reason": "熟客"},
        why="supervisors and above: the same people who merge customers",
    ),
    ("POST", "/api/v1/hotel/stays/{stay_id}/check-out"): Rule(
        HOTEL_DESK, body={"version": "{stay_version}", "key_card_returned": True}
    ),
    ("POST", "/api/v1/hotel/stays/{stay_id}/room-check"): Rule(HOTEL_DESK, body={"version": "{stay_version}"}),
    ("POST", "/api/v1/hotel/stays/{stay_id}/settle"): Rule(HOTEL_DESK, body={"version": "{stay_version}"}),
    ("POST", "/api/v1/hotel/stays/{stay_id}/refund"): Rule(
        HOTEL_DESK, body={"version": "{stay_version}", "deposit_slip_returned": True}
    ),
    ("POST", "/api/v1/hotel/wakeup-calls"): Rule(HOTEL_DESK, body={"stay_id": "{stay_id}", "time": "06:30"}),
    ("GET", "/api/v1/hotel/wakeup-calls"): Rule(HOTEL_VIEW, query={"due": 1}),
    ("POST", "/api/v1/hotel/wakeup-calls/{wakeup_call_id}/done"): Rule(
        HOTEL_DESK, body={"version": "{wakeup_call_version}"}
    ),
    # Hotel desk screens' operations: housekeeping's "room made up" is recorded by the desk
    # (the twin is vacant clean, so the desk gets 422; the right is what is checked); the
    # reports are read by everyone who sees the hotel, ID numbers masked per role.
    ("POST", "/api/v1/hotel/rooms/{room_id}/clean"): Rule(HOTEL_DESK, body={"version": 1}),
    # Taking a room out of sale changes the inventory: hotel management (the vacant twin goes
    # out of order; back in service then answers 422 as the room was in service).
    ("POST", "/api/v1/hotel/rooms/{room_id}/out-of-order"): Rule(HOTEL_SETUP, body={"version": 1, "reason": "空调坏了"}),
    ("POST", "/api/v1/hotel/rooms/{room_id}/back-in-service"): Rule(HOTEL_SETUP, body={"version": 1}),
    ("GET", "/api/v1/hotel/reports/today"): Rule(HOTEL_VIEW),
    ("GET", "/api/v1/hotel/reports/performance"): Rule(
        HOTEL_VIEW, query={"start": "2026-11-01", "end": "2026-11-30", "by": "month"}
    ),
    ("GET", "/api/v1/hotel/reports/deposits"): Rule(HOTEL_VIEW),
    ("GET", "/api/v1/hotel/reports/guest-register"): Rule(HOTEL_VIEW, query={"start": "2026-11-01", "end": "2026-11-30"}),
    # Hotel in-stay services (seed 三): the desk takes and delivers messages, keeps valuables and
    # the switchboard directory; everyone who sees the hotel reads them and looks up codes.
    ("GET", "/api/v1/hotel/messages"): Rule(HOTEL_VIEW, query={"waiting": 1}),
    ("POST", "/api/v1/hotel/stays/{stay_id}/messages"): Rule(HOTEL_DESK, body={"sender": "王总", "text": "请回电"}),
    ("POST", "/api/v1/hotel/messages/{message_id}/delivered"): Rule(HOTEL_DESK, body={"version": "{message_version}"}),
    ("GET", "/api/v1/hotel/valuables"): Rule(HOTEL_VIEW, query={"held": 1}),
    ("POST", "/api/v1/hotel/stays/{stay_id}/valuables"): Rule(
        HOTEL_DESK, body={"box_number": "B2", "items": "护照", "guest_signed": True}
    ),
    ("POST", "/api/v1/hotel/valuables/{deposit_id}/withdraw"): Rule(
        HOTEL_DESK, body={"version": "{deposit_version}", "guest_signed": True}
    ),
    ("GET", "/api/v1/hotel/directory"): Rule(HOTEL_VIEW),
    ("POST", "/api/v1/hotel/directory"): Rule(HOTEL_DESK, body={"name": "缙云县公安局", "phone": "0578-3132110"}),
    ("PATCH", "/api/v1/hotel/directory/{entry_id}"): Rule(HOTEL_DESK, body={"version": "{entry_version}", "note": "出入境"}),
    ("GET", "/api/v1/hotel/dialling-codes"): Rule(HOTEL_VIEW, query={"q": "Japan"}),
}


def openapi_operations() -> set[tuple[str, str]]:
    paths = ninja_api.get_openapi_schema()["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def test_every_operation_in_the_openapi_document_has_a_rule():
    missing = openapi_operations() - set(RULES)
    assert not missing, f"add a row to RULES for: {sorted(missing)}"


def test_every_rule_names_an_operation_that_exists():
    stale = set(RULES) - openapi_operations()
    assert not stale, f"RULES has rows for operations the API no longer has: {sorted(stale)}"


def test_every_rule_is_consistent():
    for operation, rule in RULES.items():
        assert rule.allowed <= EVERYONE and rule.hidden <= EVERYONE, operation
        assert not rule.allowed & rule.hidden, operation


@pytest.fixture
def targets(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    duplicate = create_customer(people.rep, name="張三", contacts=[ContactInput("phone", "13900139000")])
    customer = create_customer(people.rep, name="张三", contacts=[ContactInput("phone", "13800138000")])
    token, _raw = create_token(people.manager, name="manager's")
    order = create_work_order(
        people.rep, "complaint", fields=RULES[("POST", "/api/v1/workorders")].body["fields"], customer_id=customer.id
    )
    dispatch = {"department": people.engineering.id}
    order = take_action(people.rep, order.id, "dispatch", version=order.version, fields=dispatch)
    attachment = add_attachment(people.rep, order.id, SimpleUploadedFile("leak.png", PNG))
    return {
        "handover_id": write_handover(people.rep, "交班：3-2-501 漏水待回访").id,
        "order_id": order.id,
        "order_version": order.version,
        "action": "accept",
        "attachment_id": attachment.id,
        "notification_id": order.notifications.get(role="department_head").id,
        "department_id": people.engineering.id,
        "staff_id": people.plumber.id,
        "customer_id": customer.id,
        "duplicate_id": duplicate.id,
        "token_id": token.id,
        **(hotel := matrix_targets(people)),
        "room_id": hotel["vacant_twin_id"],
        **_instay_targets(people, hotel["stay_id"]),
    }


def _instay_targets(people, stay_id) -> dict:
    """A message waiting and valuables in box B1 for the walk-in in house; one office listed."""
    message = hotel_services.take_message(people.rep, stay_id, sender="李总", text="请回电")
    deposit = hotel_services.deposit_valuables(people.rep, stay_id, box_number="B1", items="护照", guest_signed=True)
    entry = hotel_services.add_directory_entry(people.rep, name="缙云县人民政府", phone="0578-3123456")
    return {
        "message_id": message.id,
        "message_version": message.version,
        "deposit_id": deposit.id,
        "deposit_version": deposit.version,
        "entry_id": entry.id,
        "entry_version": entry.version,
    }


def _fill(value, targets):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return targets[value[1:-1]]
    return value


def call(client, method, path, rule, targets):
    url = path.format(**targets)
    if rule.query:
        url += "?" + "&".join(f"{k}={v}" for k, v in rule.query.items())
    kwargs = {}
    if rule.upload:
        kwargs = {"data": {"file": SimpleUploadedFile("photo.png", PNG, "image/png")}}
    elif rule.body is not None:
        kwargs = {"data": {k: _fill(v, targets) for k, v in rule.body.items()}, "content_type": "application/json"}
    return getattr(client, method.lower())(url, **kwargs)


def verdict(persona, rule, response) -> str | None:
    """What is wrong with `response` for `persona`, or None."""
    status = response.status_code
    if persona in rule.allowed:
        if status in (401, 403, 404) or status >= 500:
            return f"expected allowed, got {status} {response.content[:200]!r}"
    elif persona in rule.hidden:
        if status != 404 or json_of(response)["code"] != "not_found":
            return f"expected 404 not_found, got {status}"
    elif status != 403 or json_of(response)["code"] != "forbidden":
        return f"expected 403 forbidden, got {status} {response.content[:200]!r}"
    return None


@pytest.mark.parametrize("method, path", sorted(RULES), ids=lambda v: v.removeprefix("/api/v1"))
def test_permission_matrix(people, api, targets, method, path):
    rule = RULES[(method, path)]
    clients = {persona: api(getattr(people, persona)) for persona in sorted(EVERYONE)}
    wrong = {}
    for persona, client in clients.items():
        # Every persona meets the same data: each request's writes are rolled back after it.
        with transaction.atomic():
            response = call(client, method, path, rule, targets)
            transaction.set_rollback(True)
        problem = verdict(persona, rule, response)
        if problem:
            wrong[persona] = problem
    assert not wrong, f"{method} {path}: " + "; ".join(f"{p}: {w}" for p, w in wrong.items())


def test_a_refused_write_changes_nothing(people, api, targets):
    """The matrix checks statuses; this checks that a 403 really wrote nothing."""
    before = Department.objects.get(id=targets["department_id"]).phone
    api(people.plumber).patch(
        f"/api/v1/departments/{targets['department_id']}", {"version": 1, "phone": "110"}, content_type="application/json"
    )
    assert Department.objects.get(id=targets["department_id"]).phone == before


@pytest.mark.parametrize("method, path", sorted(RULES))
def test_every_operation_needs_credentials(db, method, path):
    url = re.sub(r"\{\w+\}", "1", path) + "?version=1"
    client = Client(enforce_csrf_checks=True)
    kwargs = {"data": {}, "content_type": "application/json"} if method in ("POST", "PATCH") else {}
    response = getattr(client, method.lower())(url, **kwargs)
    assert response.status_code == 401
    assert json_of(response)["code"] == "unauthenticated"


def test_department_scope_shows_in_lists(people, api, targets):
    staff = {s["username"] for s in json_of(api(people.guard).get("/api/v1/staff"))["items"]}
    assert staff == {"guard"}
    departments = [d["id"] for d in json_of(api(people.guard).get("/api/v1/departments"))["items"]]
    assert departments == [people.security.id]
    tokens = {t["staff_id"] for t in json_of(api(people.rep).get("/api/v1/tokens"))}
    assert tokens == {people.rep.id}
    all_tokens = {t["staff_id"] for t in json_of(api(people.manager).get("/api/v1/tokens"))}
    assert {people.rep.id, people.manager.id} <= all_tokens

