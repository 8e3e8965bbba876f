"""The work-order API: service types, orders and their actions, attachments, notifications.

Each handler parses, calls one operation of services.py (or attachments.py) and presents the
result for the caller; who may do what is decided there.
"""

from django.http import FileResponse
from ninja import File, Query, Router, Status, UploadedFile

from frontdesk.core.pagination import keyset_page
from frontdesk.core.schemas import PageQuery, page_limit
from frontdesk.customers.api import _inputs as customer_inputs
from frontdesk.workorders import attachments, presenters, services
from frontdesk.workorders.schemas import (
    ActionIn,
    AttachmentOut,
    NotificationOut,
    NotificationPage,
    ServiceTypeOut,
    WorkOrderFilters,
    WorkOrderIn,
    WorkOrderOut,
    WorkOrderPage,
)

router = Router(tags=["work orders"])


def _detail(request, order_id: int) -> dict:
    return presenters.order_detail(services.get_order(request.auth, order_id), request.auth)


# by_alias: an action's "from" is a Python keyword, so the schema names it from_.
@router.get("/service-types", response=list[ServiceTypeOut], by_alias=True, summary="Service types and procedures")
def list_service_types(request):
    return [presenters.service_type(procedure) for procedure in services.service_types(request.auth)]


@router.get("/workorders", response=WorkOrderPage, summary="List or search work orders, newest first")
def list_work_orders(request, filters: Query[WorkOrderFilters]):
    def orders(window):
        return services.search_orders(
            request.auth,
            service_type=filters.service_type,
            state=filters.state,
            department_id=filters.department,
            overdue=filters.overdue,
            assignee=filters.assignee,
            q=filters.q,
            window=window,
        )

    items, next_cursor = services.page_of_orders(orders, filters.q, filters.cursor, page_limit(filters.limit))
    return {"items": presenters.order_summaries(items, request.auth), "next_cursor": next_cursor}


@router.post("/workorders", response={201: WorkOrderOut}, summary="Record a work order")
def create_work_order(request, payload: WorkOrderIn):
    data = payload.dict()
    new_customer = customer_inputs(data["customer"]) if data["customer"] is not None else None
    order = services.create_work_order(
        request.auth,
        data["service_type"],
        fields=data["fields"],
        customer_id=data["customer_id"],
        new_customer=new_customer,
        department_id=data["department_id"],
        priority=data["priority"],
        complexity=data["complexity"],
        channel=data["channel"],
        note=data["note"],
    )
    return Status(201, _detail(request, order.id))


@router.get("/workorders/{order_id}", response=WorkOrderOut, summary="A work order with its case log")
def get_work_order(request, order_id: int):
    return _detail(request, order_id)


@router.post("/workorders/{order_id}/actions/{action}", response=WorkOrderOut, summary="Take an action")
def take_action(request, order_id: int, action: str, payload: ActionIn):
    services.take_action(
        request.auth, order_id, action, version=payload.version, fields=payload.fields, note=payload.note
    )
    return _detail(request, order_id)


@router.post("/workorders/{order_id}/attachments", response={201: AttachmentOut}, summary="Attach a photo or PDF")
def add_attachment(request, order_id: int, file: File[UploadedFile]):
    attachment = attachments.add_attachment(request.auth, order_id, file)
    return Status(201, presenters.attachment(attachment))


@router.get(
    "/workorders/{order_id}/attachments/{attachment_id}",
    url_name="download_attachment",
    summary="Download an attachment",
)
def download_attachment(request, order_id: int, attachment_id: int):
    attachment, content = attachments.open_attachment(request.auth, order_id, attachment_id)
    return FileResponse(
        content,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@router.get("/notifications", response=NotificationPage, summary="My notifications, newest first")
def list_notifications(request, filters: Query[PageQuery]):
    notifications = services.notifications_for(request.auth)
    items, next_cursor = keyset_page(notifications, filters.cursor, page_limit(filters.limit))
    return {"items": [presenters.notification(n) for n in items], "next_cursor": next_cursor}


@router.post("/notifications/{notification_id}/read", response=NotificationOut, summary="Mark a notification read")
def mark_notification_read(request, notification_id: int):
    return presenters.notification(services.mark_notification_read(request.auth, notification_id))
