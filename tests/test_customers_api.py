"""The customer archive through the API: create, read, change with a version, notes, delete,
and what each role sees of phones and ID numbers."""

import pytest

from frontdesk.customers.models import ContactPoint, Customer, CustomerNote, Residence
from tests.conftest import json_of

ID_NUMBER = "11010519491231002X"
ZHANG = {
    "name": "张三",
    "id_number": ID_NUMBER,
    "remarks": "腿脚不便",
    "contacts": [{"value": "13800138000", "label": "手机"}, {"kind": "email", "value": "Zhang@Example.com"}],
    "residences": [{"building": "3", "entrance": "2", "room": "501", "relation": "owner"}],
    "tags": ["VIP", "业主委员会"],
}


def create(client, payload=ZHANG):
    response = client.post("/api/v1/customers", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    return json_of(response)


def patch(client, customer_id, payload):
    return client.patch(f"/api/v1/customers/{customer_id}", payload, content_type="application/json")


@pytest.fixture
def rep(people, api):
    return api(people.rep, language="en")


@pytest.fixture
def zhang(rep, clock):
    return create(rep)


def test_create_returns_the_record_as_stored(zhang, people):
    assert zhang["name"] == "张三"
    assert zhang["kind"] == "person"
    assert zhang["version"] == 1
    assert zhang["merged_into"] is None
    assert zhang["contacts"] == [
        {"kind": "phone", "value": "138 0013 8000", "label": "手机"},
        {"kind": "email", "value": "zhang@example.com", "label": ""},
    ]
    assert zhang["residences"] == [
        {"building": "3", "entrance": "2", "room": "501", "relation": "owner", "label": "Building 3, unit 2, room 501"}
    ]
    assert zhang["rooms"] == ["Building 3, unit 2, room 501"]
    assert sorted(zhang["tags"]) == ["VIP", "业主委员会"]
    assert zhang["created_at"].startswith("2026-11-23T01:00:00")  # 09:00 Shanghai, in UTC
    stored = Customer.objects.get(id=zhang["id"])
    assert stored.created_by == people.rep
    assert stored.contacts.get(kind="phone").value == "+8613800138000"


def test_get_shows_the_same_record(rep, zhang):
    response = rep.get(f"/api/v1/customers/{zhang['id']}")
    assert response.status_code == 200
    assert json_of(response) == zhang


def test_duplicate_contacts_in_one_request_are_stored_once(rep):
    created = create(rep, {"name": "李四", "contacts": [{"value": "13800138000"}, {"value": "+86 138-0013-8000"}]})
    assert [c["value"] for c in created["contacts"]] == ["138 0013 8000"]


def test_organisation(rep):
    created = create(rep, {"name": "深圳市海岸科技有限公司", "kind": "organisation", "contacts": [{"value": "0755-2123 4567"}]})
    assert created["kind"] == "organisation"
    assert created["contacts"][0]["value"] == "0755 2123 4567"


# --- update with version ----------------------------------------------------------------------


def test_patch_changes_given_fields_and_bumps_the_version(rep, zhang, clock):
    clock.shift(3600)
    response = patch(rep, zhang["id"], {"version": 1, "name": "张三丰", "remarks": ""})
    assert response.status_code == 200, response.content
    body = json_of(response)
    assert body["name"] == "张三丰"
    assert body["remarks"] == ""
    assert body["version"] == 2
    assert body["updated_at"].startswith("2026-11-23T02:00:00")
    assert body["created_at"] == zhang["created_at"]
    # The name's search keys follow the name.
    assert json_of(rep.get("/api/v1/customers", {"q": "zsf"}))["items"][0]["id"] == zhang["id"]


def test_lists_given_replace_lists_left_out_stay(rep, zhang):
    body = json_of(
        patch(rep, zhang["id"], {"version": 1, "contacts": [{"kind": "phone", "value": "13900139000", "label": ""}]})
    )
    assert [c["value"] for c in body["contacts"]] == ["139 0013 9000"]
    assert body["rooms"] == zhang["rooms"]
    assert sorted(body["tags"]) == sorted(zhang["tags"])
    assert ContactPoint.objects.filter(customer_id=zhang["id"]).count() == 1

    body = json_of(patch(rep, zhang["id"], {"version": 2, "tags": [], "residences": [{"building": "7", "room": "102"}]}))
    assert body["tags"] == []
    assert body["rooms"] == ["Building 7, room 102"]
    assert [c["value"] for c in body["contacts"]] == ["139 0013 9000"]
    assert Residence.objects.filter(customer_id=zhang["id"]).count() == 1


def test_null_leaves_a_field_as_it_is(rep, zhang):
    body = json_of(patch(rep, zhang["id"], {"version": 1, "name": None, "contacts": None}))
    assert body["name"] == "张三"
    assert len(body["contacts"]) == 2


def test_stale_version_is_409_and_changes_nothing(rep, zhang):
    assert patch(rep, zhang["id"], {"version": 1, "remarks": "first"}).status_code == 200
    response = patch(rep, zhang["id"], {"version": 1, "name": "李四", "contacts": [], "tags": ["x"]})
    assert response.status_code == 409
    body = json_of(response)
    assert body["code"] == "stale_version"
    assert set(body) == {"code", "message", "fields"}
    now = json_of(rep.get(f"/api/v1/customers/{zhang['id']}"))
    assert now["name"] == "张三"
    assert now["remarks"] == "first"
    assert now["version"] == 2
    assert len(now["contacts"]) == 2
    assert sorted(now["tags"]) == sorted(zhang["tags"])


def test_patch_needs_the_version(rep, zhang):
    response = patch(rep, zhang["id"], {"name": "李四"})
    assert response.status_code == 422
    assert "version" in json_of(response)["fields"]
    assert Customer.objects.get(id=zhang["id"]).name == "张三"


def test_patch_of_missing_customer_is_404(rep, db):
    assert patch(rep, 999999, {"version": 1, "name": "x"}).status_code == 404


# --- notes -------------------------------------------------------------------------------------


def test_notes_are_appended_newest_first(rep, zhang, clock, people):
    first = rep.post(f"/api/v1/customers/{zhang['id']}/notes", {"text": "来电询问停车位"}, content_type="application/json")
    assert first.status_code == 201
    clock.shift(600)
    second = rep.post(f"/api/v1/customers/{zhang['id']}/notes", {"text": " 已回电 "}, content_type="application/json")
    body = json_of(second)
    assert [n["text"] for n in body["notes"]] == ["已回电", "来电询问停车位"]
    assert {n["author"] for n in body["notes"]} == {people.rep.full_name}
    assert body["version"] == zhang["version"]  # a note does not conflict with an edit
    assert CustomerNote.objects.filter(customer_id=zhang["id"]).count() == 2


@pytest.mark.parametrize("payload", [{"text": ""}, {"text": "x" * 2001}, {}, {"text": "ok", "author": "x"}])
def test_invalid_note_is_refused(rep, zhang, payload):
    response = rep.post(f"/api/v1/customers/{zhang['id']}/notes", payload, content_type="application/json")
    assert response.status_code == 422
    assert CustomerNote.objects.count() == 0


def test_note_on_missing_customer_is_404(rep, db):
    response = rep.post("/api/v1/customers/999999/notes", {"text": "x"}, content_type="application/json")
    assert response.status_code == 404


# --- delete ---------------------------------------------------------------------------------


def test_only_an_administrator_deletes_and_only_records_without_history(people, api, zhang):
    response = api(people.manager).delete(f"/api/v1/customers/{zhang['id']}?version=1")
    assert response.status_code == 403
    admin = api(people.admin)
    assert admin.delete(f"/api/v1/customers/{zhang['id']}?version=7").status_code == 409
    assert admin.delete(f"/api/v1/customers/{zhang['id']}?version=1").status_code == 204
    assert not Customer.objects.filter(id=zhang["id"]).exists()


def test_customer_with_notes_cannot_be_deleted(people, api, rep, zhang):
    rep.post(f"/api/v1/customers/{zhang['id']}/notes", {"text": "x"}, content_type="application/json")
    response = api(people.admin).delete(f"/api/v1/customers/{zhang['id']}?version=1")
    assert response.status_code == 422
    assert Customer.objects.filter(id=zhang["id"]).exists()


# --- what each role sees ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, phone, email, id_number",
    [
        ("rep", "138 0013 8000", "zhang@example.com", "110***********002X"),
        ("specialist", "138 0013 8000", "zhang@example.com", "110***********002X"),
        ("supervisor", "138 0013 8000", "zhang@example.com", "110***********002X"),
        ("visits", "138 0013 8000", "zhang@example.com", "110***********002X"),
        ("manager", "138 0013 8000", "zhang@example.com", ID_NUMBER),
        ("gm", "138 0013 8000", "zhang@example.com", ID_NUMBER),
        ("admin", "138 0013 8000", "zhang@example.com", ID_NUMBER),
        ("qa", "138****8000", "z***@example.com", "110***********002X"),
        ("analyst", "138****8000", "z***@example.com", "110***********002X"),
    ],
)
def test_what_each_role_sees(people, api, zhang, who, phone, email, id_number):
    client = api(getattr(people, who))
    detail = json_of(client.get(f"/api/v1/customers/{zhang['id']}"))
    assert [c["value"] for c in detail["contacts"]] == [phone, email]
    assert detail["id_number"] == id_number
    listed = json_of(client.get("/api/v1/customers", {"q": "张三"}))["items"]
    assert [c["value"] for c in listed[0]["contacts"]] == [phone, email]
    assert "id_number" not in listed[0]


