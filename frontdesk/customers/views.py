"""Customer archive pages. Each view reads or writes through customers.services and shows
customers only through customers.presenters, where masking happens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.accounts.roles import Capability
from frontdesk.accounts.services import authorize
from frontdesk.core.errors import InvalidInput, NotFound, StaleVersion
from frontdesk.core.pagination import keyset_page
from frontdesk.core.views import add_service_error, more_url, render_fragment_or_page, service_page
from frontdesk.customers import presenters, services
from frontdesk.customers.forms import (
    PHONE_FIELDS,
    CustomerEditForm,
    CustomerForm,
    MergeForm,
    NoteForm,
)
from frontdesk.customers.models import ContactPoint, Customer, Residence

KIND_LABELS = dict(Customer.Kind.choices)
CONTACT_KIND_LABELS = dict(ContactPoint.Kind.choices)
RELATION_LABELS = dict(Residence.Relation.choices)


def _labelled(data: dict) -> dict:
    """A presenter's dict with the display names of its codes added (kind, contact kinds)."""
    data["kind_label"] = KIND_LABELS.get(data["kind"], data["kind"])
    data["phones"] = [c for c in data["contacts"] if c["kind"] == ContactPoint.Kind.PHONE]
    for contact in data["contacts"]:
        contact["kind_label"] = CONTACT_KIND_LABELS.get(contact["kind"], contact["kind"])
    for residence in data.get("residences", []):
        residence["relation_label"] = RELATION_LABELS.get(residence["relation"], residence["relation"])
    return data


# --- list and search ---------------------------------------------------------------------


@login_required
@service_page
def customer_list(request):
    q = request.GET.get("q", "").strip()[:100]
    rows, next_cursor = keyset_page(
        services.search_customers(request.user, q), request.GET.get("cursor"), settings.FRONTDESK_PAGE_SIZE
    )
    context = {
        "q": q,
        "customers": [_labelled(presenters.customer_summary(c, request.user)) for c in rows],
        "more_url": more_url(next_cursor, q=q),
        "first_page": not request.GET.get("cursor"),
    }
    return render_fragment_or_page(request, "customers/_rows.html", "customers/list.html", context)


# --- one customer ------------------------------------------------------------------------


def _render_detail(request, customer, note_form=None, merge_form=None, status=200):
    context = {
        "customer": _labelled(presenters.customer_detail(customer, request.user)),
        "merged_into": customer.merged_into,
        "note_form": note_form or NoteForm(),
        "merge_form": merge_form or MergeForm(),
    }
    return render(request, "customers/detail.html", context, status=status)


@login_required
@service_page
def customer_detail(request, customer_id: int):
    return _render_detail(request, services.get_customer(request.user, customer_id))


@login_required
@service_page
def customer_create(request):
    authorize(request.user, Capability.EDIT_CUSTOMERS)
    form = CustomerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            contacts, contact_fields = form.service_contacts()
            residences, residence_fields = form.service_residences()
            tags = form.service_tags()
            try:
                customer = services.create_customer(
                    request.user,
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    id_number=form.cleaned_data["id_number"],
                    remarks=form.cleaned_data["remarks"],
                    contacts=contacts,
                    residences=residences,
                    tags=tags,
                )
            except (InvalidInput, StaleVersion) as exc:
                add_service_error(form, exc, {**contact_fields, **residence_fields, **_tag_fields(tags)})
                status = exc.status
            else:
                messages.success(request, _("Customer %(name)s saved.") % {"name": customer.name})
                return redirect("customer_detail", customer_id=customer.id)
        else:
            status = 422
    return render(request, "customers/form.html", {"form": form, "creating": True}, status=status)


def _tag_fields(tags: list[str]) -> dict[str, str]:
    return {f"tags.{i}": "tags" for i in range(len(tags))}


