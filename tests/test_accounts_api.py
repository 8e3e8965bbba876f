"""Staff and departments through the API: who sees whom, who may change what, versions that
refuse a stale write, and an audit event for every change to staff or permissions."""

import pytest
from django.test import Client

from frontdesk.accounts.models import Department, Membership, Staff
from frontdesk.accounts.roles import CAPABILITIES, Role
from frontdesk.audit.models import AuditEvent
from tests.conftest import PASSWORD, json_of

NEW_PASSWORD = "a-long-pass-phrase-7"


def new_staff(people, **overrides):
    payload = {
        "username": "li",
        "full_name": "李四",
        "employee_number": "F010",
        "password": NEW_PASSWORD,
        "phone": "13800138010",
        "memberships": [{"department_id": people.service.id, "role": "representative"}],
    }
    return {**payload, **overrides}


def post(client, path, payload):
    return client.post(path, payload, content_type="application/json")


def patch(client, path, payload):
    return client.patch(path, payload, content_type="application/json")


def events(action):
    """The events of `action` done by someone (the fixture's console-made accounts have no actor)."""
    return list(AuditEvent.objects.filter(action=action, actor__isnull=False).order_by("id"))


# --- me ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who, role", [("rep", Role.REPRESENTATIVE), ("plumber", Role.DEPARTMENT_WORKER), ("admin", Role.ADMINISTRATOR)])
def test_me_shows_roles_and_capabilities(people, api, who, role):
    me = json_of(api(getattr(people, who)).get("/api/v1/me"))
    person = getattr(people, who)
    assert me["id"] == person.id
    assert me["full_name"] == person.full_name
    assert me["roles"] == [role]
    assert me["capabilities"] == sorted(CAPABILITIES[role])
    assert "password" not in me


# --- who sees whom ---------------------------------------------------------------------------


def usernames(client, **params):
    response = client.get("/api/v1/staff", params)
    assert response.status_code == 200, response.content
    return {s["username"] for s in json_of(response)["items"]}


ALL = {"admin", "gm", "manager", "supervisor", "rep", "specialist", "visits", "qa", "analyst", "engineer", "plumber", "guard"}


@pytest.mark.parametrize(
    "who, visible",
    [
        ("plumber", {"engineer", "plumber"}),
        ("eng_head", {"engineer", "plumber"}),
        ("guard", {"guard"}),
        ("manager", ALL),
        ("gm", ALL),
        ("rep", ALL),
        ("qa", ALL),
        ("admin", ALL),
    ],
)
def test_staff_list_is_limited_to_own_department_for_department_roles(people, api, who, visible):
    assert usernames(api(getattr(people, who))) == visible


def test_department_worker_gets_404_for_another_departments_staff(people, api):
    plumber = api(people.plumber)
    assert plumber.get(f"/api/v1/staff/{people.eng_head.id}").status_code == 200
    for other in (people.guard, people.rep, people.manager):
        response = plumber.get(f"/api/v1/staff/{other.id}")
        assert response.status_code == 404
        assert json_of(response)["code"] == "not_found"


def test_department_worker_sees_only_own_department(people, api):
    plumber = api(people.plumber)
    listed = json_of(plumber.get("/api/v1/departments"))["items"]
    assert [d["code"] for d in listed] == ["engineering"]
    assert plumber.get(f"/api/v1/departments/{people.security.id}").status_code == 404
    assert plumber.get(f"/api/v1/departments/{people.engineering.id}").status_code == 200
    managers = json_of(api(people.manager).get("/api/v1/departments"))["items"]
    assert {d["code"] for d in managers} == {"service", "engineering", "security"}


@pytest.mark.parametrize("q, expected", [("郑", {"plumber"}), ("rep", {"rep"}), ("M00", {"gm", "manager"}), ("nobody", set())])
def test_staff_search(people, api, q, expected):
    assert usernames(api(people.manager), q=q) == expected


def test_staff_search_respects_department_scope(people, api):
    assert usernames(api(people.plumber), q="冯") == set()


def test_staff_list_shows_memberships(people, api):
    items = json_of(api(people.manager).get("/api/v1/staff", {"q": "plumber"}))["items"]
    assert items[0]["memberships"] == [
        {
            "department_id": people.engineering.id,
            "department": "工程部",
            "role": "department_worker",
            "role_name": items[0]["memberships"][0]["role_name"],
        }
    ]
    assert items[0]["memberships"][0]["role_name"]


