"""The live-updates socket a logged-in page keeps open. It joins the person's own group, their
departments' groups and, for those who see every department, the group of all of them; what
services publish there (core/live.py) is passed on to the page."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from frontdesk.core.live import ALL_DEPARTMENTS_GROUP, department_group, staff_group


class LiveUpdatesConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()  # before accept: the handshake is refused with 403
            return
        department_ids, sees_all = await database_sync_to_async(
            lambda: (sorted(user.own_department_ids), user.sees_all_departments)
        )()
        self.groups_joined = [staff_group(user.id)] + [department_group(d) for d in department_ids]
        if sees_all:
            self.groups_joined.append(ALL_DEPARTMENTS_GROUP)
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
