"""The accounts service layer on its own: roles add up to capabilities, department scope,
and the rules every entry point (API, pages, console) inherits from the services."""

import pytest
from django.contrib.auth.models import AnonymousUser

from frontdesk.accounts import services
from frontdesk.accounts.models import ApiToken, Department, Membership, Staff
from frontdesk.accounts.roles import CAPABILITIES, Capability, Role
from frontdesk.accounts.services import MembershipSpec
from frontdesk.audit.models import AuditEvent
from frontdesk.core.errors import InvalidInput, NotFound, PermissionDenied, StaleVersion
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-long-pass-phrase-7"


def fresh(person) -> Staff:
    """The person as the next request would load them (roles are cached per object)."""
    return Staff.objects.get(id=person.id)


# --- roles and capabilities -------------------------------------------------------------------


def test_capabilities_are_the_union_of_the_roles(people):
    Membership.objects.create(staff=people.plumber, department=people.service, role=Role.QA_INSPECTOR)
    plumber = fresh(people.plumber)
    assert plumber.roles == {Role.DEPARTMENT_WORKER, Role.QA_INSPECTOR}
    assert plumber.capabilities == CAPABILITIES[Role.DEPARTMENT_WORKER] | CAPABILITIES[Role.QA_INSPECTOR]
    assert plumber.can(Capability.VIEW_CUSTOMERS)
    assert not plumber.can(Capability.EDIT_CUSTOMERS)
    assert plumber.sees_all_departments  # QA reads across departments


def test_an_inactive_person_has_no_rights(people):
    Staff.objects.filter(id=people.manager.id).update(is_active=False)
    manager = fresh(people.manager)
    assert manager.roles == frozenset()
    assert manager.capabilities == frozenset()
    with pytest.raises(PermissionDenied):
        services.visible_staff(manager)


def test_a_superuser_is_an_administrator(people):
    Staff.objects.filter(id=people.rep.id).update(is_superuser=True)
    rep = fresh(people.rep)
    assert Role.ADMINISTRATOR in rep.roles
    assert rep.capabilities == frozenset(Capability.values)


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_nobody_is_refused(actor):
    with pytest.raises(PermissionDenied):
        services.authorize(actor, Capability.VIEW_STAFF)


# --- department scope -------------------------------------------------------------------------


def usernames(staff) -> list[str]:
    return sorted(s.username for s in staff)


def test_a_worker_in_two_departments_sees_both_each_person_once(people):
    Membership.objects.create(staff=people.plumber, department=people.security, role=Role.DEPARTMENT_WORKER)
    Membership.objects.create(staff=people.eng_head, department=people.security, role=Role.DEPARTMENT_WORKER)
    plumber = fresh(people.plumber)
    assert usernames(services.visible_staff(plumber)) == ["engineer", "guard", "plumber"]
    assert {d.code for d in services.visible_departments(plumber)} == {"engineering", "security"}
    assert services.get_visible_staff(plumber, people.guard.id) == people.guard
    with pytest.raises(NotFound):
        services.get_visible_staff(plumber, people.rep.id)


def test_staff_search_matches_name_username_or_number_within_scope(people):
    assert usernames(services.staff_search(people.manager, "郑")) == ["plumber"]
    assert usernames(services.staff_search(people.manager, " E00 ")) == ["engineer", "plumber"]
    assert usernames(services.staff_search(people.guard, "E00")) == []


# --- creating and changing staff ------------------------------------------------------------------


def test_the_console_creates_staff_without_an_actor(people):
    staff = services.create_staff(
        None,
        username="li",
        full_name=" 李四 ",
        employee_number="F010",
        password=NEW_PASSWORD,
        memberships=[MembershipSpec(people.service.id, Role.ADMINISTRATOR)],
    )
    assert staff.full_name == "李四"
    assert fresh(staff).roles == {Role.ADMINISTRATOR}  # the machine's owner may make an administrator
    event = AuditEvent.objects.get(action="staff.created", target_id=str(staff.id))
    assert event.actor is None


def test_the_console_still_checks_password_strength_unless_told_not_to(people):
    with pytest.raises(InvalidInput) as caught:
        services.create_staff(None, username="li", full_name="李四", employee_number="F010", password="123")
    assert list(caught.value.fields) == ["password"]
    assert not Staff.objects.filter(username="li").exists()
    services.create_staff(
        None, username="li", full_name="李四", employee_number="F010", password="123", check_password_strength=False
    )
    assert Staff.objects.get(username="li").check_password("123")


def test_create_staff_refused_writes_nothing(people):
    count, events = Staff.objects.count(), AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.create_staff(
            people.supervisor, username="li", full_name="李四", employee_number="F010", password=NEW_PASSWORD
        )
    with pytest.raises(InvalidInput) as caught:
        services.create_staff(
            people.manager,
            username="li",
            full_name="李四",
            employee_number="F010",
            password=NEW_PASSWORD,
            memberships=[MembershipSpec(999999, Role.REPRESENTATIVE)],
        )
    assert list(caught.value.fields) == ["memberships"]
    assert (Staff.objects.count(), AuditEvent.objects.count()) == (count, events)