# --- creating staff ------------------------------------------------------------------------


def test_manager_creates_staff_with_membership_and_audit(people, api):
    response = post(api(people.manager), "/api/v1/staff", new_staff(people))
    assert response.status_code == 201, response.content
    body = json_of(response)
    assert body["username"] == "li"
    assert body["version"] == 1
    assert [(m["department_id"], m["role"]) for m in body["memberships"]] == [(people.service.id, "representative")]
    staff = Staff.objects.get(username="li")
    assert staff.check_password(NEW_PASSWORD)
    assert staff.roles == {Role.REPRESENTATIVE}
    (event,) = events("staff.created")
    assert event.actor == people.manager
    assert event.target_id == str(staff.id)
    assert event.data["memberships"] == [{"department_id": people.service.id, "role": "representative"}]
    assert "password" not in str(event.data)
    # the new person can sign in at once
    client = Client()
    response = client.post("/login/", {"username": "li", "password": NEW_PASSWORD})
    assert response.status_code == 302, response.content[:300]
    assert json_of(client.get("/api/v1/me"))["username"] == "li"


@pytest.mark.parametrize("who", ["rep", "supervisor", "qa", "analyst", "eng_head", "plumber"])
def test_roles_without_manage_staff_cannot_create_staff(people, api, who):
    response = post(api(getattr(people, who)), "/api/v1/staff", new_staff(people))
    assert response.status_code == 403
    assert json_of(response)["code"] == "forbidden"
    assert not Staff.objects.filter(username="li").exists()
    assert not events("staff.created")


def test_manager_cannot_grant_administrator_but_admin_can(people, api):
    payload = new_staff(people, memberships=[{"department_id": people.service.id, "role": "administrator"}])
    response = post(api(people.manager), "/api/v1/staff", payload)
    assert response.status_code == 403
    assert not Staff.objects.filter(username="li").exists()
    response = post(api(people.admin), "/api/v1/staff", payload)
    assert response.status_code == 201, response.content
    assert Staff.objects.get(username="li").roles == {Role.ADMINISTRATOR}


def test_manager_cannot_raise_anyone_to_administrator_by_edit(people, api):
    response = patch(
        api(people.manager),
        f"/api/v1/staff/{people.rep.id}",
        {"version": 1, "memberships": [{"department_id": people.service.id, "role": "administrator"}]},
    )
    assert response.status_code == 403
    assert Staff.objects.get(id=people.rep.id).roles == {Role.REPRESENTATIVE}
    assert Staff.objects.get(id=people.rep.id).version == 1


def test_manager_cannot_change_an_administrators_roles(people, api):
    response = patch(
        api(people.manager),
        f"/api/v1/staff/{people.admin.id}",
        {"version": 1, "memberships": [{"department_id": people.service.id, "role": "representative"}]},
    )
    assert response.status_code == 403
    assert Staff.objects.get(id=people.admin.id).roles == {Role.ADMINISTRATOR}


@pytest.mark.parametrize(
    "password", ["123", "short", "password123", "12345678901", "li-si-li-si"],
)
def test_weak_password_is_refused(people, api, password):
    payload = new_staff(people, password=password, username="lisili", full_name="li si li si")
    response = post(api(people.manager, language="en"), "/api/v1/staff", payload)
    assert response.status_code == 422, response.content
    body = json_of(response)
    assert list(body["fields"]) == ["password"]
    assert body["fields"]["password"]
    assert not Staff.objects.filter(username="lisili").exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"username": "rep"}, "username"),
        ({"employee_number": "F001"}, "employee_number"),
        ({"username": "has space"}, "username"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "李" * 61}, "full_name"),
        ({"memberships": [{"department_id": 999999, "role": "representative"}]}, "memberships"),
        ({"memberships": [{"department_id": 1, "role": "emperor"}]}, "memberships.0.role"),
        ({"is_superuser": True}, "is_superuser"),
    ],
)
def test_invalid_staff_is_refused_and_nothing_is_written(people, api, overrides, field):
    count = Staff.objects.count()
    response = post(api(people.manager), "/api/v1/staff", new_staff(people, **overrides))
    assert response.status_code == 422, response.content
    assert field in json_of(response)["fields"]
    assert Staff.objects.count() == count
    assert not events("staff.created")


