"""Work orders (工单), their case log, timers and notifications.

Only services.py and timers.py write these rows. The case log (WorkOrderEvent) is append-only:
the follow-up record, the case log and the summary register of seed 000 are views over it.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.workorders.choices import Channel, Complexity, Priority


class ProcedureVersion(models.Model):
    """One distinct definition of a procedure, as it was when an order started under it. A
    changed YAML file gives a new row; orders already running keep theirs."""

    key = models.CharField(_("service type"), max_length=40)
    digest = models.CharField(max_length=64)  # sha256 of the canonical JSON of `definition`
    definition = models.JSONField()
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["key", "digest"], name="procedure_version_unique")]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")

    def __str__(self):
        return f"{self.key}@{self.digest[:12]}"


class NumberSequence(models.Model):
    """The last number given out per prefix and day: TS-20261123-0001, -0002 ... A counter row
    rather than "the highest number + 1", so that two intakes at once never collide."""

    prefix = models.CharField(max_length=8)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="number_sequence_unique")]


class WorkOrder(models.Model):
    Priority = Priority
    Complexity = Complexity
    Channel = Channel

    number = models.CharField(_("number"), max_length=32, unique=True)
    service_type = models.CharField(_("service type"), max_length=40, db_index=True)
    procedure_version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=40, db_index=True)
    escalated = models.BooleanField(_("escalated"), default=False)
    # The current value of every field recorded so far (the latest recording wins); each event
    # keeps what that action recorded. Money is a string ("350.00"), times ISO 8601.
    fields = models.JSONField(_("fields"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("customer"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("responsible department"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assignee"),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    complexity = models.CharField(_("complexity"), max_length=10, choices=Complexity.choices, default=Complexity.SIMPLE)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("handler")
    )
    created_at = models.DateTimeField(_("created"), db_index=True)
    updated_at = models.DateTimeField(_("updated"))
    version = models.PositiveIntegerField(default=1)
    # What a search matches: the number, the text fields, the phone digits and the customer's
    # name, in Simplified Chinese and lower case. Written by services.py at intake and on each
    # action (see search.py), never by save().
    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")

    def __str__(self):
        return self.number


class WorkOrderEvent(models.Model):
    """One line of the case log (处理过程): who did what, when, from which state to which, and
    what they recorded. Written once, never updated. `seq` counts 1, 2, 3 ... per order."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )  # None: the system (a time limit passed)
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40)
    fields = models.JSONField(_("recorded"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        ordering = ["order_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="work_order_event_seq_unique")]
        verbose_name = _("case log entry")
        verbose_name_plural = _("case log")

    def __str__(self):
        return f"{self.order_id}#{self.seq} {self.action}"


class Timer(models.Model):
    """A running time limit of one order. The sweep finds due timers through the (state,
    due_at) index, so its cost follows what is due, not how many orders are open."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        STOPPED = "stopped", _("Stopped")
        BREACHED = "breached", _("Breached")

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="timers")
    name = models.CharField(_("name"), max_length=40)
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"), db_index=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "due_at"], name="timer_state_due")]
        verbose_name = _("timer")
        verbose_name_plural = _("timers")

    def __str__(self):
        return f"{self.order_id} {self.name} {self.state}"


class Notification(models.Model):
    """A message to one person, or to every holder of a role (in one department, when
    `department` is set). The text is written in the site's language when it is created."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    role = models.CharField(max_length=40, blank=True, db_index=True)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20)  # action | escalated | breached | reassign
    text = models.TextField()
    created_at = models.DateTimeField(_("time"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.text[:60]


def attachment_path(attachment: "WorkOrderAttachment", filename: str) -> str:
    """workorders/<order id>/<name>: the storage adds a suffix if the name is taken."""
    return f"workorders/{attachment.order_id}/{filename}"


class WorkOrderAttachment(models.Model):
    """A file kept with an order (a photo of the leak, a signed form as PDF). Written by
    services.add_attachment, which checks the kind and size; served only to who sees the order."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name
