"""Every refusal of the API has one shape, {"code", "message", "fields"}, in the request's
language, and a refused request changes nothing."""

import re

import pytest
from django.test import Client

from frontdesk.accounts.models import Staff
from frontdesk.accounts.services import create_token, revoke_token
from frontdesk.core.idnumbers import check_character
from frontdesk.customers.models import ContactPoint, Customer, Residence, Tag, Unit
from tests.conftest import PASSWORD, json_of

CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_KEYS = {"code", "message", "fields"}
GOOD = {"name": "王五", "contacts": [{"value": "13800138000"}]}


def rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Customer, ContactPoint, Residence, Unit, Tag)}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = json_of(response)
    assert set(body) == ERROR_KEYS, body
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)
    return body


@pytest.fixture
def rep_en(people, api):
    return api(people.rep, language="en")


def post_customer(client, payload):
    return client.post("/api/v1/customers", payload, content_type="application/json")


# --- validation: 422 with the field named ---------------------------------------------------


@pytest.mark.parametrize(
    "payload, field, message",
    [
        ({**GOOD, "foo": 1}, "foo", "Unknown field."),
        ({}, "name", "This field is required."),
        ({"contacts": []}, "name", "This field is required."),
        ({"name": 123}, "name", "Enter text."),
        ({"name": "王五", "contacts": "13800138000"}, "contacts", "This value has the wrong type."),
        ({"name": "王五", "contacts": [{"value": "13800138000", "colour": "red"}]}, "contacts.0.colour", "Unknown field."),
        ({"name": "王五", "kind": "robot"}, "kind", None),
        ({"name": "王" * 101}, "name", "Ensure this value has at most 100 characters."),
        ({"name": "王五", "remarks": "x" * 2001}, "remarks", "Ensure this value has at most 2000 characters."),
        ({"name": ""}, "name", "Ensure this value has at least 1 characters."),
    ],
)
def test_invalid_body_is_422_naming_the_field(rep_en, payload, field, message):
    before = rows()
    body = assert_error(post_customer(rep_en, payload), 422, "invalid")
    assert body["message"] == "Please correct the errors below."
    assert field in body["fields"], body
    if message:
        assert body["fields"][field] == [message]
    assert rows() == before


def test_longest_allowed_name_and_remarks_are_accepted(rep_en):
    response = post_customer(rep_en, {"name": "王" * 100, "remarks": "x" * 2000})
    assert response.status_code == 201, response.content
    assert json_of(response)["name"] == "王" * 100


@pytest.mark.parametrize("phone", ["12345", "abc", "", "1380013800"])
def test_invalid_phone_names_the_contact(rep_en, phone):
    before = rows()
    payload = {"name": "王五", "contacts": [{"value": "13800138000"}, {"value": phone}]}
    body = assert_error(post_customer(rep_en, payload), 422, "invalid")
    assert list(body["fields"]) == ["contacts.1.value"]
    assert rows() == before


def test_invalid_phone_position_is_reported(rep_en):
    body = assert_error(post_customer(rep_en, {"name": "王五", "contacts": [{"value": "12345"}]}), 422, "invalid")
    assert body["fields"] == {"contacts.0.value": ["“12345” is not a valid phone number."]}


@pytest.mark.parametrize(
    "id_number, message",
    [
        ("110105194912310021", "This ID number's check digit is wrong; please read it again."),
        ("11010519490231002" + check_character("11010519490231002"), "The birth date in this ID number is not a real date."),
        ("11010519491231002", "An ID number has 18 characters: 17 digits, then a digit or X."),
        ("1101051949123100", "An ID number has 18 characters: 17 digits, then a digit or X."),
        ("11010519491231002X1", "Ensure this value has at most 18 characters."),
    ],
)
def test_invalid_id_number(rep_en, id_number, message):
    before = rows()
    body = assert_error(post_customer(rep_en, {"name": "王五", "id_number": id_number}), 422, "invalid")
    assert body["fields"] == {"id_number": [message]}
    assert rows() == before


