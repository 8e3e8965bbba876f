"""Faults a real installation meets, provoked on purpose against real processes on loopback:
the server and the worker killed with SIGKILL in the middle of a load, and PostgreSQL stopped
and started again under load. Each test is bounded (a few hundred requests) and stops itself.

What is checked is what an operator would check afterwards: every request that was answered
2xx is in the database, nothing half-written is visible (each order's case log, version,
state, timers and search entry agree), every due timer fired exactly once, and refusals while
the database was away were clean 503s in the API's error shape."""

import collections
import datetime
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.processes import (
    ApiClient,
    Installation,
    drop_postgres_database,
    free_port,
    new_postgres_database,
    postgres_reachable,
    wait_until,
)

pytestmark = pytest.mark.server

# The worker runs as if an hour had passed: every 15-minute pick-up limit started by the load
# is due for it, while the web server's clock is the real one.
HOUR_AHEAD = datetime.timedelta(hours=1)
INTAKE = {
    "caller_name": "王先生",
    "caller_phone": "13800138000",
    "room": "3-2-501",
    "description": "楼上卫生间漏水，天花板滴水",
    "read_back": "confirmed",
}
NO_ANSWER = (OSError, http.client.HTTPException)


@pytest.fixture(params=["sqlite", "postgresql"])
def installation(request, tmp_path):
    """A fresh installation with the demo data, on SQLite or on a PostgreSQL database of its own."""
    database_url = None
    if request.param == "postgresql":
        if not postgres_reachable():
            pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432")
        database_url = new_postgres_database()
    site = Installation(tmp_path, database_url, FRONTDESK_LOG_LEVEL="WARNING")
    try:
        assert "demo data loaded" in site.run("setup").stdout
        yield site
    finally:
        site.stop_all()
        if database_url:
            drop_postgres_database(database_url)


