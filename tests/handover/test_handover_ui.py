"""The handover in a real browser: the outgoing representative sees her dispatched order with a
ticking countdown, writes the handover; the specialist of the next shift acknowledges it."""

import re

import pytest
from playwright.sync_api import expect

from frontdesk.handover.models import Handover
from tests.conftest import PASSWORD
from tests.browser import log_in
from tests.workorders.helpers import act, complaint

pytestmark = pytest.mark.e2e


def test_hand_over_and_acknowledge(page, people):  # noqa: F811
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})

    log_in(page, "rep", PASSWORD)
    page.goto("/handover/")
    row = page.locator(f"tr[data-order='{order.number}']")
    expect(row).to_contain_text("接单时限")
    countdown = row.locator(".countdown[data-due-at]")
    first = countdown.text_content()
    expect(countdown).not_to_have_text(first, timeout=3000)  # app.js ticks it every second
    page.fill("textarea[name=text]", "王先生投诉已派工程部，等接单")
    page.locator("#write button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("#mine")).to_contain_text("王先生投诉已派工程部")

    page.context.clear_cookies()
    log_in(page, "specialist", PASSWORD)
    page.goto("/handover/incoming/")
    expect(page.locator("[data-handover]")).to_contain_text("王先生投诉已派工程部")
    page.get_by_role("button", name=re.compile("确认接班|Acknowledge")).click()
    expect(page.locator("[data-handover]")).to_have_count(0)
    assert Handover.objects.get().acknowledged_by == people.specialist
