"""The live-updates socket a logged-in page keeps open. Services publish to a staff member's
group and to their departments' groups; later issues send inbox changes and timers this way."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.db import database_sync_to_async


def staff_group(staff_id: int) -> str:
    return f"staff.{staff_id}"


def department_group(department_id: int) -> str:
    return f"department.{department_id}"


class LiveUpdatesConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()  # before accept: the handshake is refused with 403
            return
        department_ids = await database_sync_to_async(lambda: sorted(user.own_department_ids))()
        self.groups_joined = [staff_group(user.id)] + [department_group(d) for d in department_ids]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "staff_id": user.id, "departments": department_ids})

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def live_event(self, event):
        """Relay an event a service published with channel_layer.group_send(type="live.event")."""
        await self.send_json(event["payload"])
