"""frontdesk started as its users start it: the `frontdesk` command in separate processes, on
real ports and real databases (an SQLite file, or a PostgreSQL database of its own), spoken to
over real HTTP. Shared by the server, backup and fault tests."""

import datetime
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from email.message import Message
from pathlib import Path

import psycopg

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=0.5).close()
        return True
    except OSError:
        return False


def wait_for_port(port: int, process: subprocess.Popen, log: Path, deadline_s: float = 30) -> None:
    """Wait for a server to listen (its start-up, not a business time limit)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()}")
        if port_answers("127.0.0.1", port):
            return
        time.sleep(0.1)
    raise AssertionError("server did not start listening")


def wait_until(condition, what: str, deadline_s: float = 60, every_s: float = 0.1):
    """Poll `condition` until it returns something true (a process doing its work, not a
    business time limit); returns that value."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"timed out waiting for {what}")


class Installation:
    """One frontdesk installation: its data folder and database, and the processes started
    on it. `database_url` None means the embedded default, an SQLite file in the folder."""

    def __init__(self, data_dir: Path, database_url: str | None = None, **extra_env: str):
        self.data_dir = data_dir
        self.database_url = database_url
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env["FRONTDESK_DATA_DIR"] = str(data_dir)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.env.update(extra_env)
        self.processes: list[subprocess.Popen] = []

    # --- the console command ---------------------------------------------------------------

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "frontdesk", *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def token(self, username: str) -> str:
        return self.run("token", "create", username, "--name", "tests").stdout.strip()

    def start(self, *args: str, log_name: str, clock_ahead: datetime.timedelta | None = None) -> subprocess.Popen:
        """Start `frontdesk <args>` in the background. With `clock_ahead`, the process runs with
        its clock moved that far ahead by time-machine, as if that much time had passed."""
        if clock_ahead is None:
            command = [sys.executable, "-m", "frontdesk", *args]
        else:
            program = (
                "import datetime, sys, time_machine; "
                f"time_machine.travel(datetime.timedelta(seconds={clock_ahead.total_seconds()})).start(); "
                "from frontdesk.cli import main; main(sys.argv)"
            )
            command = [sys.executable, "-c", program, *args]
        with open(self.data_dir / log_name, "a") as out:
            process = subprocess.Popen(command, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def serve(self, port: int, *args: str) -> subprocess.Popen:
        log = self.data_dir / f"serve-{port}.log"
        process = self.start("serve", "--port", str(port), *args, log_name=log.name)
        wait_for_port(port, process, log)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    # --- reading its database directly, as an auditor would -------------------------------

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.database_url:
            with psycopg.connect(self.database_url, autocommit=True) as db:
                return db.execute(sql.replace("?", "%s"), params).fetchall()
        db = sqlite3.connect(self.data_dir / "frontdesk.sqlite3")
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()


def new_postgres_database(admin_url: str = POSTGRES_ADMIN_URL) -> str:
    """Create an empty database with a unique name; returns its URL."""
    name = f"frontdesk_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(url: str, admin_url: str = POSTGRES_ADMIN_URL) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_reachable() -> bool:
    return port_answers("127.0.0.1", 5432)


class ApiClient:
    """A program speaking to the API with a token over HTTP, one connection per request so
    that a server killed and started again is simply reached again."""

    def __init__(self, port: int, token: str):
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.token = token

    def call(self, method: str, path: str, body: dict | None = None, timeout: float = 30) -> tuple[int, dict, Message]:
        """(status, JSON body, headers); raises OSError when no answer came at all."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Accept-Language": "en",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read()), response.headers
        except urllib.error.HTTPError as refused:
            raw = refused.read()
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = {"raw": raw.decode(errors="replace")}
            return refused.code, payload, refused.headers