# --- changing staff ----------------------------------------------------------------------------


def test_update_staff_with_version_and_audit(people, api):
    manager = api(people.manager)
    response = patch(manager, f"/api/v1/staff/{people.rep.id}", {"version": 1, "full_name": "张敏敏", "phone": "13900139000"})
    assert response.status_code == 200, response.content
    body = json_of(response)
    assert body["full_name"] == "张敏敏"
    assert body["version"] == 2
    (event,) = events("staff.updated")
    assert event.actor == people.manager
    assert event.data == {"full_name": "张敏敏", "phone": "13900139000"}
    assert not events("staff.permissions_changed")


def test_changing_memberships_is_audited_as_permissions_changed(people, api):
    manager = api(people.manager)
    memberships = [
        {"department_id": people.service.id, "role": "supervisor"},
        {"department_id": people.engineering.id, "role": "department_worker"},
    ]
    response = patch(manager, f"/api/v1/staff/{people.rep.id}", {"version": 1, "memberships": memberships})
    assert response.status_code == 200, response.content
    assert sorted(m["role"] for m in json_of(response)["memberships"]) == ["department_worker", "supervisor"]
    assert Staff.objects.get(id=people.rep.id).roles == {Role.SUPERVISOR, Role.DEPARTMENT_WORKER}
    (event,) = events("staff.permissions_changed")
    assert event.actor == people.manager
    assert event.target_id == str(people.rep.id)
    assert sorted(m["role"] for m in event.data["memberships"]) == ["department_worker", "supervisor"]
    # the change takes effect on the person's next request
    assert json_of(api(people.rep).get("/api/v1/me"))["roles"] == ["department_worker", "supervisor"]


def test_stale_staff_version_is_409_and_changes_nothing(people, api):
    manager = api(people.manager)
    assert patch(manager, f"/api/v1/staff/{people.rep.id}", {"version": 1, "phone": "13900139000"}).status_code == 200
    response = patch(
        manager,
        f"/api/v1/staff/{people.rep.id}",
        {"version": 1, "full_name": "别人", "memberships": [{"department_id": people.service.id, "role": "cs_manager"}]},
    )
    assert response.status_code == 409
    assert json_of(response)["code"] == "stale_version"
    rep = Staff.objects.get(id=people.rep.id)
    assert rep.full_name == "张敏"
    assert rep.version == 2
    assert rep.roles == {Role.REPRESENTATIVE}
    assert len(events("staff.updated")) == 1
    assert not events("staff.permissions_changed")


@pytest.mark.parametrize("who", ["rep", "supervisor", "qa", "eng_head"])
def test_roles_without_manage_staff_cannot_edit_staff(people, api, who):
    response = patch(api(getattr(people, who)), f"/api/v1/staff/{people.plumber.id}", {"version": 1, "full_name": "x"})
    assert response.status_code == 403
    assert Staff.objects.get(id=people.plumber.id).full_name == "郑师傅"


def test_deactivate_staff_keeps_the_record_and_stops_the_login(people, api):
    manager = api(people.manager)
    plumber = api(people.plumber)
    response = manager.delete(f"/api/v1/staff/{people.plumber.id}?version=1")
    assert response.status_code == 200
    assert json_of(response)["is_active"] is False
    assert Staff.objects.filter(id=people.plumber.id, is_active=False).exists()
    assert plumber.get("/api/v1/me").status_code == 401


def test_a_manager_cannot_deactivate_an_administrator(people, api):
    response = api(people.manager).delete(f"/api/v1/staff/{people.admin.id}?version=1")
    assert response.status_code == 403
    assert Staff.objects.get(id=people.admin.id).is_active


def test_an_administrator_can_deactivate_a_manager(people, api):
    response = api(people.admin).delete(f"/api/v1/staff/{people.manager.id}?version=1")
    assert response.status_code == 200
    assert not Staff.objects.get(id=people.manager.id).is_active
    (event,) = events("staff.updated")
    assert event.actor == people.admin
    assert event.data == {"is_active": False}


