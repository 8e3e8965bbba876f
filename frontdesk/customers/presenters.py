"""How a customer is shown to a given viewer: the one place where personal data is masked.

The API, the pages and (later) exports all call these, so a role that must not see a whole
phone number or ID number cannot see it through any door.
"""

from collections import defaultdict

from frontdesk.accounts.roles import Capability
from frontdesk.core.idnumbers import mask_id_number
from frontdesk.core.phones import format_phone, mask_phone
from frontdesk.customers.models import ContactPoint, Customer, Residence, Unit


def contact_display(contact: ContactPoint, viewer) -> str:
    if contact.kind == ContactPoint.Kind.PHONE:
        return format_phone(contact.value) if viewer.can(Capability.SEE_FULL_CONTACTS) else mask_phone(contact.value)
    if viewer.can(Capability.SEE_FULL_CONTACTS):
        return contact.value
    local, at, domain = contact.value.partition("@")
    return (local[:1] + "***" + at + domain) if at else contact.value[:1] + "***"


def id_number_display(customer: Customer, viewer) -> str:
    return customer.id_number if viewer.can(Capability.SEE_ID_NUMBERS) else mask_id_number(customer.id_number)


def _summary(customer: Customer, contacts, rooms: list[str], tags: list[str], viewer) -> dict:
    return {
        "id": customer.id,
        "kind": customer.kind,
        "name": customer.name,
        "contacts": [{"kind": c.kind, "value": contact_display(c, viewer), "label": c.label} for c in contacts],
        "rooms": rooms,
        "tags": tags,
        "merged_into": customer.merged_into_id,
        "version": customer.version,
    }


def customer_summary(customer: Customer, viewer) -> dict:
    return _summary(
        customer,
        customer.contacts.all(),
        [str(r.unit) for r in customer.residences.all()],
        [t.name for t in customer.tags.all()],
        viewer,
    )


def customer_summaries(customers, viewer) -> dict[int, dict]:
    """The summaries of many customers (a page of 50 orders) by id, in three plain queries:
    Django's prefetching of three relations through the orders cost more than the rest of
    the page. Same content and order as customer_summary."""
    customers = {customer.id: customer for customer in customers}
    contacts, rooms, tags = defaultdict(list), defaultdict(list), defaultdict(list)
    for customer_id, kind, value, label in (
        ContactPoint.objects.filter(customer_id__in=customers).order_by("id").values_list("customer_id", "kind", "value", "label")
    ):
        contacts[customer_id].append(ContactPoint(kind=kind, value=value, label=label))
    for customer_id, building, entrance, room in (
        Residence.objects.filter(customer_id__in=customers)
        .order_by("id")
        .values_list("customer_id", "unit__building", "unit__entrance", "unit__room")
    ):
        rooms[customer_id].append(str(Unit(building=building, entrance=entrance, room=room)))
    for customer_id, name in (
        Customer.tags.through.objects.filter(customer_id__in=customers).order_by("tag__name").values_list("customer_id", "tag__name")
    ):
        tags[customer_id].append(name)
    return {
        customer_id: _summary(customer, contacts[customer_id], rooms[customer_id], tags[customer_id], viewer)
        for customer_id, customer in customers.items()
    }


def customer_detail(customer: Customer, viewer) -> dict:
    data = customer_summary(customer, viewer)
    data.update(
        {
            "id_number": id_number_display(customer, viewer),
            "remarks": customer.remarks,
            "residences": [
                {
                    "building": r.unit.building,
                    "entrance": r.unit.entrance,
                    "room": r.unit.room,
                    "relation": r.relation,
                    "label": str(r.unit),
                }
                for r in customer.residences.all()
            ],
            "notes": [
                {"text": n.text, "author": n.author.full_name if n.author else "", "created_at": n.created_at}
                for n in customer.notes.all()
            ],
            "merged_records": [m.id for m in customer.merged_records.all()],
            "created_at": customer.created_at,
            "updated_at": customer.updated_at,
        }
    )
    return data
