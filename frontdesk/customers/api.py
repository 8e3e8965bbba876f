import datetime

from ninja import Field, Query, Router, Schema, Status

from frontdesk.core.pagination import keyset_page
from frontdesk.core.schemas import StrictIn, given_fields, page_limit
from frontdesk.customers import presenters, services
from frontdesk.customers.models import ContactPoint, Customer, Residence

router = Router(tags=["customers"])


class ContactIO(StrictIn):
    kind: ContactPoint.Kind = ContactPoint.Kind.PHONE
    value: str = Field(max_length=120)
    label: str = Field("", max_length=20)


class ResidenceIn(StrictIn):
    building: str = Field(max_length=20)
    entrance: str = Field("", max_length=20)
    room: str = Field(max_length=20)
    relation: Residence.Relation = Residence.Relation.OWNER


class CustomerIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)
    kind: Customer.Kind = Customer.Kind.PERSON
    id_number: str = Field("", max_length=18)
    remarks: str = Field("", max_length=2000)
    contacts: list[ContactIO] = Field([], max_length=20)
    residences: list[ResidenceIn] = Field([], max_length=20)
    tags: list[str] = Field([], max_length=20)


class CustomerPatch(StrictIn):
    version: int
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: Customer.Kind | None = None
    id_number: str | None = Field(None, max_length=18)
    remarks: str | None = Field(None, max_length=2000)
    contacts: list[ContactIO] | None = Field(None, max_length=20)
    residences: list[ResidenceIn] | None = Field(None, max_length=20)
    tags: list[str] | None = Field(None, max_length=20)


class NoteIn(StrictIn):
    text: str = Field(min_length=1, max_length=2000)


class MergeIn(StrictIn):
    duplicate_id: int


class ContactOut(Schema):
    kind: str
    value: str
    label: str


class ResidenceOut(Schema):
    building: str
    entrance: str
    room: str
    relation: str
    label: str


class NoteOut(Schema):
    text: str
    author: str
    created_at: datetime.datetime


class CustomerSummaryOut(Schema):
    id: int
    kind: str
    name: str
    contacts: list[ContactOut]
    rooms: list[str]
    tags: list[str]
    merged_into: int | None
    version: int


class CustomerOut(CustomerSummaryOut):
    id_number: str
    remarks: str
    residences: list[ResidenceOut]
    notes: list[NoteOut]
    merged_records: list[int]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class CustomerPage(Schema):
    items: list[CustomerSummaryOut]
    next_cursor: str | None


def _inputs(data: dict) -> dict:
    """Turn the validated lists of the request into the service's input records."""
    if data.get("contacts") is not None:
        data["contacts"] = [services.ContactInput(kind=c["kind"], value=c["value"], label=c["label"]) for c in data["contacts"]]
    if data.get("residences") is not None:
        data["residences"] = [services.ResidenceInput(**r) for r in data["residences"]]
    return data


@router.get("", response=CustomerPage, summary="List or search customers")
def list_customers(
    request,
    q: str = Query("", max_length=100, description="name, Traditional or Simplified, pinyin, initials, phone fragment or room"),
    cursor: str | None = None,
    limit: int = 50,
):
    items, next_cursor = keyset_page(services.search_customers(request.auth, q), cursor, page_limit(limit))
    return {"items": [presenters.customer_summary(c, request.auth) for c in items], "next_cursor": next_cursor}


@router.post("", response={201: CustomerOut})
def create_customer(request, payload: CustomerIn):
    customer = services.create_customer(request.auth, **_inputs(payload.dict()))
    return Status(201, presenters.customer_detail(services.get_customer(request.auth, customer.id), request.auth))


@router.get("/{customer_id}", response=CustomerOut)
def get_customer(request, customer_id: int):
    return presenters.customer_detail(services.get_customer(request.auth, customer_id), request.auth)


@router.patch("/{customer_id}", response=CustomerOut)
def update_customer(request, customer_id: int, payload: CustomerPatch):
    changes = _inputs(given_fields(payload))
    version = changes.pop("version")
    customer = services.update_customer(request.auth, customer_id, version=version, **changes)
    return presenters.customer_detail(customer, request.auth)


@router.delete("/{customer_id}", response={204: None})
def delete_customer(request, customer_id: int, version: int):
    services.delete_customer(request.auth, customer_id, version=version)
    return Status(204, None)


@router.post("/{customer_id}/notes", response={201: CustomerOut})
def add_note(request, customer_id: int, payload: NoteIn):
    services.add_note(request.auth, customer_id, payload.text)
    return Status(201, presenters.customer_detail(services.get_customer(request.auth, customer_id), request.auth))


@router.post("/{customer_id}/merge", response=CustomerOut, summary="Merge a duplicate record into this one")
def merge_customer(request, customer_id: int, payload: MergeIn):
    customer = services.merge_customers(request.auth, keep_id=customer_id, duplicate_id=payload.duplicate_id)
    return presenters.customer_detail(customer, request.auth)
