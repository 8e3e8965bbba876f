"""The console commands an installer and an administrator use: createstaff, token, and a
backup that restores into a new database exactly as it was."""

import datetime
import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from frontdesk.accounts.models import ApiToken, Staff
from frontdesk.accounts.roles import Role
from frontdesk.audit.models import AuditEvent
from tests.conftest import json_of

PASS_PHRASE = "a-long-pass-phrase-7"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- createstaff ---------------------------------------------------------------------------


def test_createstaff_creates_staff_with_the_membership(people):
    output = run("createstaff", "li", "--name", "李四", "--number", "F010", "--department", "service", "--role", "representative", "--password", PASS_PHRASE)
    staff = Staff.objects.get(username="li")
    assert "李四 (F010)" in output
    assert staff.full_name == "李四"
    assert staff.employee_number == "F010"
    assert staff.check_password(PASS_PHRASE)
    assert [(m.department.code, m.role) for m in staff.memberships.all()] == [("service", Role.REPRESENTATIVE)]
    assert not staff.is_superuser
    event = AuditEvent.objects.get(action="staff.created", target_id=str(staff.id))
    assert event.actor is None  # done at the console
    # and the new person can sign in
    client = Client()
    assert client.post("/login/", {"username": "li", "password": PASS_PHRASE}).status_code == 302


def test_createstaff_with_two_departments_and_superuser(people):
    run(
        "createstaff", "wu", "--name", "吴六", "--number", "X001",
        "--department", "service", "--role", "supervisor",
        "--department", "engineering", "--role", "department_head",
        "--superuser", "--password", PASS_PHRASE,
    )  # fmt: skip
    staff = Staff.objects.get(username="wu")
    assert staff.roles == {Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.ADMINISTRATOR}
    assert staff.is_superuser and staff.is_staff


@pytest.mark.parametrize(
    "args, message",
    [
        (["--department", "nowhere", "--role", "representative", "--password", PASS_PHRASE], "unknown department"),
        (["--department", "service", "--password", PASS_PHRASE], "one --role for each --department"),
        (["--department", "service", "--role", "representative", "--password", "123"], "password"),
    ],
)
def test_createstaff_refuses_bad_input_and_creates_nothing(people, args, message):
    with pytest.raises(CommandError) as caught:
        run("createstaff", "li", "--name", "李四", "--number", "F010", *args)
    assert message in str(caught.value)
    assert not Staff.objects.filter(username="li").exists()


def test_createstaff_refuses_a_taken_username(people):
    with pytest.raises(CommandError) as caught:
        run("createstaff", "rep", "--name", "李四", "--number", "F010", "--password", PASS_PHRASE)
    assert "username" in str(caught.value)
    assert Staff.objects.get(username="rep").full_name == "张敏"


# --- token ---------------------------------------------------------------------------------


def test_token_create_prints_a_token_that_works_and_revoke_stops_it(people):
    raw = run("token", "create", "rep", "--name", "报表脚本").strip()
    assert raw.startswith("fd_")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert json_of(client.get("/api/v1/me"))["username"] == "rep"

    token = ApiToken.objects.get(prefix=raw[:10])
    assert token.name == "报表脚本"
    listing = run("token", "list", "rep")
    assert f"{token.id}\trep\t报表脚本\t{raw[:10]}…\tactive" in listing
    assert raw not in listing

    assert run("token", "revoke", str(token.id)).strip() == f"revoked {token.id}"
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert json_of(response)["code"] == "unauthenticated"
    assert "revoked" in run("token", "list", "rep")
    assert AuditEvent.objects.filter(action="token.revoked", target_id=str(people.rep.id)).count() == 1


def test_token_for_an_unknown_person_or_token_is_an_error(people):
    with pytest.raises(CommandError, match="no staff member"):
        run("token", "create", "nobody")
    with pytest.raises(CommandError, match="no such token"):
        run("token", "revoke", "999999")


# --- backup and restore, each in its own process -------------------------------------------------


def _env(data_dir) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["FRONTDESK_DATA_DIR"] = str(data_dir)
    return env


