"""The work-order console in a real browser: a complaint taken by phone with the read-back,
dispatched to engineering, then accepted by the plumber, whose pick-up countdown stops."""

import re

from playwright.sync_api import expect

from frontdesk.workorders.models import Timer, WorkOrder
from tests.conftest import PASSWORD
from tests.browser import log_in


def test_complaint_by_phone_dispatched_and_accepted(page, people):
    log_in(page, "rep", PASSWORD)
    page.goto("/workorders/new/")
    page.get_by_role("link", name=re.compile("业户投诉")).click()

    page.fill("input[name=fields-caller_name]", "王先生")
    page.fill("input[name=fields-caller_phone]", "138 0013 8000")
    page.fill("input[name=fields-room]", "3-2-501")
    page.fill("textarea[name=fields-description]", "楼上卫生间漏水，天花板滴水")
    page.check("input[name=fields-read_back][value=confirmed]")
    page.select_option("select[name=channel]", "phone")
    page.locator("form.intake-form button[type=submit]").click()

    # The read-back: every value as it will be recorded; nothing saved yet.
    read_back = page.locator("#read-back")
    expect(read_back).to_contain_text("138 0013 8000")
    expect(read_back).to_contain_text("已向业户复述并得到确认")
    assert not WorkOrder.objects.exists()
    page.locator("button[name=step][value=confirm]").click()

    order = WorkOrder.objects.get()
    expect(page.locator("h1")).to_contain_text(order.number)

    # Dispatch to engineering from the action's small form (loaded into the page by htmx).
    page.locator("a[data-action=dispatch]").click()
    page.select_option("select[name=fields-department]", label="工程部")
    page.locator("form.action-form button[type=submit]").click()
    countdown = page.locator("[data-timer=pickup] .countdown")
    expect(countdown).to_be_visible()
    first = countdown.inner_text()
    expect(countdown).not_to_have_text(first)  # it ticks every second
    expect(countdown).to_have_text(re.compile(r"1[45]:\d\d"))

    page.locator("form.logout button[type=submit]").click()
    log_in(page, "plumber", PASSWORD)
    page.goto("/workorders/inbox/")
    page.get_by_role("link", name=order.number).click()
    expect(page.locator("a[data-action]")).to_have_count(1)
    page.locator("a[data-action=accept]").click()
    page.locator("form.action-form button[type=submit]").click()

    expect(page.locator(".state-badge")).to_have_text("已接单")
    expect(page.locator("[data-timer=pickup]")).to_have_class(re.compile(r"timer-stopped"))
    expect(page.locator(".countdown")).to_have_count(0)
    assert Timer.objects.get(order=order, name="pickup").state == Timer.State.STOPPED


def test_order_page_fits_a_phone(browser, live_server, people):
    from tests.workorders.helpers import act, complaint

    order = complaint(people.rep)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    log_in(page, "rep", PASSWORD)
    for path in (f"/workorders/{order.id}/", "/workorders/register/", "/workorders/new/complaint/"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide on a 375px screen"
    context.close()
