"""Lists of orders newest first (the API list, the department inbox, "my work", the register),
paged exactly whichever way the rows are found: on SQLite a page first walks a window of the
newest orders (services.page_of_orders) and asks the indexes only when the window is not enough.
Here the window is a few orders wide, so every page crosses windows and most fall back."""

import re

import pytest

from frontdesk.workorders import services
from tests.conftest import json_of
from tests.workorders.helpers import act, complaint, repair
from tests.workorders.test_views import client_for


@pytest.fixture
def small_windows(monkeypatch):
    monkeypatch.setattr(services, "LIST_WINDOW", 3)


@pytest.fixture
def orders_the_guard_sees(people, clock):
    """Security's orders and the repairs the guard recorded, among orders he does not see; the
    newest five are none of his, so the first window of a page finds nothing."""
    seen = []
    for i in range(10):
        order = complaint(people.rep)  # with the service desk: not security's
        if i % 3 == 0:
            act(people.rep, order, "dispatch", {"department": people.security.id})
            seen.append(order)
        if i % 4 == 0:
            seen.append(repair(people.guard))  # his because he recorded it
    for _ in range(5):
        complaint(people.rep)
    return seen


def walk_api(client, **query) -> list[int]:
    ids, cursor = [], None
    while True:
        page = json_of(client.get("/api/v1/workorders", {**query, "limit": 2, **({"cursor": cursor} if cursor else {})}))
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


def walk_page(client, path: str) -> list[str]:
    numbers, url = [], path
    while url:
        html = client.get(url, headers={"HX-Request": "true"}).content.decode()
        numbers += re.findall(r'data-order="([A-Z]+-\d+-\d+)"', html)
        more = re.search(r'hx-get="([^"]*cursor=[^"]+)"', html)  # "?cursor=…", on the same page
        url = path + more.group(1).replace("&amp;", "&")[more.group(1).index("?") :] if more else None
    return numbers


def newest_first(orders) -> list:
    return sorted(orders, key=lambda order: order.id, reverse=True)


def test_a_department_members_list_pages_exactly(people, api, small_windows, orders_the_guard_sees):
    expected = [order.id for order in newest_first(orders_the_guard_sees)]
    assert len(expected) == 7
    assert walk_api(api(people.guard)) == expected
    # A filter on top of what he sees: only security's.
    dispatched = [o.id for o in newest_first(orders_the_guard_sees) if o.service_type == "complaint"]
    assert walk_api(api(people.guard), department=people.security.id) == dispatched
    # Someone who sees every department gets every order, page after page.
    assert len(walk_api(api(people.manager))) == 18


def test_inbox_and_my_work_page_exactly(people, settings, small_windows, orders_the_guard_sees):
    settings.FRONTDESK_PAGE_SIZE = 2
    guard = client_for(people.guard)
    security = [o.number for o in newest_first(orders_the_guard_sees) if o.service_type == "complaint"]
    assert walk_page(guard, "/workorders/inbox/") == security
    recorded = [o.number for o in newest_first(orders_the_guard_sees) if o.service_type == "repair"]
    assert walk_page(guard, "/workorders/") == recorded
    assert set(walk_page(guard, "/workorders/register/")) == set(security + recorded)
