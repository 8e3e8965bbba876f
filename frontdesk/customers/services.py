"""Operations on the customer archive: the only code that changes customers.

Each operation checks the actor's permission, validates everything before writing, writes in
one transaction, and keeps history: notes are appended, merged records stay in the archive.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from frontdesk.accounts.roles import Capability
from frontdesk.accounts.services import authorize
from frontdesk.audit.services import record_event
from frontdesk.core import clock
from frontdesk.core.changes import apply_changes, claim_version
from frontdesk.core.errors import InvalidInput, NotFound, check_model, field_error
from frontdesk.core.idnumbers import validate_resident_id
from frontdesk.core.phones import dialled_digits, national_digits, normalise_phone
from frontdesk.core.text import clean_query, pinyin_keys, search_key
from frontdesk.customers.models import ContactPoint, Customer, CustomerNote, Residence, Tag, Unit


@dataclass(frozen=True)
class ContactInput:
    kind: str
    value: str
    label: str = ""


@dataclass(frozen=True)
class ResidenceInput:
    building: str
    room: str
    entrance: str = ""
    relation: str = Residence.Relation.OWNER


# --- reading -----------------------------------------------------------------------------


def visible_customers(actor):
    """Active (not merged) customers the actor may see, with what a list shows prefetched."""
    authorize(actor, Capability.VIEW_CUSTOMERS)
    return Customer.objects.filter(merged_into__isnull=True).prefetch_related(
        "contacts", "tags", Prefetch("residences", queryset=Residence.objects.select_related("unit"))
    )


def get_customer(actor, customer_id: int) -> Customer:
    """One customer, merged records included (their page points to the record they joined)."""
    authorize(actor, Capability.VIEW_CUSTOMERS)
    customer = (
        Customer.objects.filter(id=customer_id)
        .prefetch_related("contacts", "tags", "residences__unit", "notes__author", "merged_records")
        .first()
    )
    if customer is None:
        raise NotFound(_("No customer with this number."))
    return customer


_ROOM_WORDS = re.compile(r"(号楼|栋|幢|座|单元|室|号|#|\s)+")


def room_key(text: str) -> str:
    """3栋2单元501, 3-2-501 and 3 - 2 - 501 all become 3-2-501."""
    return _ROOM_WORDS.sub("-", search_key(text).replace("－", "-")).strip("-").replace("--", "-")


def search_customers(actor, q: str):
    """Find customers by any part of the name (Simplified or Traditional), by pinyin or its
    initials, by any fragment of a phone number, or by room."""
    customers = visible_customers(actor)
    q = clean_query(q)
    if not q:
        return customers
    key = search_key(q)
    match = Q(name_key__contains=key)
    if re.fullmatch(r"[a-z]+", key):
        match |= Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
    digits = dialled_digits(q)
    if len(digits) >= 3:
        match |= Q(id__in=ContactPoint.objects.filter(digits__contains=digits).values("customer_id"))
    room = room_key(q)
    if room and re.search(r"\d", room):
        match |= Q(id__in=Residence.objects.filter(unit__room_key__contains=room).values("customer_id"))
    return customers.filter(match)


# --- writing -----------------------------------------------------------------------------


def _set_name(customer: Customer, name: str) -> None:
    customer.name = name.strip()
    customer.name_key = search_key(customer.name)[:100]
    customer.name_pinyin, customer.name_initials = (k[:limit] for k, limit in zip(pinyin_keys(customer.name), (300, 100)))


def _clean_contacts(contacts: list[ContactInput]) -> list[ContactPoint]:
    cleaned, seen = [], set()
    for i, contact in enumerate(contacts):
        field = f"contacts.{i}.value"
        if contact.kind not in ContactPoint.Kind.values:
            raise field_error(f"contacts.{i}.kind", _("Unknown contact kind “%(kind)s”.") % {"kind": contact.kind})
        if contact.kind == ContactPoint.Kind.PHONE:
            value = normalise_phone(contact.value, field=field)
        elif contact.kind == ContactPoint.Kind.EMAIL:
            value = contact.value.strip().lower()
            try:
                validate_email(value)
            except ValidationError:
                raise field_error(field, _("Enter a valid email address.")) from None
        else:
            value = contact.value.strip()
            if not value:
                raise field_error(field, _("This field is required."))
        if len(value) > 120 or len(contact.label) > 20:
            raise field_error(field, _("This value is too long."))
        if (contact.kind, value) in seen:
            continue
        seen.add((contact.kind, value))
        digits = national_digits(value) if contact.kind == ContactPoint.Kind.PHONE else ""
        cleaned.append(ContactPoint(kind=contact.kind, value=value, digits=digits, label=contact.label.strip()))
    return cleaned


def _clean_residences(residences: list[ResidenceInput]) -> list[tuple[dict, str]]:
    cleaned = []
    for i, residence in enumerate(residences):
        parts = {"building": residence.building.strip(), "entrance": residence.entrance.strip(), "room": residence.room.strip()}
        for name in ("building", "room"):
            if not parts[name]:
                raise field_error(f"residences.{i}.{name}", _("This field is required."))
        for name, value in parts.items():
            if len(value) > 20:
                raise field_error(f"residences.{i}.{name}", _("Ensure this value has at most 20 characters."))
        if residence.relation not in Residence.Relation.values:
            raise field_error(f"residences.{i}.relation", _("Unknown relation “%(relation)s”.") % {"relation": residence.relation})
        cleaned.append((parts, residence.relation))
    return cleaned


def _clean_tags(tags: list[str]) -> list[str]:
    names = []
    for i, tag in enumerate(tags):
        name = tag.strip()
        if len(name) > 30:
            raise field_error(f"tags.{i}", _("Ensure this value has at most 30 characters."))
        if name and name not in names:
            names.append(name)
    return names


def _clean_id_number(value: str) -> str:
    return validate_resident_id(value) if value and value.strip() else ""


def _unit_for(parts: dict) -> Unit:
    key = room_key("-".join(p for p in (parts["building"], parts["entrance"], parts["room"]) if p))
    unit, _created = Unit.objects.get_or_create(room_key=key, defaults=parts)
    return unit


def _write_related(customer, contacts, residences, tags) -> None:
    if contacts is not None:
        customer.contacts.all().delete()
        for contact in contacts:
            contact.customer = customer
        ContactPoint.objects.bulk_create(contacts)
    if residences is not None:
        customer.residences.all().delete()
        Residence.objects.bulk_create(
            [Residence(customer=customer, unit=_unit_for(parts), relation=relation) for parts, relation in residences]
        )
    if tags is not None:
        customer.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])


def create_customer(
    actor,
    *,
    name: str,
    kind: str = Customer.Kind.PERSON,
    id_number: str = "",
    remarks: str = "",
    contacts: list[ContactInput] = (),
    residences: list[ResidenceInput] = (),
    tags: list[str] = (),
) -> Customer:
    authorize(actor, Capability.EDIT_CUSTOMERS)
    now = clock.now()
    customer = Customer(kind=kind, id_number=_clean_id_number(id_number), remarks=remarks.strip(), created_at=now, updated_at=now, created_by=actor)
    _set_name(customer, name)
    check_model(customer, exclude=["tags"])
    clean_contacts, clean_residences, clean_tags = _clean_contacts(list(contacts)), _clean_residences(list(residences)), _clean_tags(list(tags))
    with transaction.atomic():
        customer.save()
        _write_related(customer, clean_contacts, clean_residences, clean_tags)
    return customer


_UPDATABLE = {"name", "kind", "id_number", "remarks"}


def update_customer(
    actor,
    customer_id: int,
    *,
    version: int,
    contacts: list[ContactInput] | None = None,
    residences: list[ResidenceInput] | None = None,
    tags: list[str] | None = None,
    **changes,
) -> Customer:
    """Change a customer. Lists given (contacts, residences, tags) replace the current ones;
    lists left out stay as they are. Refused with StaleVersion if someone saved in between."""
    authorize(actor, Capability.EDIT_CUSTOMERS)
    customer = get_customer(actor, customer_id)
    if customer.is_merged:
        raise InvalidInput(_("This record was merged into another; edit that one instead."))
    if "id_number" in changes:
        changes["id_number"] = _clean_id_number(changes["id_number"])
    apply_changes(customer, changes, _UPDATABLE)
    if "name" in changes:
        _set_name(customer, customer.name)
    check_model(customer, exclude=["tags"])
    clean_contacts = None if contacts is None else _clean_contacts(list(contacts))
    clean_residences = None if residences is None else _clean_residences(list(residences))
    clean_tags = None if tags is None else _clean_tags(list(tags))
    with transaction.atomic():
        customer.version = claim_version(Customer, customer.id, version)
        customer.updated_at = clock.now()
        customer.save()
        _write_related(customer, clean_contacts, clean_residences, clean_tags)
    return get_customer(actor, customer.id)


def add_note(actor, customer_id: int, text: str) -> CustomerNote:
    authorize(actor, Capability.EDIT_CUSTOMERS)
    customer = get_customer(actor, customer_id)
    note = CustomerNote(customer=customer, author=actor, text=(text or "").strip(), created_at=clock.now())
    check_model(note)
    note.save()
    return note


def merge_customers(actor, *, keep_id: int, duplicate_id: int) -> Customer:
    """Fold a duplicate record into the one to keep. Everything that points at the duplicate
    (contacts, rooms, notes, and whatever later apps attach: orders, calls, visits) is moved to
    the kept record; the duplicate stays in the archive, marked as merged, so nothing is lost."""
    authorize(actor, Capability.MERGE_CUSTOMERS)
    if keep_id == duplicate_id:
        raise field_error("duplicate_id", _("A record cannot be merged into itself."))
    keep, duplicate = get_customer(actor, keep_id), get_customer(actor, duplicate_id)
    if keep.is_merged or duplicate.is_merged:
        raise InvalidInput(_("One of these records was already merged."))
    with transaction.atomic():
        kept_contacts = set(keep.contacts.values_list("kind", "value"))
        duplicate.contacts.filter(
            id__in=[c.id for c in duplicate.contacts.all() if (c.kind, c.value) in kept_contacts]
        ).delete()
        kept_units = set(keep.residences.values_list("unit_id", flat=True))
        duplicate.residences.filter(unit_id__in=kept_units).delete()
        keep.tags.add(*duplicate.tags.all())
        for relation in Customer._meta.related_objects:
            if relation.many_to_many or (relation.related_model is Customer and relation.field.name == "merged_into"):
                continue
            relation.related_model._base_manager.filter(**{relation.field.name: duplicate}).update(
                **{relation.field.name: keep}
            )
        if not keep.id_number and duplicate.id_number:
            keep.id_number = duplicate.id_number
        if duplicate.remarks and duplicate.remarks not in keep.remarks:
            keep.remarks = "\n".join(r for r in (keep.remarks, duplicate.remarks) if r)[:2000]
        now = clock.now()
        Customer.objects.filter(id=duplicate.id).update(merged_into=keep, updated_at=now, version=duplicate.version + 1)
        Customer.objects.filter(id=keep.id).update(
            id_number=keep.id_number, remarks=keep.remarks, updated_at=now, version=keep.version + 1
        )
        # Records merged into the duplicate earlier now point at the kept one too.
        Customer.objects.filter(merged_into=duplicate).update(merged_into=keep)
        record_event(actor, "customer.merged", keep, {"duplicate_id": duplicate.id, "duplicate_name": duplicate.name})
    return get_customer(actor, keep.id)


def _has_history(customer: Customer) -> bool:
    """Anything beyond the record's own contacts and rooms: notes, merged records, and whatever
    later apps attach (work orders, stays, calls)."""
    for relation in Customer._meta.related_objects:
        if relation.many_to_many or relation.related_model in (ContactPoint, Residence):
            continue
        if relation.related_model._base_manager.filter(**{relation.field.name: customer}).exists():
            return True
    return False


def delete_customer(actor, customer_id: int, *, version: int) -> None:
    """Remove a record created by mistake. Records with history are merged, not deleted."""
    authorize(actor, Capability.DELETE_CUSTOMERS)
    customer = get_customer(actor, customer_id)
    if _has_history(customer):
        raise InvalidInput(_("This customer has history; merge the record instead of deleting it."))
    with transaction.atomic():
        claim_version(Customer, customer.id, version)
        record_event(actor, "customer.deleted", customer, {"name": customer.name})
        customer.delete()
