"""Merging two records of one person: the kept record gains everything, the duplicate stays
in the archive pointing at it, and lists and searches show only the kept one."""

import pytest

from frontdesk.audit.models import AuditEvent
from frontdesk.customers.models import Customer, CustomerNote, Residence
from tests.conftest import json_of

ID_NUMBER = "11010519491231002X"


def create(client, payload):
    response = client.post("/api/v1/customers", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    return json_of(response)


def merge(client, keep_id, duplicate_id):
    return client.post(f"/api/v1/customers/{keep_id}/merge", {"duplicate_id": duplicate_id}, content_type="application/json")


@pytest.fixture
def pair(people, api, clock):
    rep = api(people.rep)
    keep = create(
        rep,
        {
            "name": "张三",
            "contacts": [{"value": "13800138000"}],
            "residences": [{"building": "3", "entrance": "2", "room": "501"}],
            "remarks": "业主",
        },
    )
    duplicate = create(
        rep,
        {
            "name": "張三",
            "id_number": ID_NUMBER,
            "contacts": [{"value": "13900139000"}, {"value": "13800138000"}],
            "residences": [{"building": "3", "entrance": "2", "room": "501"}],
            "tags": ["VIP", "老人独居"],
            "remarks": "耳背，请大声说话",
        },
    )
    rep.post(f"/api/v1/customers/{duplicate['id']}/notes", {"text": "投诉电梯噪音"}, content_type="application/json")
    rep.post(f"/api/v1/customers/{duplicate['id']}/notes", {"text": "已回访"}, content_type="application/json")
    return keep, duplicate


@pytest.mark.parametrize("who", ["supervisor", "manager", "gm", "admin"])
def test_merge_folds_the_duplicate_into_the_kept_record(people, api, pair, who):
    keep, duplicate = pair
    client = api(getattr(people, who))
    response = merge(client, keep["id"], duplicate["id"])
    assert response.status_code == 200, response.content
    kept = json_of(response)
    assert kept["id"] == keep["id"]
    assert kept["name"] == "张三"
    assert sorted(c["value"] for c in kept["contacts"]) == ["138 0013 8000", "139 0013 9000"]
    assert kept["rooms"] == keep["rooms"]  # the same room is not listed twice
    assert sorted(kept["tags"]) == ["VIP", "老人独居"]
    assert [n["text"] for n in kept["notes"]] == ["已回访", "投诉电梯噪音"]
    assert "业主" in kept["remarks"] and "耳背，请大声说话" in kept["remarks"]
    assert kept["merged_records"] == [duplicate["id"]]
    assert kept["version"] == keep["version"] + 1
    assert Residence.objects.filter(customer_id=keep["id"]).count() == 1
    assert CustomerNote.objects.filter(customer_id=duplicate["id"]).count() == 0


def test_the_id_number_of_the_duplicate_is_kept_when_the_kept_record_has_none(people, api, pair):
    keep, duplicate = pair
    kept = json_of(merge(api(people.manager), keep["id"], duplicate["id"]))
    assert kept["id_number"] == ID_NUMBER


def test_the_duplicate_stays_in_the_archive_pointing_at_the_kept_record(people, api, pair):
    keep, duplicate = pair
    merge(api(people.supervisor), keep["id"], duplicate["id"])
    rep = api(people.rep)
    response = rep.get(f"/api/v1/customers/{duplicate['id']}")
    assert response.status_code == 200
    assert json_of(response)["merged_into"] == keep["id"]
    assert Customer.objects.filter(id=duplicate["id"]).exists()


@pytest.mark.parametrize("q", ["", "张三", "張三", "zhangsan", "13900139000", "3-2-501", "0013"])
def test_the_duplicate_no_longer_appears_in_lists_or_search(people, api, pair, q):
    keep, duplicate = pair
    rep = api(people.rep)
    before = {i["id"] for i in json_of(rep.get("/api/v1/customers", {"q": q}))["items"]}
    assert duplicate["id"] in before
    merge(api(people.supervisor), keep["id"], duplicate["id"])
    after = [i["id"] for i in json_of(rep.get("/api/v1/customers", {"q": q}))["items"]]
    assert duplicate["id"] not in after
    assert after == [keep["id"]]  # the duplicate's phone now finds the kept record


def test_merge_is_audited(people, api, pair):
    keep, duplicate = pair
    merge(api(people.supervisor), keep["id"], duplicate["id"])
    event = AuditEvent.objects.get(action="customer.merged")
    assert event.actor == people.supervisor
    assert event.target_type == "customers.customer"
    assert event.target_id == str(keep["id"])
    assert event.data["duplicate_id"] == duplicate["id"]


def test_merge_into_itself_is_refused(people, api, pair):
    keep, _duplicate = pair
    response = merge(api(people.supervisor, language="en"), keep["id"], keep["id"])
    assert response.status_code == 422
    assert json_of(response)["fields"] == {"duplicate_id": ["A record cannot be merged into itself."]}
    assert json_of(api(people.rep).get(f"/api/v1/customers/{keep['id']}"))["merged_into"] is None
    assert not AuditEvent.objects.filter(action="customer.merged").exists()


@pytest.mark.parametrize("who", ["rep", "specialist", "visits", "qa", "analyst", "plumber"])
def test_roles_without_the_right_cannot_merge(people, api, pair, who):
    keep, duplicate = pair
    response = merge(api(getattr(people, who)), keep["id"], duplicate["id"])
    assert response.status_code == 403
    assert json_of(response)["code"] == "forbidden"
    assert Customer.objects.get(id=duplicate["id"]).merged_into_id is None
    assert CustomerNote.objects.filter(customer_id=duplicate["id"]).count() == 2


def test_an_already_merged_record_cannot_be_merged_again_or_edited(people, api, pair):
    keep, duplicate = pair
    supervisor = api(people.supervisor)
    merge(supervisor, keep["id"], duplicate["id"])
    assert merge(supervisor, keep["id"], duplicate["id"]).status_code == 422
    assert merge(supervisor, duplicate["id"], keep["id"]).status_code == 422
    version = json_of(supervisor.get(f"/api/v1/customers/{duplicate['id']}"))["version"]
    edit = supervisor.patch(
        f"/api/v1/customers/{duplicate['id']}", {"version": version, "name": "x"}, content_type="application/json"
    )
    assert edit.status_code == 422
    assert Customer.objects.get(id=duplicate["id"]).name == "張三"


def test_merge_with_a_missing_record_is_404_and_changes_nothing(people, api, pair):
    keep, _duplicate = pair
    response = merge(api(people.supervisor), keep["id"], 999999)
    assert response.status_code == 404
    assert merge(api(people.supervisor), 999999, keep["id"]).status_code == 404
    assert Customer.objects.get(id=keep["id"]).version == keep["version"]


def test_an_edit_opened_before_the_merge_is_stale(people, api, pair):
    keep, duplicate = pair
    merge(api(people.supervisor), keep["id"], duplicate["id"])
    response = api(people.rep).patch(
        f"/api/v1/customers/{keep['id']}", {"version": keep["version"], "contacts": []}, content_type="application/json"
    )
    assert response.status_code == 409
    assert Customer.objects.get(id=keep["id"]).contacts.count() == 2


def test_records_merged_earlier_follow_into_the_new_kept_record(people, api, pair):
    keep, duplicate = pair
    supervisor = api(people.supervisor)
    third = create(supervisor, {"name": "张老三", "contacts": [{"value": "13700137000"}]})
    merge(supervisor, duplicate["id"], third["id"])
    merge(supervisor, keep["id"], duplicate["id"])
    assert Customer.objects.get(id=third["id"]).merged_into_id == keep["id"]
    kept = json_of(supervisor.get(f"/api/v1/customers/{keep['id']}"))
    assert sorted(kept["merged_records"]) == sorted([duplicate["id"], third["id"]])
    assert len(kept["contacts"]) == 3
