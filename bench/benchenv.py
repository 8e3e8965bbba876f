"""What the benchmark scripts share: pointing Django at the database named on the command line,
and the machine line printed with every result.

The scripts run from a checkout (`python bench/seed.py ...`), so this folder is on sys.path and
frontdesk is imported from the installed package.
"""

import datetime
import os
import platform
import sqlite3
from pathlib import Path

# Settings keep a secret key and static files in a data folder; a benchmark must not write into
# the repository's var/, so everything goes under /tmp unless the caller says otherwise.
DEFAULT_DATA_DIR = "/tmp/frontdesk-bench-data"


def database_url(value: str) -> str:
    """A PostgreSQL or SQLite URL as given, or a file path turned into a SQLite URL."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def environment(url: str) -> dict[str, str]:
    """The environment variables that make frontdesk use `url` (for this process and the server)."""
    return {
        "DATABASE_URL": url,
        "FRONTDESK_DATA_DIR": os.environ.get("FRONTDESK_DATA_DIR", DEFAULT_DATA_DIR),
        "DJANGO_SETTINGS_MODULE": "frontdesk.settings",
        # The benchmark measures requests, not the log lines about them.
        "FRONTDESK_LOG_LEVEL": "WARNING",
    }


def setup_django(url: str) -> None:
    os.environ.update(environment(url))
    import django

    django.setup()


def machine_line(url: str, orders: int) -> str:
    """CPU, cores, Python, database and its version, date and size: what a reader needs to
    compare two result tables."""
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    if connection.vendor == "sqlite":
        database = f"SQLite {sqlite3.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    today = datetime.date.today().isoformat()
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {database}, "
        f"{today}, {orders:,} work orders"
    )
