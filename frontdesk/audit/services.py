from frontdesk.audit.models import AuditEvent
from frontdesk.core import clock


def record_event(actor, action: str, target=None, data: dict | None = None, request=None) -> AuditEvent:
    """Append one audit event. Call it inside the transaction of the change it records, so
    that the change and its record are written together or not at all."""
    return AuditEvent.objects.create(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        ip_address=client_ip(request) if request is not None else None,
    )


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
