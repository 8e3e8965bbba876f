"""Live updates from the work-order services: once a change commits, the groups whose pages
show the order are told which order changed, and nothing more."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from frontdesk.core.errors import StaleVersion
from frontdesk.core.live import ALL_DEPARTMENTS_GROUP, department_group, staff_group
from frontdesk.workorders import services
from tests.workorders.helpers import act, complaint


@pytest.fixture
def listening():
    """Channels of the real (in-memory) layer joined to a department's group, the group of
    everyone who sees all departments, and one person's group."""
    layer = get_channel_layer()

    def join(group: str) -> str:
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group, channel)
        return channel

    def received(channel: str) -> list[dict]:
        async def drain():
            messages = []
            while True:
                try:
                    messages.append(await asyncio.wait_for(layer.receive(channel), 0.05))
                except TimeoutError:
                    return messages

        return [message["payload"] for message in async_to_sync(drain)()]

    yield join, received
    async_to_sync(layer.flush)()


def test_a_dispatch_is_announced_to_the_department_the_front_desk_and_the_recorder(
    people, clock, listening, django_capture_on_commit_callbacks
):
    join, received = listening
    engineering, security = join(department_group(people.engineering.id)), join(department_group(people.security.id))
    everyone, recorder = join(ALL_DEPARTMENTS_GROUP), join(staff_group(people.rep.id))
    order = complaint(people.rep)
    with django_capture_on_commit_callbacks(execute=True):
        order = act(people.rep, order, "dispatch", {"department": people.engineering.id})

    announced = {"type": "workorder", "id": order.id, "state": "dispatched", "version": 2}
    assert received(engineering) == [announced]
    assert received(everyone) == [announced]
    assert received(recorder) == [announced]
    assert received(security) == []


def test_re_dispatching_tells_the_department_it_left(people, clock, listening, django_capture_on_commit_callbacks):
    join, received = listening
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    engineering, security = join(department_group(people.engineering.id)), join(department_group(people.security.id))
    with django_capture_on_commit_callbacks(execute=True):
        act(people.rep, order, "dispatch", {"department": people.security.id})
    assert [m["state"] for m in received(engineering)] == ["dispatched"]
    assert [m["state"] for m in received(security)] == ["dispatched"]


def test_a_refused_action_announces_nothing(people, clock, listening, django_capture_on_commit_callbacks):
    join, received = listening
    everyone = join(ALL_DEPARTMENTS_GROUP)
    order = complaint(people.rep)
    with django_capture_on_commit_callbacks(execute=True) as committed, pytest.raises(StaleVersion):
        services.take_action(people.rep, order.id, "dispatch", version=7, fields={"department": people.engineering.id})
    assert committed == [] and received(everyone) == []
