"""frontdesk as a user runs it: `frontdesk setup` then `frontdesk serve`, a separate process on
a real port, spoken to over real HTTP and a real WebSocket."""

import asyncio
import http.cookiejar
import json
import threading
import urllib.parse
import urllib.request

import pytest
import websockets
import websockets.exceptions

from tests.processes import Installation, free_port

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = Installation(tmp_path_factory.mktemp("serve"))
    assert "demo data loaded" in site.run("setup").stdout
    port = free_port()
    process = site.serve(port)
    try:
        yield {"port": port, "site": site, "process": process, "log": site.data_dir / f"serve-{port}.log"}
    finally:
        site.stop_all()


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
    token = server["site"].token("frontdesk")
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