def frontdesk(data_dir, *args, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk", *args], env=_env(data_dir), capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def frontdesk_together(*calls) -> list[subprocess.CompletedProcess]:
    """Run independent commands side by side (each its own process), to keep the suite quick."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "frontdesk", *args], env=_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for data_dir, *args in calls
    ]
    results = []
    for process, (_data_dir, *args) in zip(processes, calls):
        stdout, stderr = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(args, process.returncode, stdout, stderr))
    return results


DUMP = ("dumpdata", "accounts", "customers", "audit", "workorders", "--natural-foreign")
APP_TABLES = ("accounts_", "customers_", "audit_", "workorders_", "handover_", "hotel_")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _values(rows: list[dict]) -> list[dict]:
    """dumpdata's rows with timestamps as datetimes: Django writes a time whose milliseconds are
    .000 as "…:54.000Z" before a restore and "…:54Z" after it, the same instant."""

    def value(v):
        return datetime.datetime.fromisoformat(v) if isinstance(v, str) and _DATETIME.match(v) else v

    return [{**row, "fields": {k: value(v) for k, v in row["fields"].items()}} for row in rows]


def _sqlite_rows(path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(path)) as db:
        tables = [
            name
            for (name,) in db.execute("select name from sqlite_master where type = 'table' order by name")
            # FTS5's own shadow tables hold the index's b-tree, which differs with the order
            # of writes; the index's rows (the virtual table itself) are compared.
            if name.startswith(APP_TABLES) and not name.startswith("workorders_search_")
        ]
        return {table: db.execute(f'select * from "{table}" order by rowid').fetchall() for table in tables}


@pytest.fixture(scope="module")
def restored(tmp_path_factory):
    """A demo database (a), its backup, and a new database (b) restored from it; each step run
    as an installer would, by the `frontdesk` command in its own process."""
    root = tmp_path_factory.mktemp("backup")
    source, target, backup = root / "a", root / "b", root / "b.json.gz"
    assert "demo data loaded" in frontdesk(source, "setup").stdout
    assert "backup written" in frontdesk(source, "backup", str(backup)).stdout
    assert "restored" in frontdesk(target, "restore", str(backup)).stdout
    return SimpleNamespace(root=root, source=source, target=target, backup=backup)


@pytest.mark.server
def test_backup_restores_into_a_new_database_exactly(restored):
    with gzip.open(restored.backup, "rt") as f:
        assert json.load(f), "the backup is empty"
    assert not list(restored.root.glob("*.partial.*"))
    dumped = frontdesk_together((restored.source, *DUMP), (restored.target, *DUMP))
    assert all(d.returncode == 0 for d in dumped), [d.stderr for d in dumped]
    original, copy = (json.loads(d.stdout) for d in dumped)
    models = {row["model"] for row in original}
    assert {"accounts.staff", "accounts.department", "accounts.membership", "customers.customer", "audit.auditevent"} <= models
    assert sum(row["model"] == "customers.customer" for row in original) == 60
    assert sum(row["model"] == "workorders.workorder" for row in original) == 4
    assert len(copy) == len(original)
    for before, after in zip(_values(original), _values(copy)):
        assert after == before


@pytest.mark.server
def test_restored_rows_are_identical_to_the_microsecond(restored):
    assert _sqlite_rows(restored.target / "frontdesk.sqlite3") == _sqlite_rows(restored.source / "frontdesk.sqlite3")


@pytest.mark.server
def test_restore_needs_an_empty_database_and_backup_never_overwrites(restored):
    size = restored.backup.stat().st_size
    again, refused = frontdesk_together(
        (restored.target, "restore", str(restored.backup)), (restored.source, "backup", str(restored.backup))
    )
    assert again.returncode != 0
    assert "the database is not empty" in again.stderr
    assert refused.returncode != 0
    assert "exists; choose a new name" in refused.stderr
    assert restored.backup.stat().st_size == size
    with closing(sqlite3.connect(restored.target / "frontdesk.sqlite3")) as db:
        assert db.execute("select count(*) from customers_customer").fetchone() == (60,)
