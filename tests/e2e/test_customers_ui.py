"""The foundation's browser walk: log in, switch language, create a customer with a bad phone
(error shown, nothing saved), fix it, find the customer by pinyin initials."""

import re

from playwright.sync_api import expect

from frontdesk.customers.models import Customer
from tests.conftest import PASSWORD
from tests.browser import log_in


def test_language_switch(page, people):
    log_in(page, "rep", PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("nav")).to_contain_text("客户档案")
    for language, word in [("en", "Customer archive"), ("zh-hant", "客戶檔案"), ("zh-hans", "客户档案")]:
        page.select_option("select[name=language]", language)
        page.locator("form.language-switch button[type=submit]").click()
        expect(page.locator("nav")).to_contain_text(word)


def test_bad_phone_is_refused_then_fixed_and_found_by_initials(page, people):
    log_in(page, "rep", PASSWORD)
    page.goto("/customers/new/")
    page.fill("input[name=name]", "欧阳娜娜")
    page.fill("input[name=phone_1]", "1380013")
    page.fill("input[name=building]", "7")
    page.fill("input[name=room]", "1203")
    page.locator("form.customer-form button[type=submit]").click()

    expect(page.locator(".errorlist")).to_contain_text("1380013")
    assert not Customer.objects.filter(name="欧阳娜娜").exists()

    page.fill("input[name=phone_1]", "139 0013 9000")
    page.locator("form.customer-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("欧阳娜娜")
    assert Customer.objects.filter(name="欧阳娜娜").count() == 1

    page.goto("/customers/")
    page.fill("input[name=q]", "oynn")
    results = page.locator("#customer-results")
    expect(results).to_contain_text("欧阳娜娜")
    expect(results).to_contain_text(re.compile(r"139 0013 9000"))


def test_phone_width_layout_has_no_sideways_scroll(browser, live_server, people):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    log_in(page, "rep", PASSWORD)
    page.goto("/customers/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px screen"
    expect(page.locator("input[name=q]")).to_be_visible()
    context.close()
