"""Time the work-order operations against a seeded database, served the way users run it.

    python bench/run.py --database /tmp/bench-1m.sqlite3        # a database made by seed.py
    python bench/run.py --smoke                                  # 1,000 orders in /tmp, < 30 s

Starts `frontdesk serve --no-worker` on a free 127.0.0.1 port, sends the requests from a
separate process (load.py: threads, keep-alive) at concurrency 1 and 8, times one timer sweep
with 100 due timers in this process, prints a table and writes it to RESULTS.md. Every
latency is also given as a ratio to GET /healthz (no database) measured by the same server in
the same run, which is what stays comparable between machines. See README.md.
"""

import argparse
import datetime
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import benchenv

HERE = Path(__file__).resolve().parent
PAGE_SIZE = 50
DEEP_PAGE = 1000
SEARCH_WORD = "漏水"
ENGLISH_WORD = "leaking"
SWEEP_DUE = 100
# One export reads a whole month of orders, seconds at 1,000,000: this many requests at
# concurrency 1 (one per thread at a higher concurrency), within this many times --seconds
# (so that they fit), each allowed this long (seven queued before it), after one warm-up.
EXPORT_REQUESTS = 3
EXPORT_BUDGET = 4
EXPORT_TIMEOUT = 900

# Targets of issue 3 at 1,000,000 orders, per operation: (what is compared, limit).
TARGETS = {
    "create": ("req/s at concurrency 8", 400),
    "inbox page 1": ("p50 ms", 25),
    "inbox page 1000": ("p50 ms", 25),
    "search 漏水": ("p50 ms", 45),
    "order detail": ("p50 ms", 15),
    "sweep, 100 due": ("p50 ms", 20),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a SQLite file or postgresql:// URL seeded by seed.py")
    parser.add_argument("--smoke", action="store_true", help="seed 1,000 orders into a new file in /tmp and run a few requests")
    parser.add_argument("--requests", type=int, default=None, help="requests per operation and concurrency (default 400; smoke 20)")
    parser.add_argument("--seconds", type=float, default=None, help="time budget per operation and concurrency (default 20; smoke 2)")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated thread counts of the load generator")
    parser.add_argument("--workers", type=int, default=1, help="web processes of `frontdesk serve` (default 1)")
    parser.add_argument("--sweeps", type=int, default=None, help="timed sweeps of 100 due timers (default 7; smoke 3)")
    parser.add_argument("--results", default=None, help="where to write the table (default bench/RESULTS.md; smoke: next to its database)")
    args = parser.parse_args(argv)
    if not args.smoke and not args.database:
        parser.error("name a seeded --database, or pass --smoke")

    workdir = Path(tempfile.mkdtemp(prefix="frontdesk-bench-"))
    if args.smoke:
        url = benchenv.database_url(str(workdir / "smoke.sqlite3"))
        os.environ.setdefault("FRONTDESK_DATA_DIR", str(workdir / "data"))
    else:
        url = benchenv.database_url(args.database)
    benchenv.setup_django(url)
    if args.smoke:
        import seed

        seed.seed(1000, customers=200, batch_size=1000, rng=random.Random(2026))
    requests = args.requests or (20 if args.smoke else 400)
    seconds = args.seconds or (2.0 if args.smoke else 20.0)
    sweeps = args.sweeps or (3 if args.smoke else 7)
    levels = [int(c) for c in args.concurrency.split(",")]
    results_path = Path(args.results) if args.results else (workdir / "RESULTS.md" if args.smoke else HERE / "RESULTS.md")

    from frontdesk.workorders.models import WorkOrder

    orders = WorkOrder.objects.count()
    if orders == 0:
        sys.exit("this database has no work orders: run bench/seed.py first")
    machine = benchenv.machine_line(url, orders)
    print(machine, flush=True)

    plan, notes = build_plan(levels, requests, seconds)
    server, log = start_server(url, workdir, args.workers)
    try:
        answer = run_load(server["port"], plan)
    finally:
        stop_server(server["process"])
    rows = summarise(answer)
    rows += time_sweeps(sweeps)
    table = render(rows, machine, notes)
    print(table)
    results_path.write_text(table + "\n")
    print(f"written to {results_path}")
    failed = [row for row in rows if row["errors"]]
    if failed:
        for row in failed:
            print(f"{row['name']} (concurrency {row['concurrency']}): {row['errors']} errors, first: {row['first_error']}", file=sys.stderr)
        print(f"server log: {log}", file=sys.stderr)
        return 1
    return 0


# --- what to ask for ---------------------------------------------------------------------


def build_plan(levels: list[int], requests: int, seconds: float) -> tuple[dict, list[str]]:
    """Tokens, paths and bodies of every operation, prepared in the database before the
    server starts, so that the load generator only sends and times."""
    from frontdesk.accounts.models import Department, Staff
    from frontdesk.accounts.services import create_token
    from frontdesk.core.pagination import encode_cursor
    from frontdesk.customers.models import ContactPoint, Customer
    from frontdesk.workorders.services import search_orders

    representative = Staff.objects.get(username="frontdesk")
    head = Staff.objects.get(username="engineer")
    engineering = Department.objects.get(code="engineering")
    rep_headers = {"Authorization": f"Bearer {create_token(None, name='bench', staff_id=representative.id)[1]}", "Accept-Language": "zh-hans"}
    head_headers = {"Authorization": f"Bearer {create_token(None, name='bench', staff_id=head.id)[1]}", "Accept-Language": "zh-hans"}
    rng = random.Random(7)
    notes = []

    # The department inbox as its head sees it, newest first; the deep page's cursor is the
    # last id of the page before, exactly what following next_cursor 999 times would give.
    inbox = search_orders(head, department_id=engineering.id).order_by("-id").values_list("id", flat=True)
    inbox_path = f"/api/v1/workorders?department={engineering.id}&limit={PAGE_SIZE}"
    inbox_count = inbox.count()
    deep_page = min(DEEP_PAGE, max(1, math.ceil(inbox_count / PAGE_SIZE)))
    if deep_page < DEEP_PAGE:
        notes.append(f"The engineering inbox has {inbox_count:,} orders, {deep_page} pages of {PAGE_SIZE}: “inbox page 1000” measured page {deep_page}.")
    deep_path = inbox_path if deep_page == 1 else f"{inbox_path}&cursor={encode_cursor(inbox[(deep_page - 1) * PAGE_SIZE - 1])}"

    last_id = _last_order_id()
    detail_ids = [rng.randint(1, last_id) for _ in range(200)]
    customer_ids = list(Customer.objects.order_by("?").values_list("id", flat=True)[:200])
    phone = ContactPoint.objects.filter(customer_id=customer_ids[0]).values_list("digits", flat=True).first() or "13800138000"
    bodies = [creation_body(rng, customer_id) for customer_id in customer_ids]
    export_path, export_note = month_export_path()
    notes.append(export_note)
    export_headers = {"Cookie": f"sessionid={session_of(representative)}", "Accept-Language": "zh-hans"}

    operations = [
        ("healthz", "GET", ["/healthz"], {}, None, 200),
        ("inbox page 1", "GET", [inbox_path], head_headers, None, 200),
        ("inbox page 1000", "GET", [deep_path], head_headers, None, 200),
        ("search 漏水", "GET", [f"/api/v1/workorders?q={urllib.parse.quote(SEARCH_WORD)}&limit={PAGE_SIZE}"], rep_headers, None, 200),
        ("search phone digits", "GET", [f"/api/v1/workorders?q={phone[-8:]}&limit={PAGE_SIZE}"], rep_headers, None, 200),
        ("order detail", "GET", [f"/api/v1/workorders/{i}" for i in detail_ids], rep_headers, None, 200),
        ("search English", "GET", [f"/api/v1/workorders?q={ENGLISH_WORD}&limit={PAGE_SIZE}"], rep_headers, None, 200),
        ("create", "POST", ["/api/v1/workorders"], rep_headers, bodies, 201),
    ]
    # Each action request accepts an order of its own, dispatched to engineering beforehand
    # (through the services, as the desk would), with the version it has: no request is refused.
    warm_up, per_level = 10, requests
    accepting = iter(dispatched_orders(representative, engineering, warm_up + per_level * len(levels)))

    def accepts(count: int) -> tuple[list[str], list[dict]]:
        chosen = [next(accepting) for _ in range(count)]
        return [f"/api/v1/workorders/{i}/actions/accept" for i, _ in chosen], [{"version": v, "fields": {}, "note": ""} for _, v in chosen]

    plan = []
    # A short pass first, not counted: connections, caches and the procedure parse warm up.
    for name, method, paths, headers, op_bodies, expect in operations:
        plan.append(_operation(f"warm-up {name}", method, paths, headers, op_bodies, expect, 1, warm_up, seconds))
    paths, action_bodies = accepts(warm_up)
    plan.append(_operation("warm-up action (accept)", "POST", paths, head_headers, action_bodies, 200, 1, warm_up, seconds))
    export_budget = seconds * EXPORT_BUDGET
    plan.append(_operation("warm-up register export, 1 month", "GET", [export_path], export_headers, None, 200, 1, 1, export_budget, EXPORT_TIMEOUT))
    for level in levels:
        for name, method, paths, headers, op_bodies, expect in operations:
            plan.append(_operation(name, method, paths, headers, op_bodies, expect, level, requests, seconds))
        paths, action_bodies = accepts(per_level)
        plan.append(_operation("action (accept)", "POST", paths, head_headers, action_bodies, 200, level, per_level, seconds))
        export_requests = min(requests, max(EXPORT_REQUESTS, level))
        plan.append(_operation("register export, 1 month", "GET", [export_path], export_headers, None, 200, level, export_requests, export_budget, EXPORT_TIMEOUT))
    return {"operations": plan}, notes


def dispatched_orders(representative, engineering, count: int) -> list[tuple[int, int]]:
    """(id, version) of `count` new complaints dispatched to engineering, for the accept action."""
    from frontdesk.workorders import services

    intake = {"caller_name": "王先生", "caller_phone": "13800138000", "description": "楼道声控灯不亮", "read_back": "confirmed"}
    made = []
    for _ in range(count):
        order = services.create_work_order(representative, "complaint", fields=intake)
        order = services.take_action(representative, order.id, "dispatch", version=order.version, fields={"department": engineering.id})
        made.append((order.id, order.version))
    return made


def month_export_path() -> tuple[str, str]:
    """The summary register of the last whole month, as CSV."""
    from django.utils import timezone

    from frontdesk.core import clock
    from frontdesk.workorders.models import WorkOrder

    last = clock.today().replace(day=1) - datetime.timedelta(days=1)
    first = last.replace(day=1)
    # Local days as a range of the indexed column, as the register filters them.
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min))
    count = WorkOrder.objects.filter(created_at__gte=start, created_at__lt=end).count()
    note = f"“register export, 1 month”: {first:%Y-%m}, {count:,} orders recorded that month, CSV."
    return f"/workorders/register/export.csv?date_from={first}&date_to={last}", note


