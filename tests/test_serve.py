"""frontdesk as a user runs it: `frontdesk setup` then `frontdesk serve`, a separate process on
a real port, spoken to over real HTTP and a real WebSocket."""

import asyncio
import threading
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
import websockets
import websockets.exceptions

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log, deadline_s: float = 30) -> None:
    """Wait for the server to listen (start-up, not a business time limit)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("server did not start listening")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("serve")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["FRONTDESK_DATA_DIR"] = str(data_dir)
    setup = subprocess.run([sys.executable, "-m", "frontdesk", "setup"], env=env, capture_output=True, text=True, timeout=180)
    assert setup.returncode == 0, setup.stderr
    assert "demo data loaded" in setup.stdout
    port = _free_port()
    log = data_dir / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "frontdesk", "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_for_port(port, process, log)
        yield {"port": port, "env": env, "process": process, "log": log}
    finally:
        process.terminate()
        process.wait(timeout=10)


def _opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _login(port: int, username: str, password: str):
    opener, jar = _opener()
    base = f"http://127.0.0.1:{port}"
    opener.open(f"{base}/login/").read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf}).encode()
    request = urllib.request.Request(f"{base}/login/", data=body, headers={"Referer": f"{base}/login/"})
    response = opener.open(request)
    assert urllib.parse.urlparse(response.geturl()).path == "/", "login did not land on the dashboard"
    return opener, jar


def test_serve_prints_the_url_and_the_demo_logins(server):
    # The first lines the owner sees after the run command.
    first, second = server["log"].read_text().splitlines()[:2]
    assert f"http://127.0.0.1:{server['port']}/" in first
    assert "frontdesk-demo" in second


def test_openapi_document_is_served(server):
    with urllib.request.urlopen(f"http://127.0.0.1:{server['port']}/api/v1/openapi.json") as response:
        document = json.load(response)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/customers" in document["paths"]


def test_api_token_from_the_console_reads_customers(server):
    made = subprocess.run(
        [sys.executable, "-m", "frontdesk", "token", "create", "frontdesk"], env=server["env"], capture_output=True, text=True, timeout=60
    )
    token = made.stdout.strip()
    request = urllib.request.Request(
        f"http://127.0.0.1:{server['port']}/api/v1/customers?limit=5", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request) as response:
        page = json.load(response)
    assert len(page["items"]) == 5 and page["next_cursor"]


def test_static_files_are_served_without_a_cdn(server):
    with urllib.request.urlopen(f"http://127.0.0.1:{server['port']}/static/vendor/htmx/htmx.min.js") as response:
        assert response.status == 200 and b"htmx" in response.read(2000)


def test_logged_in_page_gets_a_live_websocket(server):
    port = server["port"]
    _opener_, jar = _login(port, "plumber", "frontdesk-demo")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)

    async def talk():
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/live/", additional_headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"}
        ) as socket_:
            hello = json.loads(await asyncio.wait_for(socket_.recv(), 10))
            await socket_.send(json.dumps({"type": "ping"}))
            pong = json.loads(await asyncio.wait_for(socket_.recv(), 10))
            return hello, pong

    hello, pong = _run_async(talk)
    assert hello["type"] == "hello" and len(hello["departments"]) == 1
    assert pong == {"type": "pong"}


def test_websocket_refuses_an_anonymous_visitor(server):
    port = server["port"]

    async def talk():
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/live/", additional_headers={"Origin": f"http://127.0.0.1:{port}"}) as s:
            await asyncio.wait_for(s.recv(), 10)

    # Refused at the handshake: the socket is never opened.
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        _run_async(talk)
    assert refused.value.response.status_code == 403


def _run_async(make_coroutine):
    """Run a websocket conversation on a fresh event loop in its own thread: the browser tests'
    Playwright keeps a loop attached to the main thread, where asyncio.run() would refuse."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(make_coroutine())
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
