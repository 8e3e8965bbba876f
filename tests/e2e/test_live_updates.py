"""Live updates across web processes: an inbox open in a browser on one `frontdesk serve`
process shows an order dispatched through another, without a reload, because both share the
Redis channel layer (REDIS_URL), as in the scale-out configuration."""

import pytest
from playwright.sync_api import expect

from tests.browser import log_in
from tests.processes import ApiClient, Installation, free_port, port_answers

REDIS_URL = "redis://127.0.0.1:6379/0"
INTAKE = {
    "caller_name": "王先生",
    "caller_phone": "13800138000",
    "room": "3-2-501",
    "description": "地下车库B区照明不亮",
    "read_back": "confirmed",
}


@pytest.fixture
def two_web_processes(tmp_path):
    if not port_answers("127.0.0.1", 6379):
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    site = Installation(tmp_path, REDIS_URL=REDIS_URL, FRONTDESK_LOG_LEVEL="WARNING")
    assert "demo data loaded" in site.run("setup").stdout
    ports = free_port(), free_port()
    try:
        for port in ports:
            site.serve(port, "--no-worker")
        yield site, ports
    finally:
        site.stop_all()


def test_an_order_dispatched_through_one_process_appears_in_an_inbox_open_on_another(browser, two_web_processes):
    site, (first, second) = two_web_processes
    desk = ApiClient(second, site.token("frontdesk"))
    engineering = site.query("SELECT id FROM accounts_department WHERE code = 'engineering'")[0][0]

    context = browser.new_context(base_url=f"http://127.0.0.1:{first}", locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, "engineer", "frontdesk-demo")
        page.goto("/workorders/inbox/")
        expect(page.locator("body")).to_have_attribute("data-live", "open")

        status, order, _ = desk.call("POST", "/workorders", {"service_type": "complaint", "fields": INTAKE})
        assert status == 201
        body = {"version": order["version"], "fields": {"department": engineering}, "note": ""}
        assert desk.call("POST", f"/workorders/{order['id']}/actions/dispatch", body)[0] == 200

        # Well within the list's own 15-second refresh: only the pushed update can bring it.
        expect(page.locator("#order-rows")).to_contain_text(order["number"], timeout=5_000)
        expect(page.locator("#order-rows")).to_contain_text("地下车库B区照明不亮")
    finally:
        context.close()
