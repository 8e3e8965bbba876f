"""Shift handovers (交接班, seed 000 §二.5) and the return visits handed to the next shift
(§一.7). Only services.py and tasks.py write these rows."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

TEXT_MAX = 4000


class Handover(models.Model):
    """What the outgoing person wrote at the end of their shift, with the open orders they
    touched as they stood at that moment (a snapshot: the orders move on, the handover says
    what the next shift was told). The incoming shift of the department acknowledges it once."""

    outgoing = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("handed over by")
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="handovers", verbose_name=_("department")
    )
    duty = models.ForeignKey(
        "accounts.Duty",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handovers",
        verbose_name=_("shift"),
    )  # the duty it closes; None when the writer was not rostered
    written_at = models.DateTimeField(_("written"), db_index=True)
    text = models.TextField(_("handover notes"), max_length=TEXT_MAX)
    # [{"id", "number", "service_type", "state", "awaiting_return_visit",
    #   "timers": [{"name", "due_at"}]}], as the orders were when it was written.
    orders = models.JSONField(_("orders"), default=list, blank=True, encoder=DjangoJSONEncoder)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["department", "acknowledged_at"], name="handover_department_pending")]
        verbose_name = _("shift handover")
        verbose_name_plural = _("shift handovers")

    def __str__(self):
        return f"{self.outgoing} {self.written_at:%Y-%m-%d %H:%M}"


class ReturnVisitHandoff(models.Model):
    """A return visit handed to the next shift because the handler's shift ended first. One row
    per order and ended duty: the worker inserts it before notifying, so two workers running at
    once notify once (the second insert fails on the unique constraint)."""

    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+")
    duty = models.ForeignKey("accounts.Duty", on_delete=models.CASCADE, related_name="+")
    handed_at = models.DateTimeField(_("handed over"))
    recipients = models.JSONField(default=list, blank=True)  # staff ids notified

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["order", "duty"], name="return_visit_handoff_unique")]
        verbose_name = _("return visit handed over")
        verbose_name_plural = _("return visits handed over")
