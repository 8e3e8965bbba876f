"""Attachments of work orders (a photo of the leak, the signed form as PDF): the operations that
add and fetch them. Kept apart from services.py, which they use for who-sees-what."""

import logging
import os
import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from frontdesk.accounts.models import Staff
from frontdesk.accounts.roles import Role
from frontdesk.core import clock
from frontdesk.core.errors import NotFound, PermissionDenied, field_error
from frontdesk.workorders.effects import append_event
from frontdesk.workorders.models import WorkOrder, WorkOrderAttachment
from frontdesk.workorders.procedure import ATTACH
from frontdesk.workorders.services import acting_roles, get_order

log = logging.getLogger("frontdesk.workorders.attachments")

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Roles that read every order but change none: they may look at attachments, not add them.
READ_ONLY_ROLES = frozenset({Role.QA_INSPECTOR, Role.DATA_ANALYST})
# What a file starts with, and the type and extension it is kept under. The type is read from
# the content, never taken from the client, so a program renamed to leak.png is still refused.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def _file_kind(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic", "heic"  # what phones take photos in
    return None


def add_attachment(actor: Staff, order_id: int, uploaded_file) -> WorkOrderAttachment:
    """Keep a photo or PDF with the order and note it in the case log. Anyone who sees the order
    may, except the read-only roles; the version is not claimed, so a colleague who has the
    order open can still act on it."""
    order = get_order(actor, order_id)
    if not (acting_roles(actor, order.department_id) - READ_ONLY_ROLES):
        raise PermissionDenied()
    if uploaded_file is None:
        raise field_error("file", _("Choose a file to attach."))
    if uploaded_file.size > ATTACHMENT_MAX_BYTES:
        raise field_error(
            "file",
            _("This file is %(size)s MB; attach files of at most %(limit)d MB.")
            % {"size": f"{uploaded_file.size / 1024 / 1024:.1f}", "limit": ATTACHMENT_MAX_BYTES // 1024 // 1024},
        )
    uploaded_file.seek(0)
    kind = _file_kind(uploaded_file.read(16))
    uploaded_file.seek(0)
    if kind is None:
        raise field_error("file", _("Attach a photo (JPEG, PNG, GIF, WebP or HEIC) or a PDF."))
    content_type, extension = kind
    original_name = os.path.basename(uploaded_file.name or "")[-255:] or f"attachment.{extension}"

    now = clock.now()
    attachment = WorkOrderAttachment(
        order=order,
        original_name=original_name,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=actor,
        uploaded_at=now,
    )
    with transaction.atomic():
        # Lock the order so that the case-log entry gets the next seq (see effects.append_event).
        WorkOrder.objects.select_for_update().filter(id=order.id).values_list("id").get()
        attachment.file.save(f"{uuid.uuid4().hex}.{extension}", uploaded_file, save=False)
        try:
            attachment.save()
            append_event(
                order,
                at=now,
                actor=actor,
                action=ATTACH,
                from_state=order.state,
                to_state=order.state,
                fields={"attachment": attachment.id, "name": original_name, "size": attachment.size},
            )
        except Exception:
            attachment.file.delete(save=False)  # no row points at it
            raise
    return attachment


def get_attachment(actor: Staff, order_id: int, attachment_id: int) -> WorkOrderAttachment:
    """An attachment of an order the actor may see; any other is "not found"."""
    order = get_order(actor, order_id)
    attachment = order.attachments.filter(id=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No such attachment."))
    return attachment


def open_attachment(actor: Staff, order_id: int, attachment_id: int):
    """The attachment and its file opened for reading. A file gone from the disk (a lost
    media folder) is reported as missing, not as a server error."""
    attachment = get_attachment(actor, order_id, attachment_id)
    try:
        return attachment, attachment.file.open("rb")
    except FileNotFoundError:
        log.error("attachment %s of work order %s: file %s is missing", attachment.id, order_id, attachment.file.name)
        raise NotFound(_("The file of this attachment is missing from the server.")) from None