class _EditSlots:
    """How a stored customer fills the edit form: the first three phones, the first email and
    the first room go into inputs; everything else (more phones, WeChat, more rooms) is kept
    as it is when the form is saved, so a form with fixed inputs never drops data."""

    def __init__(self, customer: Customer, viewer):
        detail = presenters.customer_detail(customer, viewer)
        self.initial = {
            "name": customer.name,
            "kind": customer.kind,
            "id_number": detail["id_number"],
            "remarks": customer.remarks,
            "tags": "、".join(detail["tags"]),
            "version": customer.version,
        }
        self.originals: dict[str, str] = {}
        self.kept_contacts: list[services.ContactInput] = []
        self.kept_labels: list[str] = []
        # Phones and e-mail are put into the inputs only for someone allowed to read them in
        # full; for anyone else the inputs stay empty and the stored ones are kept unless
        # something is typed (see `contacts_hidden`).
        self.contacts_hidden = not viewer.can(Capability.SEE_FULL_CONTACTS)
        hidden_kinds = {ContactPoint.Kind.PHONE, ContactPoint.Kind.EMAIL} if self.contacts_hidden else set()
        free_phones = [] if self.contacts_hidden else list(PHONE_FIELDS)
        for contact in customer.contacts.all():
            shown = presenters.contact_display(contact, viewer)
            if contact.kind in hidden_kinds:
                continue
            if contact.kind == ContactPoint.Kind.PHONE and free_phones:
                slot = free_phones.pop(0)
                self.initial[f"{slot}_label"] = contact.label
            elif contact.kind == ContactPoint.Kind.EMAIL and "email" not in self.initial:
                slot = "email"
            else:
                self.kept_contacts.append(
                    services.ContactInput(kind=contact.kind, value=contact.value, label=contact.label)
                )
                self.kept_labels.append(f"{CONTACT_KIND_LABELS.get(contact.kind, contact.kind)} {shown}")
                continue
            self.initial[slot] = shown
            self.originals[slot] = contact.value
        residences = detail["residences"]
        if residences:
            first = residences[0]
            self.initial.update({name: first[name] for name in ("building", "entrance", "room", "relation")})
        self.kept_residences = [
            services.ResidenceInput(
                building=r["building"], entrance=r["entrance"], room=r["room"], relation=r["relation"]
            )
            for r in residences[1:]
        ]
        self.kept_labels += [r["label"] for r in residences[1:]]


@login_required
@service_page
def customer_edit(request, customer_id: int):
    authorize(request.user, Capability.EDIT_CUSTOMERS)
    customer = services.get_customer(request.user, customer_id)
    slots = _EditSlots(customer, request.user)
    form = CustomerEditForm(request.POST or None, initial=slots.initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            contacts, contact_fields = form.service_contacts(slots.originals)
            # Nothing typed by someone who cannot see the stored phones: leave them as they are.
            contacts = None if slots.contacts_hidden and not contacts else contacts + slots.kept_contacts
            residences, residence_fields = form.service_residences()
            tags = form.service_tags()
            data = form.cleaned_data
            changes = {"name": data["name"], "kind": data["kind"], "remarks": data["remarks"]}
            # An ID number shown masked and sent back as it was is left as stored.
            if data["id_number"] != slots.initial["id_number"]:
                changes["id_number"] = data["id_number"]
            try:
                services.update_customer(
                    request.user,
                    customer.id,
                    version=data["version"],
                    contacts=contacts,
                    residences=residences + slots.kept_residences,
                    tags=tags,
                    **changes,
                )
            except (InvalidInput, StaleVersion) as exc:
                add_service_error(form, exc, {**contact_fields, **residence_fields, **_tag_fields(tags)})
                status = exc.status
            else:
                messages.success(request, _("Customer %(name)s saved.") % {"name": data["name"].strip()})
                return redirect("customer_detail", customer_id=customer.id)
        else:
            status = 422
    context = {
        "form": form,
        "creating": False,
        "customer": customer,
        "kept": slots.kept_labels,
        "contacts_hidden": slots.contacts_hidden,
        "stale": status == 409,
    }
    return render(request, "customers/form.html", context, status=status)


@login_required
@require_POST
@service_page
def customer_add_note(request, customer_id: int):
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(request.user, customer_id, form.cleaned_data["text"])
        except InvalidInput as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Note added."))
            return redirect("customer_detail", customer_id=customer_id)
    return _render_detail(request, services.get_customer(request.user, customer_id), note_form=form, status=422)


@login_required
@service_page
def customer_merge(request, customer_id: int):
    """Name the duplicate and tick "confirm" to merge at once; without the tick, the page shows
    both records side by side and asks for the tick there."""
    authorize(request.user, Capability.MERGE_CUSTOMERS)
    keep = services.get_customer(request.user, customer_id)
    form = MergeForm(request.POST or None)
    duplicate = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            duplicate_id = form.cleaned_data["duplicate_id"]
            try:
                if form.cleaned_data["confirm"]:
                    services.merge_customers(request.user, keep_id=keep.id, duplicate_id=duplicate_id)
                    messages.success(
                        request, _("Record No. %(duplicate)s was merged into this one.") % {"duplicate": duplicate_id}
                    )
                    return redirect("customer_detail", customer_id=keep.id)
                duplicate = services.get_customer(request.user, duplicate_id)
                if request.POST.get("step") == "compare":
                    form.add_error("confirm", _("Tick the box to confirm the merge."))
                    status = 422
            except NotFound as exc:
                # Here "not found" is about the number typed, so it belongs next to it.
                form.add_error("duplicate_id", str(exc.message))
                status = 422
            except (InvalidInput, StaleVersion) as exc:
                add_service_error(form, exc)
                status = exc.status
        else:
            status = 422
    if duplicate is not None:
        form["confirm"].help_text = ""  # the page itself is the comparison
    context = {
        "customer": _labelled(presenters.customer_summary(keep, request.user)),
        "keep": keep,
        "duplicate": _labelled(presenters.customer_summary(duplicate, request.user)) if duplicate else None,
        "form": form,
    }
    return render(request, "customers/merge.html", context, status=status)
