"""API tokens: shown once, stored as a hash, revocable; people see their own, staff managers
see everyone's; every creation and revocation is audited."""

import hashlib

import pytest
from django.test import Client

from frontdesk.accounts.models import ApiToken
from frontdesk.audit.models import AuditEvent
from tests.conftest import json_of


def create_token(client, **payload):
    return client.post("/api/v1/tokens", {"name": "脚本", **payload}, content_type="application/json")


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_new_token_is_shown_once_and_works(people, api, clock):
    response = create_token(api(people.rep))
    assert response.status_code == 201, response.content
    body = json_of(response)
    raw = body["token"]
    assert raw.startswith("fd_") and len(raw) > 40
    assert body["prefix"] == raw[:10]
    assert body["staff_id"] == people.rep.id
    assert body["revoked_at"] is None
    stored = ApiToken.objects.get(id=body["id"])
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(id=body["id"]).values().get())
    assert json_of(bearer(raw).get("/api/v1/me"))["username"] == "rep"
    # never shown again
    listed = json_of(api(people.rep).get("/api/v1/tokens"))
    assert all("token" not in t for t in listed)
    assert raw not in api(people.rep).get("/api/v1/tokens").content.decode()


def test_token_creation_and_revocation_are_audited(people, api):
    rep = api(people.rep)
    body = json_of(create_token(rep))
    created = AuditEvent.objects.filter(action="token.created", actor=people.rep).get()
    assert created.target_id == str(people.rep.id)
    assert created.data == {"token_id": body["id"], "name": "脚本"}
    assert body["token"] not in str(created.data)

    response = rep.delete(f"/api/v1/tokens/{body['id']}")
    assert response.status_code == 200
    assert json_of(response)["revoked_at"] is not None
    revoked = AuditEvent.objects.filter(action="token.revoked").get()
    assert revoked.actor == people.rep
    assert revoked.data == {"token_id": body["id"], "name": "脚本"}
    assert bearer(body["token"]).get("/api/v1/me").status_code == 401

    # revoking again changes nothing and records nothing
    again = rep.delete(f"/api/v1/tokens/{body['id']}")
    assert again.status_code == 200
    assert json_of(again)["revoked_at"] == json_of(response)["revoked_at"]
    assert AuditEvent.objects.filter(action="token.revoked").count() == 1


def test_people_see_only_their_own_tokens(people, api):
    rep, qa = api(people.rep), api(people.qa)
    mine = json_of(create_token(rep))["id"]
    theirs = json_of(create_token(qa))["id"]
    listed = json_of(rep.get("/api/v1/tokens"))
    assert {t["staff_id"] for t in listed} == {people.rep.id}
    assert mine in {t["id"] for t in listed}
    assert theirs not in {t["id"] for t in listed}


@pytest.mark.parametrize("who", ["manager", "gm", "admin"])
def test_staff_managers_see_and_revoke_everyones_tokens(people, api, who):
    rep_token = json_of(create_token(api(people.rep)))
    client = api(getattr(people, who))
    listed = json_of(client.get("/api/v1/tokens"))
    assert rep_token["id"] in {t["id"] for t in listed}
    assert {t["staff_id"] for t in listed} > {people.rep.id}
    assert client.delete(f"/api/v1/tokens/{rep_token['id']}").status_code == 200
    assert bearer(rep_token["token"]).get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("who", ["rep", "supervisor", "qa", "analyst", "eng_head"])
def test_others_cannot_see_or_revoke_someone_elses_token(people, api, who):
    manager_token = json_of(create_token(api(people.manager)))
    client = api(getattr(people, who))
    assert manager_token["id"] not in {t["id"] for t in json_of(client.get("/api/v1/tokens"))}
    response = client.delete(f"/api/v1/tokens/{manager_token['id']}")
    assert response.status_code == 404
    assert ApiToken.objects.get(id=manager_token["id"]).revoked_at is None
    assert bearer(manager_token["token"]).get("/api/v1/me").status_code == 200


def test_a_token_for_someone_else_needs_manage_staff(people, api):
    response = create_token(api(people.rep), staff_id=people.qa.id)
    assert response.status_code == 403
    assert not ApiToken.objects.filter(staff=people.qa).exists()
    response = create_token(api(people.manager), staff_id=people.qa.id, name="报表")
    assert response.status_code == 201
    raw = json_of(response)["token"]
    assert json_of(bearer(raw).get("/api/v1/me"))["username"] == "qa"
    event = AuditEvent.objects.get(action="token.created", actor=people.manager)
    assert event.target_id == str(people.qa.id)


def test_a_token_for_an_unknown_person_is_refused(people, api):
    response = create_token(api(people.manager), staff_id=999999)
    assert response.status_code == 422
    assert "staff_id" in json_of(response)["fields"]


@pytest.mark.parametrize("who", ["plumber", "guard"])
def test_department_workers_cannot_make_tokens(people, api, who):
    client = api(getattr(people, who))  # a token an administrator gave them still works
    assert create_token(client).status_code == 403
    assert client.get("/api/v1/tokens").status_code == 403


@pytest.mark.parametrize("payload", [{"name": ""}, {"name": "x" * 61}, {"name": "ok", "expires": "never"}])
def test_invalid_token_request_is_refused(people, api, payload):
    count = ApiToken.objects.count()
    response = api(people.rep).post("/api/v1/tokens", payload, content_type="application/json")
    assert response.status_code == 422
    assert ApiToken.objects.count() == count + 1  # only the client's own token


def test_revoking_a_missing_token_is_404(people, api):
    assert api(people.manager).delete("/api/v1/tokens/999999").status_code == 404


def test_last_use_is_recorded_at_most_once_a_minute(people, api, clock):
    raw = json_of(create_token(api(people.rep)))["token"]
    token = ApiToken.objects.get(prefix=raw[:10])
    assert token.last_used_at is None
    client = bearer(raw)
    client.get("/api/v1/me")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    clock.shift(30)
    client.get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at == first
    clock.shift(61)
    client.get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_a_manager_cannot_mint_a_token_for_an_administrator(people, api):
    response = create_token(api(people.manager), staff_id=people.admin.id)
    assert response.status_code == 403
    assert not ApiToken.objects.filter(staff=people.admin).exists()