def test_deactivating_with_a_stale_version_is_409(people, api):
    manager = api(people.manager)
    assert patch(manager, f"/api/v1/staff/{people.rep.id}", {"version": 1, "phone": "13900139000"}).status_code == 200
    response = manager.delete(f"/api/v1/staff/{people.rep.id}?version=1")
    assert response.status_code == 409
    assert json_of(response)["code"] == "stale_version"
    assert Staff.objects.get(id=people.rep.id).is_active


def test_nobody_can_deactivate_themselves(people, api):
    response = patch(api(people.manager), f"/api/v1/staff/{people.manager.id}", {"version": 1, "is_active": False})
    assert response.status_code == 422
    assert "is_active" in json_of(response)["fields"]
    assert Staff.objects.get(id=people.manager.id).is_active


def test_password_cannot_be_patched(people, api):
    response = patch(api(people.manager), f"/api/v1/staff/{people.rep.id}", {"version": 1, "password": "x"})
    assert response.status_code == 422
    assert Staff.objects.get(id=people.rep.id).check_password(PASSWORD)


# --- departments ---------------------------------------------------------------------------


def test_department_create_update_with_version_and_audit(people, api):
    manager = api(people.manager)
    response = post(manager, "/api/v1/departments", {"code": "cleaning", "name": "保洁部", "phone": "0755-8888 1003"})
    assert response.status_code == 201, response.content
    created = json_of(response)
    assert created["version"] == 1 and created["is_active"] is True
    (event,) = events("department.created")
    assert event.actor == people.manager
    assert event.data == {"code": "cleaning", "name": "保洁部"}

    response = patch(manager, f"/api/v1/departments/{created['id']}", {"version": 1, "name": "环境部", "is_active": False})
    assert response.status_code == 200, response.content
    assert json_of(response)["name"] == "环境部"
    assert json_of(response)["version"] == 2
    (event,) = events("department.updated")
    assert event.data == {"name": "环境部", "is_active": False}

    stale = patch(manager, f"/api/v1/departments/{created['id']}", {"version": 1, "name": "后勤部"})
    assert stale.status_code == 409
    assert json_of(stale)["code"] == "stale_version"
    assert Department.objects.get(id=created["id"]).name == "环境部"
    assert len(events("department.updated")) == 1


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"code": "service", "name": "新部门"}, "code"),
        ({"code": "new", "name": "客服部"}, "name"),
        ({"code": "has space", "name": "x"}, "code"),
        ({"code": "new", "name": ""}, "name"),
        ({"code": "new", "name": "x" * 61}, "name"),
        ({"name": "x"}, "code"),
    ],
)
def test_invalid_department_is_refused(people, api, payload, field):
    response = post(api(people.manager), "/api/v1/departments", payload)
    assert response.status_code == 422
    assert field in json_of(response)["fields"]
    assert Department.objects.count() == 3
    assert not events("department.created")


@pytest.mark.parametrize("who", ["rep", "supervisor", "eng_head", "plumber"])
def test_only_staff_managers_change_departments(people, api, who):
    client = api(getattr(people, who))
    assert post(client, "/api/v1/departments", {"code": "new", "name": "新部门"}).status_code == 403
    response = patch(client, f"/api/v1/departments/{people.engineering.id}", {"version": 1, "name": "维修部"})
    assert response.status_code == 403
    assert Department.objects.get(id=people.engineering.id).name == "工程部"


def test_a_department_with_staff_cannot_be_deleted(people, api):
    manager = api(people.manager)
    response = manager.delete(f"/api/v1/departments/{people.security.id}")
    assert response.status_code == 422
    assert Department.objects.filter(id=people.security.id).exists()
    Membership.objects.filter(department=people.security).delete()
    assert manager.delete(f"/api/v1/departments/{people.security.id}").status_code == 204
    assert not Department.objects.filter(id=people.security.id).exists()
    assert len(events("department.deleted")) == 1


def test_working_hours_with_a_time_zone_are_refused(people, api):
    manager = api(people.manager, language="en")
    response = manager.post(
        "/api/v1/departments",
        {"code": "garden", "name": "绿化部", "opens_at": "08:00+08:00"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"opens_at": ["Enter a valid date or time."]}
    assert not Department.objects.filter(code="garden").exists()
