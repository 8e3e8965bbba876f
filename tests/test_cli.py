"""The console commands an installer and an administrator use: createstaff, token, and a
backup that restores into a new database exactly as it was."""

import datetime
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile
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
from tests.processes import Installation, drop_postgres_database, new_postgres_database, postgres_reachable

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


def frontdesk_together(*calls) -> list[subprocess.CompletedProcess]:
    """Run independent commands side by side (each its own process), to keep the suite quick."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "frontdesk", *args], env=site.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for site, *args in calls
    ]
    results = []
    for process, (_site, *args) in zip(processes, calls):
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


def _table_rows(site: Installation) -> dict[str, list[tuple]]:
    """Every row of frontdesk's own tables, read straight from the database."""
    if site.database_url:
        listed = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
    else:
        listed = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    tables = [
        name
        for (name,) in site.query(listed)
        # SQLite FTS5's own shadow tables hold the index's b-tree, which differs with the order
        # of writes; the index's rows (the virtual table itself) are compared.
        if name.startswith(APP_TABLES) and not name.startswith("workorders_search_")
    ]
    return {table: site.query(f'SELECT * FROM "{table}" ORDER BY 1') for table in tables}


# A photo of the leak, attached to the first demo order through the service, before the backup.
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
ATTACH_A_PHOTO = f"""
from django.core.files.base import ContentFile
from frontdesk.accounts.models import Staff
from frontdesk.workorders.attachments import add_attachment
from frontdesk.workorders.models import WorkOrder
desk = Staff.objects.get(username="frontdesk")
add_attachment(desk, WorkOrder.objects.order_by("id").first().id, ContentFile({PHOTO!r}, name="漏水.png"))
"""


def _attached_files(site: Installation) -> dict[str, bytes]:
    """The attachment rows' files as the server would serve them: name -> content."""
    names = [name for (name,) in site.query("SELECT file FROM workorders_workorderattachment ORDER BY id")]
    return {name: (site.data_dir / "media" / name).read_bytes() for name in names}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def restored(request, tmp_path_factory):
    """A demo database (a), its backup, and a new database (b) restored from it; each step run
    as an installer would, by the `frontdesk` command in its own process."""
    urls = [None, None]
    if request.param == "postgresql":
        if not postgres_reachable():
            pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432")
        urls = [new_postgres_database(), new_postgres_database()]
    root = tmp_path_factory.mktemp("backup")
    source, target = Installation(root / "a", urls[0]), Installation(root / "b", urls[1])
    backup = root / "b.tar"
    try:
        assert "demo data loaded" in source.run("setup").stdout
        source.run("shell", "-c", ATTACH_A_PHOTO)
        assert "backup written" in source.run("backup", str(backup)).stdout
        assert "restored from" in target.run("restore", str(backup)).stdout
        yield SimpleNamespace(root=root, source=source, target=target, backup=backup)
    finally:
        for url in filter(None, urls):
            drop_postgres_database(url)


@pytest.mark.server
def test_backup_restores_into_a_new_database_exactly(restored):
    with tarfile.open(restored.backup) as archive, gzip.open(archive.extractfile("records.json.gz"), "rt") as f:
        assert json.load(f), "the backup is empty"
    assert not list(restored.root.glob("*.partial.*"))
    dumped = frontdesk_together((restored.source, *DUMP), (restored.target, *DUMP))
    assert all(d.returncode == 0 for d in dumped), [d.stderr for d in dumped]
    original, copy = (json.loads(d.stdout) for d in dumped)
    models = {row["model"] for row in original}
    assert {"accounts.staff", "accounts.department", "accounts.membership", "customers.customer", "audit.auditevent"} <= models
    # 60 residents and the 4 hotel guests of the demo day
    assert sum(row["model"] == "customers.customer" for row in original) == 64
    assert sum(row["model"] == "workorders.workorder" for row in original) == 4
    assert len(copy) == len(original)
    for before, after in zip(_values(original), _values(copy)):
        assert after == before


@pytest.mark.server
def test_restored_rows_are_identical_to_the_microsecond(restored):
    original, copy = _table_rows(restored.source), _table_rows(restored.target)
    for table in ("workorders_workorder", "workorders_search", "hotel_stay", "hotel_folioentry", "hotel_wakeupcall"):
        assert original[table], f"the demo has no {table} rows to compare"
    assert copy == original


@pytest.mark.server
def test_attached_files_come_back_with_their_orders(restored):
    files = _attached_files(restored.source)
    assert list(files.values()) == [PHOTO]
    assert _attached_files(restored.target) == files


@pytest.mark.server
def test_a_tampered_backup_restores_nothing_and_an_older_records_only_backup_still_restores(restored, tmp_path):
    if restored.source.database_url:
        pytest.skip("the archive is read the same way for both engines")
    with tarfile.open(restored.backup) as archive:
        records = archive.extractfile("records.json.gz").read()
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(tampered, "w") as archive:
        for name, content in (("records.json.gz", records), ("media/../../outside.txt", b"escaped")):
            member = tarfile.TarInfo(name)
            member.size = len(content)
            archive.addfile(member, io.BytesIO(content))
    older = tmp_path / "older.json.gz"
    older.write_bytes(records)
    not_a_backup = tmp_path / "notes.tar"
    with tarfile.open(not_a_backup, "w") as archive:
        archive.addfile(tarfile.TarInfo("notes.txt"))
    victim, earlier, other = Installation(tmp_path / "c"), Installation(tmp_path / "d"), Installation(tmp_path / "e")
    refused, accepted, wrong = frontdesk_together(
        (victim, "restore", str(tampered)), (earlier, "restore", str(older)), (other, "restore", str(not_a_backup))
    )
    assert wrong.returncode != 0 and "not a backup written by `frontdesk backup`" in wrong.stderr
    assert refused.returncode != 0 and "media/../../outside.txt" in refused.stderr
    assert victim.query("SELECT count(*) FROM customers_customer") == [(0,)]
    assert not (tmp_path / "outside.txt").exists() and not (tmp_path / "c" / "media").exists()
    assert accepted.returncode == 0, accepted.stderr
    assert earlier.query("SELECT count(*) FROM customers_customer") == [(64,)]


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
    assert restored.target.query("SELECT count(*) FROM customers_customer") == [(64,)]


@pytest.mark.server
def test_the_restored_database_takes_new_records(restored):
    # The restored database goes on numbering where the original stopped (PostgreSQL's
    # sequences included): a new staff member and a new token are written without a clash.
    restored.target.run(
        "createstaff", "newcomer", "--name", "新同事", "--number", "F099", "--department", "service", "--role", "representative",
        "--password", PASS_PHRASE,
    )
    assert restored.target.token("newcomer").startswith("fd_")