def test_patch_with_invalid_phone_changes_nothing(rep_en):
    created = json_of(post_customer(rep_en, {"name": "王五", "contacts": [{"value": "13800138000"}]}))
    response = rep_en.patch(
        f"/api/v1/customers/{created['id']}",
        {"version": created["version"], "name": "王六", "contacts": [{"kind": "phone", "value": "abc", "label": ""}]},
        content_type="application/json",
    )
    body = assert_error(response, 422, "invalid")
    assert list(body["fields"]) == ["contacts.0.value"]
    after = json_of(rep_en.get(f"/api/v1/customers/{created['id']}"))
    assert after["name"] == "王五"
    assert after["version"] == created["version"]
    assert [c["value"] for c in after["contacts"]] == ["138 0013 8000"]


def test_patch_contacts_may_leave_out_kind_and_label(rep_en):
    created = json_of(post_customer(rep_en, {"name": "王五", "contacts": [{"value": "13800138000"}]}))
    response = rep_en.patch(
        f"/api/v1/customers/{created['id']}",
        {"version": created["version"], "contacts": [{"value": "13900139000"}]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [c["value"] for c in json_of(response)["contacts"]] == ["139 0013 9000"]


@pytest.mark.parametrize("cursor", ["zzz", "!!!", "aWQ6YWJj", "Zm9vOjE"])  # garbage, "id:abc", "foo:1"
def test_bad_cursor_names_the_cursor(rep_en, cursor):
    body = assert_error(rep_en.get("/api/v1/customers", {"cursor": cursor}), 422, "invalid")
    assert list(body["fields"]) == ["cursor"]


@pytest.mark.parametrize("limit", ["0", "201", "ten"])
def test_bad_limit_names_the_limit(rep_en, limit):
    body = assert_error(rep_en.get("/api/v1/customers", {"limit": limit}), 422, "invalid")
    assert list(body["fields"]) == ["limit"]


def test_body_that_is_not_json_is_refused_in_the_error_shape(rep_en):
    before = rows()
    response = rep_en.post("/api/v1/customers", "{not json", content_type="application/json")
    body = assert_error(response, 400, "bad_request")
    assert body["message"] == "The request body could not be read; send JSON."
    assert rows() == before


# --- not found -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/customers", "/api/", "/api/v1/customers/1/nope"])
def test_unknown_route_under_api_is_json_404(rep_en, path):
    assert_error(rep_en.get(path), 404, "not_found")


@pytest.mark.parametrize("method, path", [("put", "/api/v1/customers"), ("delete", "/api/v1/me")])
def test_wrong_method_is_json_405(rep_en, method, path):
    before = rows()
    assert_error(getattr(rep_en, method)(path), 405, "method_not_allowed")
    assert rows() == before


def test_non_numeric_id_in_the_path_names_it(rep_en):
    body = assert_error(rep_en.get("/api/v1/customers/abc"), 422, "invalid")
    assert body["fields"] == {"customer_id": ["Enter a whole number."]}


def test_nul_character_in_text_is_refused(rep_en):
    before = rows()
    body = assert_error(post_customer(rep_en, {"name": "王\x00五"}), 422, "invalid")
    assert list(body["fields"]) == ["name"]
    assert rows() == before


def test_unknown_route_without_auth_is_json_404_too():
    assert_error(Client().get("/api/v2/anything"), 404, "not_found")


@pytest.mark.parametrize("path", ["/api/v1/customers/999999", "/api/v1/staff/999999", "/api/v1/departments/999999"])
def test_missing_object_is_json_404(rep_en, path):
    assert_error(rep_en.get(path), 404, "not_found")


# --- authentication ----------------------------------------------------------------------------


@pytest.mark.parametrize("method, path", [("get", "/api/v1/me"), ("get", "/api/v1/customers"), ("post", "/api/v1/customers")])
def test_no_credentials_is_401(db, method, path):
    response = getattr(Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"}), method)(path)
    body = assert_error(response, 401, "unauthenticated")
    assert body["message"] == "Log in, or send a valid API token."


@pytest.mark.parametrize(
    "authorization",
    ["Bearer fd_not-a-real-token", "Bearer nonsense", "Bearer ", "Basic cmVwOnBhc3M=", "Bearer fd_" + "a" * 200],
)
def test_bad_token_is_401(people, authorization):
    client = Client(headers={"Authorization": authorization})
    assert_error(client.get("/api/v1/me"), 401, "unauthenticated")


def test_revoked_token_is_401(people):
    token, raw = create_token(None, name="script", staff_id=people.rep.id)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert json_of(client.get("/api/v1/me"))["username"] == "rep"
    revoke_token(None, token.id)
    assert_error(client.get("/api/v1/me"), 401, "unauthenticated")


def test_token_of_a_deactivated_person_is_401(people):
    _token, raw = create_token(None, name="script", staff_id=people.rep.id)
    Staff.objects.filter(id=people.rep.id).update(is_active=False)
    assert_error(Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me"), 401, "unauthenticated")


def test_token_use_is_recorded(people, clock):
    token, raw = create_token(None, name="script", staff_id=people.rep.id)
    assert token.last_used_at is None
    Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- session and CSRF ----------------------------------------------------------------------


@pytest.fixture
def session_client(people):
    """A browser: fetched the login page (so it holds a CSRF cookie), then signed in through
    the form, sending the token the way the page does."""
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    assert client.get("/login/").status_code == 200
    response = client.post(
        "/login/",
        {"username": "rep", "password": PASSWORD, "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 302, response.content[:300]
    return client


def test_session_get_needs_no_csrf_token(session_client):
    response = session_client.get("/api/v1/me")
    assert response.status_code == 200
    assert json_of(response)["username"] == "rep"


def test_session_post_without_csrf_token_is_403(session_client):
    before = rows()
    body = assert_error(post_customer(session_client, GOOD), 403, "forbidden")
    assert "CSRF" in body["message"]
    assert rows() == before


def test_session_post_with_a_wrong_csrf_token_is_403(session_client):
    response = session_client.post(
        "/api/v1/customers", GOOD, content_type="application/json", headers={"X-CSRFToken": "x" * 32}
    )
    assert_error(response, 403, "forbidden")


def test_session_post_with_csrf_token_works(session_client):
    token = session_client.cookies["csrftoken"].value
    response = session_client.post(
        "/api/v1/customers", GOOD, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content
    assert Customer.objects.filter(name="王五").count() == 1


def test_bearer_token_needs_no_csrf_token(people, api):
    response = post_customer(api(people.rep), GOOD)
    assert response.status_code == 201, response.content


# --- language ----------------------------------------------------------------------------


def test_messages_follow_accept_language_english(people, api):
    body = assert_error(api(people.plumber, language="en").get("/api/v1/customers"), 403, "forbidden")
    assert body["message"] == "You do not have permission to do this."
    body = assert_error(api(people.rep, language="en").get("/api/v1/customers/999999"), 404, "not_found")
    assert not CJK.search(body["message"])


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", None])
@pytest.mark.parametrize(
    "who, method, path, payload, status",
    [
        ("rep", "post", "/api/v1/customers", {"name": "王五", "foo": 1}, 422),
        ("rep", "post", "/api/v1/customers", {"name": "王五", "contacts": [{"value": "12345"}]}, 422),
        ("rep", "post", "/api/v1/customers", {"name": "王五", "id_number": "110105194912310021"}, 422),
        ("rep", "get", "/api/v1/customers?cursor=zzz", None, 422),
        ("plumber", "get", "/api/v1/customers", None, 403),
        ("rep", "get", "/api/v1/customers/999999", None, 404),
    ],
)
def test_messages_in_chinese(people, api, language, who, method, path, payload, status):
    client = api(getattr(people, who), language=language)
    if method == "post":
        response = client.post(path, payload, content_type="application/json")
    else:
        response = client.get(path)
    body = json_of(response)
    assert response.status_code == status
    assert CJK.search(body["message"]), body
    for messages in body["fields"].values():
        assert all(CJK.search(m) for m in messages), body


def test_401_message_in_chinese(db):
    body = assert_error(Client(headers={"Accept-Language": "zh-hans"}).get("/api/v1/me"), 401, "unauthenticated")
    assert CJK.search(body["message"])


def test_404_of_an_unknown_route_in_chinese(db):
    body = assert_error(Client(headers={"Accept-Language": "zh-hans"}).get("/api/v2/anything"), 404, "not_found")
    assert CJK.search(body["message"])
