"""The classification every work order carries whatever its procedure (001 流程规范 2: type,
complexity, priority; and the channel it came in by). Kept apart from models.py so that the
procedure loader can check `when:` conditions against them without the app registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Complexity(models.TextChoices):
    SIMPLE = "simple", _("Simple")
    COMPLEX = "complex", _("Complex")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    WEB = "web", _("Web")


# The order's own attributes a procedure may test in a `when:` condition, with their values.
ORDER_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "priority": tuple(Priority.values),
    "complexity": tuple(Complexity.values),
    "channel": tuple(Channel.values),
}
