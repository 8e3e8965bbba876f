"""Signing in and the protections around it: throttled guessing, CSRF, security headers,
session cookies, and an audit trail of every login and failed login."""

import datetime

import pytest
from django.test import Client

from frontdesk.audit.models import AuditEvent
from frontdesk.core.middleware import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD, SHANGHAI, json_of

WRONG = "not-the-password-1"


def login(client: Client, username: str, password: str, ip: str = "127.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client: Client) -> bool:
    return client.get("/api/v1/me").status_code == 200


def test_login_with_the_right_password_lands_on_the_dashboard(people):
    client = Client()
    response = login(client, "rep", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in(client)


def test_wrong_password_shows_the_form_again(people):
    client = Client()
    response = login(client, "rep", WRONG)
    assert response.status_code == 200
    assert b'name="password"' in response.content
    assert not signed_in(client)


# --- throttling ----------------------------------------------------------------------------


def test_five_failures_lock_the_username_for_fifteen_minutes(people, clock):
    client = Client()
    for _ in range(4):
        assert login(client, "rep", WRONG).status_code == 200
    assert login(client, "rep", WRONG).status_code == 429  # the fifth failure locks
    locked = login(client, "rep", PASSWORD)
    assert locked.status_code == 429
    assert not signed_in(client)

    clock.shift(datetime.timedelta(minutes=16))
    assert login(client, "rep", PASSWORD).status_code == 302
    assert signed_in(client)


def test_trying_again_during_the_lockout_restarts_it(people, clock):
    client = Client()
    for _ in range(5):
        login(client, "rep", WRONG)
    clock.shift(datetime.timedelta(minutes=14))
    assert login(client, "rep", PASSWORD).status_code == 429
    clock.shift(datetime.timedelta(minutes=2))  # 16 minutes after the failures, 2 after the retry
    assert login(client, "rep", PASSWORD).status_code == 429
    clock.shift(datetime.timedelta(minutes=16))
    assert login(client, "rep", PASSWORD).status_code == 302


def test_four_failures_do_not_lock_and_a_success_resets_the_count(people, clock):
    client = Client()
    for _ in range(4):
        login(client, "rep", WRONG)
    assert login(client, "rep", PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        login(client, "rep", WRONG)
    assert login(client, "rep", PASSWORD).status_code == 302


def test_lockout_is_by_username_and_address(people, clock):
    for _ in range(5):
        login(Client(), "rep", WRONG, ip="10.0.0.9")
    # the same person from another desk, and another person from the same desk, still sign in
    assert login(Client(), "rep", PASSWORD, ip="10.0.0.10").status_code == 302
    assert login(Client(), "qa", PASSWORD, ip="10.0.0.9").status_code == 302
    assert login(Client(), "rep", PASSWORD, ip="10.0.0.9").status_code == 429


# --- audit ---------------------------------------------------------------------------------


def test_login_and_failed_login_are_audited(people, clock):
    login(Client(), "rep", WRONG, ip="10.1.2.3")
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.actor is None
    assert failed.data == {"username": "rep"}
    assert failed.ip_address == "10.1.2.3"
    assert WRONG not in str(failed.data)
    assert failed.at == datetime.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)

    login(Client(), "rep", PASSWORD, ip="10.1.2.3")
    success = AuditEvent.objects.get(action="login")
    assert success.actor == people.rep
    assert success.target_id == str(people.rep.id)
    assert success.ip_address == "10.1.2.3"


def test_logout_is_audited(people):
    client = Client()
    login(client, "rep", PASSWORD)
    client.post("/logout/")
    assert AuditEvent.objects.filter(action="logout", actor=people.rep).count() == 1
    assert not signed_in(client)


# --- CSRF ----------------------------------------------------------------------------------


def test_login_post_without_csrf_token_is_403(people):
    client = Client(enforce_csrf_checks=True)
    response = login(client, "rep", PASSWORD)
    assert response.status_code == 403
    assert not signed_in(client)
    assert not AuditEvent.objects.filter(action="login").exists()


def test_login_post_with_csrf_token_works(people):
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    response = client.post("/login/", {"username": "rep", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert signed_in(client)


# --- headers and cookies -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login/", "/api/v1/openapi.json", "/api/v1/me", "/api/nothing"])
def test_security_headers_on_every_response(db, path):
    response = Client().get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert csp == CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site(people):
    response = login(Client(), "rep", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_csrf_cookie_is_same_site(db):
    response = Client().get("/login/")
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


def test_weak_password_is_refused_by_the_validators(people, api):
    response = api(people.manager, language="en").post(
        "/api/v1/staff",
        {"username": "li", "full_name": "李四", "employee_number": "F010", "password": "123"},
        content_type="application/json",
    )
    assert response.status_code == 422
    messages = json_of(response)["fields"]["password"]
    assert any("too short" in m for m in messages)
    assert any("entirely numeric" in m for m in messages)


def test_the_administrator_role_opens_the_django_admin(people):
    client = Client()
    client.force_login(people.admin)
    assert not people.admin.is_staff and not people.admin.is_superuser
    assert client.get("/admin/").status_code == 200
    page = client.get("/admin/accounts/staff/")
    assert page.status_code == 200 and people.manager.username in page.content.decode()


def test_a_manager_is_kept_out_of_the_django_admin(people):
    client = Client()
    client.force_login(people.manager)
    response = client.get("/admin/accounts/staff/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
