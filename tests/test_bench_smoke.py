"""The benchmarks at smoke size, end to end: seed 1,000 orders, serve them, load them, sweep.
Checks that every operation was measured without errors and the table has its numbers; how
fast they are is for a person to read in the table, not for a test to assert."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.server

BENCH = Path(__file__).resolve().parent.parent / "bench"
OPERATIONS = [
    "healthz",
    "inbox page 1",
    "inbox page 1000",
    "search 漏水",
    "search phone digits",
    "order detail",
    "search English",
    "create",
    "action (accept)",
    "register export, 1 month",
]


def test_smoke_run_measures_every_operation(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["FRONTDESK_DATA_DIR"] = str(tmp_path / "data")
    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--smoke", "--results", str(results)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    table = results.read_text()
    assert "work orders" in table.splitlines()[2], "the machine line names the database size"
    assert re.search(r"1,0\d\d work orders", table), "the smoke size is about 1,000 orders"
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 9 and cells[0] not in ("operation", "---"):
            rows[(cells[0], cells[1])] = cells
    for concurrency in ("1", "8"):
        for operation in OPERATIONS:
            cells = rows.get((operation, concurrency))
            assert cells is not None, f"{operation} at concurrency {concurrency} is missing from the table"
            requests, p50, p99, rate, ratio, _target, errors = cells[2:]
            assert int(requests) > 0 and errors == "0", cells
            assert float(p50) > 0 and float(p99) >= float(p50), cells
            assert float(rate.replace(",", "")) > 0 and ratio.endswith("×"), cells
    for sweep in ("sweep, nothing due", "sweep, 100 due"):
        # The row names how many orders were open, to compare a small database with a big one.
        cells = next((cells for (name, where), cells in rows.items() if name.startswith(sweep) and where == "in-process"), None)
        assert cells is not None and re.fullmatch(rf"{sweep}, [\d,]+ open orders", cells[0]), cells
        assert cells[-1] == "0" and float(cells[3]) > 0, cells
