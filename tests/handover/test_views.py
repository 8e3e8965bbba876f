"""The handover pages: the outgoing person's (orders listed by themselves, with countdowns,
and the note) and the incoming shift's (pending handovers with "acknowledge")."""

import pytest
from django.test import Client

from frontdesk.handover import services
from frontdesk.handover.models import Handover
from tests.workorders.helpers import act, at, complaint


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_outgoing_page_lists_the_orders_with_countdowns(people, clock, roster):
    order = complaint(people.rep)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})

    response = signed_in(people.rep).get("/handover/")

    assert response.status_code == 200
    page = response.content.decode()
    assert order.number in page and "已派工" in page and "接单时限" in page
    assert 'data-due-at="2026-11-23T09:15:00+08:00"' in page
    assert '<textarea name="text"' in page


def test_writing_the_handover(people, clock, roster):
    client = signed_in(people.rep)
    refused = client.post("/handover/", {"text": "   "})
    assert refused.status_code == 422
    assert not Handover.objects.exists()

    clock.move_to(at(16, 0))
    response = client.post("/handover/", {"text": "5-1-1201 水龙头明早再修"}, follow=True)
    assert response.redirect_chain == [("/handover/", 302)]
    handover = Handover.objects.get()
    assert (handover.outgoing, handover.text, handover.duty) == (people.rep, "5-1-1201 水龙头明早再修", roster["rep_day"])
    assert "5-1-1201 水龙头明早再修" in response.content.decode()  # under "my recent handovers"


def test_read_only_roles_see_no_form_and_cannot_post(people, clock):
    client = signed_in(people.qa)
    assert '<textarea name="text"' not in client.get("/handover/").content.decode()
    assert client.post("/handover/", {"text": "交班"}).status_code == 403
    assert not Handover.objects.exists()


def test_the_incoming_shift_acknowledges(people, clock, roster):
    clock.move_to(at(16, 0))
    handover = services.write_handover(people.rep, "3-2-501 漏水待回访")
    client = signed_in(people.specialist)

    page = client.get("/handover/incoming/").content.decode()
    assert "3-2-501 漏水待回访" in page and "张敏" in page
    assert f'action="/handover/{handover.id}/acknowledge/"' in page

    response = client.post(f"/handover/{handover.id}/acknowledge/", {"version": "1"}, follow=True)
    assert response.redirect_chain == [("/handover/incoming/", 302)]
    handover.refresh_from_db()
    assert handover.acknowledged_by == people.specialist
    assert "3-2-501 漏水待回访" not in response.content.decode()  # no longer pending

    # The supervisor's page was open on the old version: told, nothing changed.
    stale = signed_in(people.supervisor).post(f"/handover/{handover.id}/acknowledge/", {"version": "1"}, follow=True)
    assert "其他人已修改了它" in stale.content.decode()
    handover.refresh_from_db()
    assert (handover.acknowledged_by, handover.version) == (people.specialist, 2)


@pytest.mark.parametrize("person, status", [("rep", 403), ("plumber", 404)])
def test_outsiders_cannot_acknowledge(people, clock, person, status):
    handover = services.write_handover(people.rep, "交班")
    response = signed_in(getattr(people, person)).post(f"/handover/{handover.id}/acknowledge/", {"version": "1"})
    assert response.status_code == status
    handover.refresh_from_db()
    assert handover.acknowledged_at is None


def test_pages_need_a_login(db):
    response = Client().get("/handover/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