def test_update_staff_bumps_the_version_and_refuses_a_stale_one(people):
    updated = services.update_staff(people.manager, people.rep.id, version=1, full_name=" 张敏敏 ")
    assert (updated.full_name, updated.version) == ("张敏敏", 2)
    events = AuditEvent.objects.count()
    with pytest.raises(StaleVersion) as caught:
        services.update_staff(
            people.manager,
            people.rep.id,
            version=1,
            phone="110",
            memberships=[MembershipSpec(people.service.id, Role.CS_MANAGER)],
        )
    assert caught.value.status == 409
    rep = fresh(people.rep)
    assert (rep.full_name, rep.phone, rep.version, rep.roles) == ("张敏敏", "", 2, {Role.REPRESENTATIVE})
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("field, value", [("username", "boss"), ("is_superuser", True), ("password", "x")])
def test_update_staff_refuses_fields_it_does_not_own(people, field, value):
    with pytest.raises(InvalidInput) as caught:
        services.update_staff(people.manager, people.rep.id, version=1, **{field: value})
    assert list(caught.value.fields) == [field]
    rep = fresh(people.rep)
    assert (rep.username, rep.is_superuser, rep.version) == ("rep", False, 1)
    assert rep.check_password(PASSWORD)


def test_an_administrator_can_change_an_administrators_roles(people):
    memberships = [
        MembershipSpec(people.service.id, Role.ADMINISTRATOR),
        MembershipSpec(people.engineering.id, Role.DEPARTMENT_HEAD),
    ]
    services.update_staff(people.admin, people.admin.id, version=1, memberships=memberships)
    assert fresh(people.admin).roles == {Role.ADMINISTRATOR, Role.DEPARTMENT_HEAD}
    assert AuditEvent.objects.filter(action="staff.permissions_changed", actor=people.admin).count() == 1


# --- passwords ------------------------------------------------------------------------------------


def test_everyone_may_change_their_own_password(people):
    services.set_staff_password(people.plumber, people.plumber.id, NEW_PASSWORD)
    assert fresh(people.plumber).check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="staff.password_changed")
    assert event.actor == people.plumber
    assert NEW_PASSWORD not in str(event.data)


def test_someone_elses_password_needs_manage_staff(people):
    with pytest.raises(PermissionDenied):
        services.set_staff_password(people.supervisor, people.rep.id, NEW_PASSWORD)
    with pytest.raises(NotFound):  # outside the plumber's department: it does not exist for them
        services.set_staff_password(people.plumber, people.guard.id, NEW_PASSWORD)
    assert fresh(people.rep).check_password(PASSWORD)
    assert fresh(people.guard).check_password(PASSWORD)
    services.set_staff_password(people.manager, people.rep.id, NEW_PASSWORD)
    assert fresh(people.rep).check_password(NEW_PASSWORD)


def test_a_weak_new_password_is_refused(people):
    with pytest.raises(InvalidInput) as caught:
        services.set_staff_password(people.rep, people.rep.id, "rep12345")
    assert list(caught.value.fields) == ["password"]
    assert fresh(people.rep).check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="staff.password_changed").exists()


def test_a_manager_cannot_set_an_administrators_password(people):
    with pytest.raises(PermissionDenied):
        services.set_staff_password(people.manager, people.admin.id, NEW_PASSWORD)
    assert fresh(people.admin).check_password(PASSWORD)


# --- departments ------------------------------------------------------------------------------------


def test_department_lifecycle_is_audited(people):
    cleaning = services.create_department(people.manager, code="cleaning", name=" 保洁部 ")
    assert cleaning.name == "保洁部"
    services.update_department(people.manager, cleaning.id, version=1, phone="0755-8888 1003")
    with pytest.raises(StaleVersion):
        services.update_department(people.manager, cleaning.id, version=1, name="环境部")
    assert Department.objects.get(id=cleaning.id).name == "保洁部"
    services.delete_department(people.manager, cleaning.id)
    assert not Department.objects.filter(code="cleaning").exists()
    actions = list(AuditEvent.objects.filter(actor=people.manager).order_by("id").values_list("action", flat=True))
    assert actions == ["department.created", "department.updated", "department.deleted"]


def test_a_department_head_cannot_rename_their_department(people):
    with pytest.raises(PermissionDenied):
        services.update_department(people.eng_head, people.engineering.id, version=1, name="维修部")
    assert Department.objects.get(id=people.engineering.id).name == "工程部"


# --- tokens -------------------------------------------------------------------------------------


def test_staff_for_token(people, clock):
    token, raw = services.create_token(people.rep, name="脚本")
    assert services.staff_for_token(raw) == people.rep
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert services.staff_for_token(raw + "x") is None
    assert services.staff_for_token(raw[3:]) is None  # without the fd_ prefix
    assert services.staff_for_token("fd_" + "a" * 200) is None


@pytest.mark.parametrize("how", ["revoked", "deactivated"])
def test_a_token_stops_working(people, how):
    token, raw = services.create_token(people.rep, name="脚本")
    if how == "revoked":
        services.revoke_token(people.rep, token.id)
    else:
        Staff.objects.filter(id=people.rep.id).update(is_active=False)
    assert services.staff_for_token(raw) is None


def test_only_the_hash_of_a_token_is_stored(people):
    _token, raw = services.create_token(people.rep, name="脚本")
    stored = ApiToken.objects.values_list("prefix", "key_hash").get(staff=people.rep)
    assert raw not in stored
    assert stored[0] == raw[:10]


def test_token_visibility(people):
    mine, _ = services.create_token(people.rep, name="a")
    theirs, _ = services.create_token(people.qa, name="b")
    assert list(services.visible_tokens(people.rep)) == [mine]
    assert set(services.visible_tokens(people.manager)) == {mine, theirs}
    with pytest.raises(NotFound):
        services.revoke_token(people.rep, theirs.id)
    with pytest.raises(PermissionDenied):
        services.visible_tokens(people.plumber)