@dataclass
class Ledger:
    """What the server acknowledged (answered 2xx), as the clients saw it."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    versions: dict = field(default_factory=dict)  # order id -> highest version answered
    states: dict = field(default_factory=dict)  # order id -> state at that version
    numbers: dict = field(default_factory=dict)  # order id -> number given at creation
    statuses: collections.Counter = field(default_factory=collections.Counter)
    refusals: list = field(default_factory=list)  # (status, body, headers) of every non-2xx
    unanswered: int = 0

    def acknowledged(self) -> int:
        return sum(self.statuses[s] for s in (200, 201))

    def answer(self, status, body, headers) -> dict | None:
        with self.lock:
            self.statuses[status] += 1
            if status not in (200, 201):
                self.refusals.append((status, body, headers))
                return None
            order_id = body["id"]
            if body["version"] >= self.versions.get(order_id, 0):
                self.versions[order_id], self.states[order_id] = body["version"], body["state"]
            self.numbers.setdefault(order_id, body["number"])
            return body

    def no_answer(self) -> None:
        with self.lock:
            self.unanswered += 1


def keep_intake_going(
    rep: ApiClient, head: ApiClient, engineering_id: int, ledger: Ledger, stop: threading.Event, seed: int
):
    """One front-desk client: record a complaint, dispatch it to engineering, and let the
    department accept every other one (so about half keep a running pick-up limit)."""
    chance = random.Random(seed)
    while not stop.is_set():
        try:
            order = ledger.answer(
                *rep.call("POST", "/workorders", {"service_type": "complaint", "fields": INTAKE, "channel": "phone"})
            )
            if order is None:
                continue
            body = {"version": order["version"], "fields": {"department": engineering_id}, "note": ""}
            order = ledger.answer(*rep.call("POST", f"/workorders/{order['id']}/actions/dispatch", body))
            if order is not None and chance.random() < 0.5:
                body = {"version": order["version"], "fields": {}, "note": ""}
                ledger.answer(*head.call("POST", f"/workorders/{order['id']}/actions/accept", body))
        except NO_ANSWER:
            # The server is down (killed on purpose): this request was never acknowledged.
            ledger.no_answer()
            stop.wait(0.05)


def start_load(site: Installation, port: int, ledger: Ledger, clients: int = 3):
    rep, head = ApiClient(port, site.token("frontdesk")), ApiClient(port, site.token("engineer"))
    engineering_id = site.query("SELECT id FROM accounts_department WHERE code = 'engineering'")[0][0]
    stop = threading.Event()
    threads = [
        threading.Thread(target=keep_intake_going, args=(rep, head, engineering_id, ledger, stop, n), daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    return stop, threads, rep


def stop_load(stop: threading.Event, threads: list[threading.Thread]) -> None:
    stop.set()
    for thread in threads:
        thread.join(60)
        assert not thread.is_alive(), "a load client hung"


def kill_9(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(10)


def acknowledged_at_least(ledger: Ledger, count: int):
    return wait_until(lambda: ledger.acknowledged() >= count, f"{count} acknowledged requests", deadline_s=120)


# --- what an auditor checks afterwards ------------------------------------------------------


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def assert_every_acknowledged_request_is_kept(site: Installation, ledger: Ledger) -> None:
    stored = {row[0]: row[1:] for row in site.query("SELECT id, number, version, state FROM workorders_workorder")}
    for order_id, version in ledger.versions.items():
        assert order_id in stored, f"order {order_id} was acknowledged but is not in the database"
        number, stored_version, state = stored[order_id]
        assert number == ledger.numbers[order_id]
        # The client's last answer, or one action more whose answer the kill swallowed.
        assert stored_version in (version, version + 1), (order_id, version, stored_version)
        if stored_version == version:
            assert state == ledger.states[order_id]


def assert_nothing_is_half_written(site: Installation) -> None:
    orders = {row[0]: row[1:] for row in site.query("SELECT id, version, state FROM workorders_workorder")}
    log = collections.defaultdict(list)
    for order_id, seq, action, to_state in site.query(
        "SELECT order_id, seq, action, to_state FROM workorders_workorderevent ORDER BY order_id, seq"
    ):
        log[order_id].append((seq, action, to_state))
    for order_id, (version, state) in orders.items():
        events = log[order_id]
        assert [seq for seq, _, _ in events] == list(range(1, len(events) + 1)), (
            f"order {order_id}: gaps in its case log"
        )
        by_people = [(action, to_state) for _, action, to_state in events if action != "timer_breached"]
        # Every change a person made is one version and one case-log entry, and the order is in
        # the state its last entry says.
        assert len(by_people) == version, f"order {order_id}: version {version}, {len(by_people)} entries"
        assert by_people[-1][1] == state, f"order {order_id}: state {state}, log says {by_people[-1][1]}"
    running = collections.Counter(
        order_id
        for (order_id,) in site.query(
            "SELECT order_id FROM workorders_timer WHERE name = 'pickup' AND state = 'running'"
        )
    )
    for order_id, (_version, state) in orders.items():
        if state != "dispatched":
            assert running[order_id] == 0, f"order {order_id} is {state} with its pick-up limit still running"
        assert running[order_id] <= 1
    key = "order_id" if site.database_url else "rowid"
    indexed = {order_id for (order_id,) in site.query(f"SELECT {key} FROM workorders_search")}
    assert set(orders) <= indexed, "orders missing from the search index"


def assert_every_due_timer_fired_exactly_once(site: Installation, order_ids) -> None:
    fired = collections.Counter()
    for order_id, recorded in site.query(
        "SELECT order_id, fields FROM workorders_workorderevent WHERE action = 'timer_breached'"
    ):
        fired[(order_id, _json(recorded)["timer"])] += 1
    breached = collections.Counter(
        (order_id, name)
        for order_id, name in site.query("SELECT order_id, name FROM workorders_timer WHERE state = 'breached'")
    )
    assert fired == breached, "a breach recorded twice, or a breached timer without its case-log entry"
    notified = collections.Counter(
        order_id for (order_id,) in site.query("SELECT order_id FROM workorders_notification WHERE kind = 'breached'")
    )
    for order_id in order_ids:
        # The pick-up limit tells the department head once per breach, never twice.
        assert notified[order_id] == breached[(order_id, "pickup")], order_id


def running_timers_due_for_the_worker(site: Installation) -> int:
    horizon = datetime.datetime.now(datetime.timezone.utc) + HOUR_AHEAD - datetime.timedelta(minutes=1)
    if site.database_url:
        return site.query("SELECT count(*) FROM workorders_timer WHERE state = 'running' AND due_at <= ?", (horizon,))[
            0
        ][0]
    rows = site.query("SELECT due_at FROM workorders_timer WHERE state = 'running'")
    return sum(datetime.datetime.fromisoformat(due).replace(tzinfo=datetime.timezone.utc) <= horizon for (due,) in rows)


# --- the tests ------------------------------------------------------------------------------


def test_kill_9_of_the_server_and_a_worker_under_load_loses_nothing(installation):
    site = installation
    port = free_port()
    server = site.serve(port, "--no-worker")
    workers = [
        site.start("worker", "--interval", "1", log_name=f"worker-{n}.log", clock_ahead=HOUR_AHEAD) for n in range(2)
    ]
    ledger = Ledger()
    stop, threads, _rep = start_load(site, port, ledger)
    try:
        for target in (30, 70):
            acknowledged_at_least(ledger, target)
            kill_9(server)
            server = site.serve(port, "--no-worker")
        acknowledged_at_least(ledger, 100)
        # A worker killed in the middle of its passes, then started again beside the other.
        kill_9(workers[0])
        workers[0] = site.start("worker", "--interval", "1", log_name="worker-0b.log", clock_ahead=HOUR_AHEAD)
        acknowledged_at_least(ledger, 130)
        kill_9(workers[1])
        acknowledged_at_least(ledger, 160)
    finally:
        stop_load(stop, threads)
    assert ledger.unanswered > 0, "the kills never interrupted a client: the test proved nothing"
    assert set(ledger.statuses) <= {200, 201}, ledger.refusals[:3]

    assert_every_acknowledged_request_is_kept(site, ledger)
    assert_nothing_is_half_written(site)
    wait_until(lambda: running_timers_due_for_the_worker(site) == 0, "the worker to apply every due timer")
    assert_every_due_timer_fired_exactly_once(site, ledger.versions)
    assert any(state == "dispatched" for state in ledger.states.values())
    assert site.query("SELECT count(*) FROM workorders_timer WHERE state = 'breached' AND name = 'pickup'")[0][0] > 0

    # After all that, two clients pressing "accept" on one order at the same instant: one wins,
    # the other is told the order changed.
    order_id, version = site.query("SELECT id, version FROM workorders_workorder WHERE state = 'dispatched' LIMIT 1")[0]
    heads = [ApiClient(port, site.token(username)) for username in ("engineer", "plumber")]
    assert sorted(s for s, _ in press_together(heads, f"/workorders/{order_id}/actions/accept", version)) == [200, 409]
    assert site.query(
        "SELECT count(*) FROM workorders_workorderevent WHERE order_id = ? AND action = 'accept'", (order_id,)
    ) == [(1,)]


def press_together(clients: list[ApiClient], path: str, version: int) -> list[tuple[int, dict]]:
    """Each client sends the same action with the same version, released at once by a barrier."""
    barrier, answers = threading.Barrier(len(clients)), [None] * len(clients)

    def press(i: int) -> None:
        barrier.wait()
        status, body, _headers = clients[i].call("POST", path, {"version": version, "fields": {}, "note": ""})
        answers[i] = (status, body)

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


# --- PostgreSQL restarted under load -------------------------------------------------------


def _postgres_bin() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PostgresCluster:
    """A PostgreSQL server of the test's own, in a temporary folder on a free port, so that it
    can be stopped and started without touching the machine's server (PostgreSQL refuses to
    run as root: as root, it runs as the `postgres` user)."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="frontdesk-pg-"))
        self.port = free_port()
        self.as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self._pg("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/frontdesk"

    def _pg(self, program: str, *args: str) -> None:
        result = subprocess.run(
            [*self.as_owner, str(self.bindir / program), *args], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg("pg_ctl", "-D", str(self.dir / "data"), "-o", options, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def own_postgres():
    bindir = _postgres_bin()
    if bindir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    cluster = PostgresCluster(bindir)
    try:
        cluster.start()
        cluster._pg("createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "frontdesk")
        yield cluster
    finally:
        cluster.remove()


def _open_page(port: int, path: str, cookie: str):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return SimpleNamespace(status=response.status, text=response.read().decode())
    except urllib.error.HTTPError as refused:
        return SimpleNamespace(status=refused.code, text=refused.read().decode())


def test_postgresql_restarted_under_load_fails_cleanly_and_recovers(own_postgres, tmp_path):
    site = Installation(tmp_path, own_postgres.url, FRONTDESK_LOG_LEVEL="WARNING")
    try:
        assert "demo data loaded" in site.run("setup").stdout
        port = free_port()
        server = site.serve(port, "--no-worker")
        worker = site.start("worker", "--interval", "1", log_name="worker.log", clock_ahead=HOUR_AHEAD)
        ledger = Ledger()
        stop, threads, rep = start_load(site, port, ledger, clients=2)
        try:
            acknowledged_at_least(ledger, 30)
            own_postgres.stop()
            wait_until(lambda: ledger.statuses[503] >= 5, "requests refused while the database is down")
            page = _open_page(port, "/", cookie="sessionid=someone-logged-in")
            own_postgres.start()
            before = ledger.acknowledged()
            acknowledged_at_least(ledger, before + 30)
        finally:
            stop_load(stop, threads)

        # Refused cleanly: 503, the error shape in the client's language, and when to retry.
        assert set(ledger.statuses) <= {200, 201, 503}, ledger.refusals[:3]
        for status, body, headers in ledger.refusals:
            assert body["code"] == "unavailable" and body["fields"] == {}
            assert body["message"] == "The database cannot be reached just now. Please try again in a moment."
            assert int(headers["Retry-After"]) > 0
        assert ledger.unanswered == 0, "the server stopped answering"
        # A person at the desk gets the error page in Chinese, not a stack trace.
        assert page.status == 503 and "数据库暂时无法连接，请稍后重试。" in page.text and "暂时无法使用" in page.text
        # Recovered without a restart: the same server and worker processes answer and sweep.
        assert server.poll() is None and worker.poll() is None
        assert rep.call("GET", "/workorders?limit=1")[0] == 200
        assert_every_acknowledged_request_is_kept(site, ledger)
        assert_nothing_is_half_written(site)
        wait_until(lambda: running_timers_due_for_the_worker(site) == 0, "the worker to apply every due timer")
        assert_every_due_timer_fired_exactly_once(site, ledger.versions)
    finally:
        site.stop_all()