def session_of(staff) -> str:
    """A logged-in session for the register export (a page, not an API call)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.create()
    return session.session_key


def _last_order_id() -> int:
    from frontdesk.workorders.models import WorkOrder

    return WorkOrder.objects.order_by("-id").values_list("id", flat=True).first()


def _operation(name, method, paths, headers, bodies, expect, concurrency, requests, seconds, timeout=None) -> dict:
    operation = {"name": name, "method": method, "paths": paths, "headers": headers, "expect": expect}
    operation.update(concurrency=concurrency, requests=requests, seconds=seconds)
    if bodies is not None:
        operation["bodies"] = bodies
    if timeout is not None:
        operation["timeout"] = timeout
    return operation


def creation_body(rng: random.Random, customer_id: int) -> dict:
    """A complaint or a repair as the front desk records it on the phone, for a customer of the archive."""
    from seed import COMPLAINTS, REPAIRS, _random_mobile, _random_name

    if rng.random() < 0.5:
        description, location = rng.choice(COMPLAINTS)
        fields = {"severity": "ordinary"}
        service_type = "complaint"
    else:
        description, location = rng.choice(REPAIRS)
        fields = {"room": f"{rng.randint(1, 6)}-{rng.randint(1, 3)}-{rng.randint(1, 18)}{rng.randint(1, 4):02d}"}
        service_type = "repair"
    fields.update(
        caller_name=_random_name(rng), caller_phone=_random_mobile(rng), description=description, location=location, read_back="confirmed"
    )
    return {"service_type": service_type, "customer_id": customer_id, "fields": fields, "priority": "normal", "channel": "phone"}


# --- the server and the load generator -----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, workdir: Path, workers: int = 1) -> tuple[dict, Path]:
    port = _free_port()
    log = workdir / "serve.log"
    env = {**os.environ, **benchenv.environment(url)}
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "frontdesk", "serve", "--port", str(port), "--no-worker", "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    # Wait for the port to open (start-up, bounded), then for /healthz to answer.
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if process.poll() is not None:
            sys.exit(f"the server exited:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return {"port": port, "process": process}, log
        except OSError:
            time.sleep(0.1)
    stop_server(process)
    sys.exit(f"the server did not start listening within 60 s:\n{log.read_text()}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_load(port: int, plan: dict) -> list[dict]:
    plan = {**plan, "port": port}
    # A request sent just before an operation's time is up may still take its whole timeout.
    budget = sum(op["seconds"] + op.get("timeout", 30) for op in plan["operations"]) + 120
    done = subprocess.run(
        [sys.executable, str(HERE / "load.py")], input=json.dumps(plan), capture_output=True, text=True, timeout=budget
    )
    if done.returncode != 0:
        sys.exit(f"the load generator failed:\n{done.stderr}")
    return json.loads(done.stdout)


# --- measuring the sweep -------------------------------------------------------------------


def time_sweeps(rounds: int) -> list[dict]:
    """Time sweep_due_timers in this process: `rounds` times with nothing due, then `rounds`
    times with 100 timers made due on 100 open orders (a different 100 each round). Both rows
    name how many orders are open: a sweep should cost the same at 10,000 as at 1,000,000."""
    from frontdesk.core import clock
    from frontdesk.workorders.models import Timer, WorkOrder
    from frontdesk.workorders.timers import sweep_due_timers

    now = clock.now()
    # Whatever fell due since the database was seeded is applied first, untimed, so that each
    # timed sweep finds exactly the 100 timers made due for it.
    while sweep_due_timers(now):
        pass
    open_count = WorkOrder.objects.exclude(state="closed").count()
    running = Timer.objects.filter(state="running").count()
    idle = []
    for _round in range(rounds):
        began = time.perf_counter()
        sweep_due_timers(now)
        idle.append((time.perf_counter() - began) * 1000)

    wanted = SWEEP_DUE * rounds
    open_orders = list(WorkOrder.objects.exclude(state="closed").order_by("-id").values_list("id", "service_type")[:wanted])
    if len(open_orders) < wanted:
        # A small database has too few open orders; the sweep does not look at the state.
        open_orders += list(WorkOrder.objects.filter(state="closed").order_by("-id").values_list("id", "service_type")[: wanted - len(open_orders)])
    first_timer = {"complaint": "pickup", "repair": "onsite"}
    timings, errors = [], []
    for round_ in range(rounds):
        chosen = open_orders[round_ * SWEEP_DUE : (round_ + 1) * SWEEP_DUE]
        due = now - datetime.timedelta(minutes=1)
        Timer.objects.bulk_create(
            [Timer(order_id=order_id, name=first_timer.get(kind, "pickup"), started_at=due - datetime.timedelta(minutes=15), due_at=due, state="running") for order_id, kind in chosen]
        )
        began = time.perf_counter()
        recorded = sweep_due_timers(now)
        timings.append((time.perf_counter() - began) * 1000)
        if recorded != len(chosen):
            errors.append(f"round {round_ + 1}: {recorded} breaches recorded for {len(chosen)} due timers")
    open_orders_text = f"{open_count:,} open orders"
    return [
        {
            "name": "sweep, nothing due",
            "label": f"sweep, nothing due, {open_orders_text}",
            "concurrency": "in-process",
            "latencies_ms": idle,
            "seconds": sum(idle) / 1000,
            "errors": 0,
            "first_error": None,
            "count": None,
            "note": f"{open_orders_text}, {running:,} running timers, none of them due",
        },
        {
            "name": f"sweep, {SWEEP_DUE} due",
            "label": f"sweep, {SWEEP_DUE} due, {open_orders_text}",
            "concurrency": "in-process",
            "latencies_ms": timings,
            "seconds": sum(timings) / 1000,
            "errors": len(errors),
            "first_error": errors[0] if errors else None,
            "count": None,
            "note": f"{open_orders_text}, {running:,} running timers not due besides the {SWEEP_DUE} made due in each round",
        },
    ]


# --- the table -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(answer: list[dict]) -> list[dict]:
    rows = [result for result in answer if not result["name"].startswith("warm-up")]
    warm_up_errors = [result for result in answer if result["name"].startswith("warm-up") and result["errors"]]
    rows += warm_up_errors  # a failing operation shows even if it only failed while warming up
    return rows


def render(rows: list[dict], machine: str, notes: list[str]) -> str:
    baseline = {row["concurrency"]: statistics.median(row["latencies_ms"]) for row in rows if row["name"] == "healthz" and row["latencies_ms"]}
    serial_baseline = baseline.get(1) or next(iter(baseline.values()), None)
    lines = [
        "# frontdesk benchmark results",
        "",
        f"Machine: {machine}.",
        "",
        "| operation | concurrency | requests | p50 ms | p99 ms | req/s | p50 ÷ healthz p50 | target | errors |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for row in rows:
        latencies = row["latencies_ms"]
        if latencies:
            p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
            rate = len(latencies) / row["seconds"] if row["seconds"] else 0
            base = baseline.get(row["concurrency"], serial_baseline)
            ratio = f"{p50 / base:.1f}×" if base else "n/a"
            # An export answers a few times a minute: show that rate, not "0".
            rate_text = f"{rate:,.0f}" if rate >= 10 else f"{rate:.2g}"
            numbers = f"{len(latencies)} | {p50:.2f} | {p99:.2f} | {rate_text} | {ratio}"
        else:
            numbers = "0 | n/a | n/a | n/a | n/a"
        lines.append(f"| {row.get('label', row['name'])} | {row['concurrency']} | {numbers} | {target_text(row)} | {row['errors']} |")
    lines.append("")
    lines.append(
        "p50 and p99 in milliseconds, measured by the load generator from sending the request to reading the whole "
        "answer; the ratio divides by GET /healthz at the same concurrency (the sweeps, timed in-process, by healthz "
        "at concurrency 1). Targets are for 1,000,000 orders."
    )
    for row in rows:
        if row.get("note"):
            lines.append(f"- {row['name']}: {row['note']}.")
        if row.get("bytes", 0) >= 1_000_000 and row["concurrency"] == 1:
            lines.append(f"- {row['name']}: answers of {row['bytes'] / 1_000_000:,.1f} MB.")
        if row["errors"]:
            lines.append(f"- {row['name']} (concurrency {row['concurrency']}): first error: {row['first_error']}")
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines)


def target_text(row: dict) -> str:
    target = TARGETS.get(row["name"])
    if target is None:
        return ""
    what, limit = target
    latencies = row["latencies_ms"]
    if not latencies:
        return f"{what} {limit}"
    if what.startswith("req/s"):
        if row["concurrency"] != 8:
            return ""
        value = len(latencies) / row["seconds"]
        return f"≥ {limit}/s: {'met' if value >= limit else 'missed'}"
    value = statistics.median(latencies)
    return f"< {limit} ms: {'met' if value < limit else 'missed'}"


if __name__ == "__main__":
    sys.exit(main())