@pytest.mark.parametrize("who", ["qa", "analyst"])
def test_masked_roles_cannot_find_the_whole_number_in_any_response(people, api, zhang, who):
    client = api(getattr(people, who))
    for path in (f"/api/v1/customers/{zhang['id']}", "/api/v1/customers", "/api/v1/customers?q=0013"):
        response = client.get(path)
        assert response.status_code == 200
        text = response.content.decode()
        assert "138****8000" in text
        for secret in ("13800138000", "0013 8000", "00138000", ID_NUMBER, "zhang@"):
            assert secret not in text, (path, secret)


@pytest.mark.parametrize("who", ["plumber", "guard", "eng_head"])
def test_department_roles_cannot_see_customers(people, api, zhang, who):
    client = api(getattr(people, who))
    assert client.get("/api/v1/customers").status_code == 403
    assert client.get(f"/api/v1/customers/{zhang['id']}").status_code == 403


@pytest.mark.parametrize("who", ["qa", "analyst", "visits", "plumber"])
def test_read_only_roles_cannot_create_edit_or_annotate(people, api, zhang, who):
    client = api(getattr(people, who))
    assert client.post("/api/v1/customers", {"name": "王五"}, content_type="application/json").status_code == 403
    assert patch(client, zhang["id"], {"version": 1, "name": "王五"}).status_code == 403
    note = client.post(f"/api/v1/customers/{zhang['id']}/notes", {"text": "x"}, content_type="application/json")
    assert note.status_code == 403
    assert Customer.objects.get().name == "张三"
    assert CustomerNote.objects.count() == 0


def test_customer_with_a_work_order_cannot_be_deleted(people, api, zhang):
    from tests.workorders.helpers import complaint

    complaint(people.rep, customer_id=zhang["id"])
    response = api(people.admin).delete(f"/api/v1/customers/{zhang['id']}?version=1")
    assert response.status_code == 422
    assert Customer.objects.filter(id=zhang["id"]).exists()
