"""Telling open pages that something changed. A service calls `publish_after_commit`; the
live-updates socket of every page in those groups (core/consumers.py) passes the message on,
and the page refreshes what it shows through its own, authorised, request.

Messages say only what changed (a work order's id, state and version), never its content:
whoever may see it reads it through the usual permission checks. With REDIS_URL the channel
layer is Redis, so a change made through one web process reaches pages open on another."""

import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger("frontdesk.live")

# Staff who see every department's orders (the front desk, managers) share one group.
ALL_DEPARTMENTS_GROUP = "departments.all"


def staff_group(staff_id: int) -> str:
    return f"staff.{staff_id}"


def department_group(department_id: int) -> str:
    return f"department.{department_id}"


def publish_after_commit(groups: Iterable[str], payload: dict) -> None:
    """Send `payload` to the groups once the current transaction commits, so a change that is
    rolled back is never announced. The change is already saved by then: a channel layer that
    cannot be reached is logged, and the pages fall back to refreshing on their own."""
    groups = sorted(set(groups))

    async def send_to_groups() -> None:
        layer = get_channel_layer()
        for group in groups:
            await layer.group_send(group, {"type": "live.event", "payload": payload})

    def send() -> None:
        try:
            # One hop into async code for all the groups: each hop costs about half a millisecond.
            async_to_sync(send_to_groups)()
        except Exception:
            log.warning("live update %s to %s not sent", payload, groups, exc_info=True)

    transaction.on_commit(send)
