from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class Customer(models.Model):
    """One person or organisation in the archive: a resident, a guest, a company."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    remarks = models.TextField(_("remarks"), max_length=2000, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers", verbose_name=_("tags"))
    # Search keys, derived from the name by customers.services whenever the name is written.
    name_key = models.CharField(max_length=100, db_index=True, editable=False)
    name_pinyin = models.CharField(max_length=300, db_index=True, editable=False)
    name_initials = models.CharField(max_length=100, db_index=True, editable=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self):
        return self.name

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class ContactPoint(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        WECHAT = "wechat", _("WeChat")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PHONE)
    # E.164 for phones (+8613800138000), lower-case for e-mail, as typed for WeChat.
    value = models.CharField(_("value"), max_length=120)
    # The national digits of a phone (13800138000), searched by any fragment.
    digits = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    label = models.CharField(_("label"), max_length=20, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["customer", "kind", "value"], name="contact_unique")]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.value


class Unit(models.Model):
    """A room of a property: building, unit (entrance) and room, e.g. 3栋2单元501."""

    building = models.CharField(_("building"), max_length=20)
    entrance = models.CharField(_("unit"), max_length=20, blank=True)
    room = models.CharField(_("room"), max_length=20)
    # "3-2-501": what a front desk types, searched by fragment.
    room_key = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["building", "entrance", "room"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        if self.entrance:
            return _("Building %(b)s, unit %(u)s, room %(r)s") % {"b": self.building, "u": self.entrance, "r": self.room}
        return _("Building %(b)s, room %(r)s") % {"b": self.building, "r": self.room}


class Residence(models.Model):
    class Relation(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")
        FAMILY = "family", _("Family member")
        OCCUPANT = "occupant", _("Occupant")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="residences")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="residences")
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices, default=Relation.OWNER)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["customer", "unit"], name="residence_unique")]
        verbose_name = _("residence")
        verbose_name_plural = _("residences")


class CustomerNote(models.Model):
    """A dated remark on a customer. Notes are added, never edited, so the history stays."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
