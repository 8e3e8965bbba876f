"""Finding a customer the way a front desk types: any part of the name in Simplified or
Traditional characters, pinyin or its initials, phone fragments, rooms; and paging through
a long list by cursor without repeating or skipping anyone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.customers.services import ContactInput, ResidenceInput, create_customer
from tests.conftest import json_of


@pytest.fixture
def archive(people, clock):
    rep = people.rep
    made = {}
    for key, name, kind, phones, rooms in [
        ("zhangsan", "张三", "person", ["13800138000"], [("3", "2", "501")]),
        ("zhangwei", "張偉", "person", ["13671234567"], [("5", "1", "1202")]),
        ("lisi", "李四", "person", ["13912345678"], [("4", "1", "302")]),
        ("john", "John Smith", "person", ["+1 650 253 0000"], [("8", "", "706")]),
        ("company", "深圳市海岸科技有限公司", "organisation", ["0755-2123 4567"], [("商业街", "", "12")]),
    ]:
        made[key] = create_customer(
            rep,
            name=name,
            kind=kind,
            contacts=[ContactInput("phone", p) for p in phones],
            residences=[ResidenceInput(building=b, entrance=e, room=r) for b, e, r in rooms],
        ).id
    return made


def found(client, q) -> set[int]:
    response = client.get("/api/v1/customers", {"q": q})
    assert response.status_code == 200, response.content
    return {item["id"] for item in json_of(response)["items"]}


@pytest.mark.parametrize(
    "q, expected",
    [
        # name, Simplified or Traditional, whole or part
        ("张三", {"zhangsan"}),
        ("張三", {"zhangsan"}),
        ("三", {"zhangsan"}),
        (" 张 三 ", {"zhangsan"}),
        # pinyin, whole, prefix and initials
        ("zhangsan", {"zhangsan"}),
        ("ZhangSan", {"zhangsan"}),
        ("zhang", {"zhangsan", "zhangwei"}),
        ("zs", {"zhangsan"}),
        # Traditional stored, Simplified typed
        ("张伟", {"zhangwei"}),
        ("張偉", {"zhangwei"}),
        ("zhangwei", {"zhangwei"}),
        ("zw", {"zhangwei"}),
        # English names
        ("john", {"john"}),
        ("johns", {"john"}),
        ("js", {"john"}),
        ("John Smith", {"john"}),
        ("smith", {"john"}),
        # an organisation
        ("海岸科技", {"company"}),
        ("szs", {"company"}),
        ("shenzhen", {"company"}),
        # phone fragments
        ("0013", {"zhangsan"}),
        ("8000", {"zhangsan"}),
        ("138 0013", {"zhangsan"}),
        ("138-0013-8000", {"zhangsan"}),
        ("13800138000", {"zhangsan"}),
        ("+86 138 0013 8000", {"zhangsan"}),
        ("0086 13800138000", {"zhangsan"}),
        ("2123", {"company"}),
        ("0755", {"company"}),
        # rooms
        ("3-2-501", {"zhangsan"}),
        ("3栋2单元501", {"zhangsan"}),
        ("3栋2单元501室", {"zhangsan"}),
        ("3 - 2 - 501", {"zhangsan"}),
        ("501", {"zhangsan"}),
        ("1202", {"zhangwei"}),
        ("4-1-302", {"lisi"}),
        # nothing
        ("王五", set()),
        ("xyz", set()),
        ("99999", set()),
    ],
)
def test_search(people, api, archive, q, expected):
    assert found(api(people.rep), q) == {archive[k] for k in expected}


def test_empty_query_lists_everyone_newest_first(people, api, archive):
    items = json_of(api(people.rep).get("/api/v1/customers"))["items"]
    assert [i["id"] for i in items] == sorted(archive.values(), reverse=True)


def test_masked_roles_find_by_phone_fragment_too(people, api, archive):
    response = api(people.qa).get("/api/v1/customers", {"q": "0013 8000"})
    items = json_of(response)["items"]
    assert [i["id"] for i in items] == [archive["zhangsan"]]
    assert items[0]["contacts"][0]["value"] == "138****8000"


def test_too_long_query_is_refused(people, api, archive):
    response = api(people.rep).get("/api/v1/customers", {"q": "张" * 101})
    assert response.status_code == 422
    assert "q" in json_of(response)["fields"]


def test_foreign_number_found_by_its_digits(people, api, archive):
    assert found(api(people.rep), "6502530000") == {archive["john"]}


# --- keyset pagination ------------------------------------------------------------------------


@pytest.fixture
def many(people, clock):
    ids = []
    for i in range(120):
        ids.append(
            create_customer(
                people.rep,
                name=f"客户{i:03d}",
                contacts=[ContactInput("phone", f"139{i:08d}"), ContactInput("email", f"c{i}@example.com")],
                residences=[ResidenceInput(building=str(i % 6 + 1), entrance="1", room=f"{i + 101}")],
                tags=["VIP"] if i % 2 else ["装修中", "老人独居"],
            ).id
        )
    return ids


def test_cursor_pages_cover_everyone_once_newest_first(people, api, many):
    client = api(people.rep)
    seen, cursor, sizes = [], None, []
    while True:
        params = {"cursor": cursor} if cursor else {}
        page = json_of(client.get("/api/v1/customers", params))
        sizes.append(len(page["items"]))
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(sizes) < 10, "pagination does not end"
    assert sizes == [50, 50, 20]
    assert seen == sorted(many, reverse=True)


def test_page_size_is_the_limit(people, api, many):
    page = json_of(api(people.rep).get("/api/v1/customers", {"limit": 120}))
    assert len(page["items"]) == 120
    assert page["next_cursor"] is None
    page = json_of(api(people.rep).get("/api/v1/customers", {"limit": 119}))
    assert len(page["items"]) == 119
    assert page["next_cursor"] is not None


def test_cursor_pages_a_search(people, api, many):
    client = api(people.rep)
    first = json_of(client.get("/api/v1/customers", {"q": "客户", "limit": 70}))
    second = json_of(client.get("/api/v1/customers", {"q": "客户", "limit": 70, "cursor": first["next_cursor"]}))
    assert [i["id"] for i in first["items"] + second["items"]] == sorted(many, reverse=True)
    assert second["next_cursor"] is None


def test_a_new_customer_does_not_shift_the_next_page(people, api, many):
    client = api(people.rep)
    first = json_of(client.get("/api/v1/customers"))
    create_customer(people.rep, name="新客户")
    second = json_of(client.get("/api/v1/customers", {"cursor": first["next_cursor"]}))
    assert [i["id"] for i in second["items"]] == sorted(many, reverse=True)[50:100]


def test_page_two_costs_the_same_queries_as_page_one(people, api, many):
    client = api(people.rep)
    client.get("/api/v1/me")  # the token's first use is recorded once; keep that out of the count
    with CaptureQueriesContext(connection) as page_one:
        first = json_of(client.get("/api/v1/customers"))
    with CaptureQueriesContext(connection) as page_two:
        second = json_of(client.get("/api/v1/customers", {"cursor": first["next_cursor"]}))
    assert len(second["items"]) == 50
    assert all(len(item["contacts"]) == 2 and item["rooms"] and item["tags"] for item in second["items"])
    assert len(page_two) == len(page_one), [q["sql"] for q in page_two.captured_queries]
    # and it does not grow with the page: a few queries, not several per customer
    assert len(page_one) < 15, [q["sql"] for q in page_one.captured_queries]
