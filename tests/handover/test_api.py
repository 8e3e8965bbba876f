"""The handover API: the draft, writing, the list (pending for me and mine, keyset pages) and
acknowledging, with the one error shape in the caller's language."""

from frontdesk.handover.models import Handover
from tests.conftest import json_of
from tests.workorders.helpers import act, at, complaint


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_draft_lists_my_open_orders_with_their_running_limits(people, api, clock, roster):
    order = complaint(people.rep)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})

    response = api(people.rep).get("/api/v1/handover/draft")

    assert response.status_code == 200
    assert json_of(response)["orders"] == [
        {
            "id": order.id,
            "number": order.number,
            "service_type": "complaint",
            "service_type_name": "业户投诉",
            "state": "dispatched",
            "state_name": "已派工",
            "awaiting_return_visit": False,
            "timers": [{"name": "pickup", "label": "接单时限", "due_at": "2026-11-23T09:15:00+08:00", "overdue": False}],
        }
    ]
    english = json_of(api(people.rep, "en").get("/api/v1/handover/draft"))["orders"][0]
    assert (english["state_name"], english["timers"][0]["label"]) == ("Dispatched", "Pick-up limit")
    assert json_of(api(people.guard).get("/api/v1/handover/draft"))["orders"] == []


def test_write_then_acknowledge(people, api, clock, roster):
    order = complaint(people.rep)
    clock.move_to(at(16, 2))
    response = post(api(people.rep), "/api/v1/handovers", {"text": "王先生投诉待派工"})
    assert response.status_code == 201
    written = json_of(response)
    assert written["outgoing"] == {"id": people.rep.id, "name": "张敏"}
    assert written["department"] == {"id": people.service.id, "name": "客服部"}
    assert written["shift"] == {"id": roster["day"].id, "name": "白班", "date": "2026-11-23"}
    assert [o["number"] for o in written["orders"]] == [order.number]
    assert (written["version"], written["acknowledged_by"], written["can_acknowledge"]) == (1, None, False)

    pending = json_of(api(people.specialist).get("/api/v1/handovers"))
    assert [h["id"] for h in pending["items"]] == [written["id"]]
    assert pending["items"][0]["can_acknowledge"] is True
    assert json_of(api(people.plumber).get("/api/v1/handovers"))["items"] == []

    url = f"/api/v1/handovers/{written['id']}/acknowledge"
    acknowledged = json_of(post(api(people.specialist), url, {"version": 1}))
    assert acknowledged["acknowledged_by"] == {"id": people.specialist.id, "name": "杨帆"}
    assert acknowledged["acknowledged_at"] == "2026-11-23T08:02:00Z"
    assert (acknowledged["version"], acknowledged["can_acknowledge"]) == (2, False)

    stale = post(api(people.supervisor), url, {"version": 1})
    assert stale.status_code == 409 and json_of(stale)["code"] == "stale_version"
    again = post(api(people.supervisor, "en"), url, {"version": 2})
    assert again.status_code == 422
    assert json_of(again) == {"code": "invalid", "message": "杨帆 already acknowledged this handover.", "fields": {}}
    # Acknowledged, it leaves the supervisor's list; it stays in the rep's own.
    assert json_of(api(people.supervisor).get("/api/v1/handovers"))["items"] == []
    assert [h["id"] for h in json_of(api(people.rep).get("/api/v1/handovers"))["items"]] == [written["id"]]


def test_refusals_use_the_one_error_shape(people, api, clock):
    client = api(people.rep, "en")
    empty = post(client, "/api/v1/handovers", {"text": "  "})
    assert empty.status_code == 422
    assert json_of(empty) == {
        "code": "invalid",
        "message": "Please correct the errors below.",
        "fields": {"text": ["Write what the next shift needs to know."]},
    }
    unknown = post(client, "/api/v1/handovers", {"text": "交班", "shift": 3})
    assert json_of(unknown)["fields"] == {"shift": ["Unknown field."]}
    too_long = post(client, "/api/v1/handovers", {"text": "交" * 4001})
    assert too_long.status_code == 422 and list(json_of(too_long)["fields"]) == ["text"]
    assert not Handover.objects.exists()

    handover_id = json_of(post(api(people.rep), "/api/v1/handovers", {"text": "交班"}))["id"]
    own = post(client, f"/api/v1/handovers/{handover_id}/acknowledge", {"version": 1})
    assert own.status_code == 403
    assert json_of(own)["message"] == "The next shift acknowledges a handover, not the person who wrote it."
    elsewhere = post(api(people.plumber), f"/api/v1/handovers/{handover_id}/acknowledge", {"version": 1})
    assert elsewhere.status_code == 404 and json_of(elsewhere)["code"] == "not_found"
    no_version = post(api(people.specialist), f"/api/v1/handovers/{handover_id}/acknowledge", {})
    assert json_of(no_version)["fields"] == {"version": ["此项为必填项。"]}
    assert Handover.objects.get().acknowledged_at is None


def test_the_list_comes_in_keyset_pages(people, api, clock):
    ids = [json_of(post(api(people.rep), "/api/v1/handovers", {"text": f"第{n}班"}))["id"] for n in range(3)]
    client = api(people.specialist)
    first = json_of(client.get("/api/v1/handovers?limit=2"))
    assert [h["id"] for h in first["items"]] == ids[:0:-1]
    second = json_of(client.get(f"/api/v1/handovers?limit=2&cursor={first['next_cursor']}"))
    assert ([h["id"] for h in second["items"]], second["next_cursor"]) == ([ids[0]], None)
    bad = client.get("/api/v1/handovers?limit=500")
    assert bad.status_code == 422 and list(json_of(bad)["fields"]) == ["limit"]
