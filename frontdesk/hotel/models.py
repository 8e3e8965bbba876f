"""The hotel front office (seed 000 第四篇; SPEC M1): rooms and rates, reservations with their
per-night inventory, stays with their folio, wake-up calls. Only services.py and tasks.py
write these rows. Money is DecimalField (yuan, two decimals), never a float."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


class RoomType(models.Model):
    """Suite, king, twin ...: what a guest books. Names in the three languages of the site,
    so the desk reads the offer in its own language."""

    class View(models.TextChoices):
        RIVER = "river", _("River view")
        MOUNTAIN = "mountain", _("Mountain view")
        CITY = "city", _("City view")
        GARDEN = "garden", _("Garden view")
        NONE = "none", _("No view")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=60)
    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    facilities = models.TextField(_("facilities"), max_length=1000, blank=True)
    view = models.CharField(_("view"), max_length=20, choices=View.choices, default=View.NONE)
    smoking = models.BooleanField(_("smoking allowed"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("room type")
        verbose_name_plural = _("room types")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        language = translation.get_language() or "zh-hans"
        if language.startswith("en"):
            return self.name_en
        if language.lower() in ("zh-hant", "zh-tw", "zh-hk"):
            return self.name_zh_hant
        return self.name_zh_hans


class Room(models.Model):
    class Status(models.TextChoices):
        VACANT_CLEAN = "vacant_clean", _("Vacant, clean")
        VACANT_DIRTY = "vacant_dirty", _("Vacant, dirty")
        OCCUPIED = "occupied", _("Occupied")
        OUT_OF_ORDER = "out_of_order", _("Out of order")

    number = models.CharField(_("room number"), max_length=10, unique=True)
    floor = models.SmallIntegerField(_("floor"))
    room_type = models.ForeignKey(RoomType, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("room type"))
    status = models.CharField(_("room status"), max_length=20, choices=Status.choices, default=Status.VACANT_CLEAN)
    out_of_order_reason = models.CharField(_("why out of order"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["floor", "number"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self):
        return self.number


class RatePlan(models.Model):
    """A price per night for a room type, with the cancellation policy told at booking (003):
    free until `free_cancellation_hours` before the arrival time, else the first night."""

    room_type = models.ForeignKey(RoomType, on_delete=models.PROTECT, related_name="rate_plans")
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    price = models.DecimalField(_("price per night"), **MONEY)
    free_cancellation_hours = models.PositiveSmallIntegerField(_("free cancellation until (hours before arrival)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-price", "code"]
        constraints = [models.CheckConstraint(condition=Q(price__gt=0), name="rate_plan_price_positive")]
        verbose_name = _("rate plan")
        verbose_name_plural = _("rate plans")

    def __str__(self):
        return self.name


class RoomNight(models.Model):
    """The inventory of one room type on one night: rooms there are and rooms sold. A booking
    raises `sold` with a conditional UPDATE (… WHERE sold + n <= total), so two clerks selling
    the last room at once sell it once; the check constraint is the last line of defence."""

    room_type = models.ForeignKey(RoomType, on_delete=models.CASCADE, related_name="nights")
    date = models.DateField()
    total = models.PositiveIntegerField()
    sold = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["date", "room_type"]
        constraints = [
            models.UniqueConstraint(fields=["room_type", "date"], name="room_night_unique"),
            models.CheckConstraint(condition=Q(sold__lte=F("total")), name="room_night_not_oversold"),
        ]


class Reservation(models.Model):
    """A booking taken on the phone (seed 一): the call's record, read back to the guest."""

    class State(models.TextChoices):
        HELD = "held", _("Held until the hold-until time")
        GUARANTEED = "guaranteed", _("Guaranteed")
        CHECKED_IN = "checked_in", _("Checked in")
        CANCELLED = "cancelled", _("Cancelled")
        RELEASED = "released", _("Released (not confirmed in time)")

    class Title(models.TextChoices):
        MR = "mr", _("Mr")
        MS = "ms", _("Ms")

    class Source(models.TextChoices):  # how the guest heard of the hotel (003)
        MAGAZINE = "magazine", _("Magazine")
        WEBSITE = "website", _("Website")
        WORD_OF_MOUTH = "word_of_mouth", _("Word of mouth")
        RETURNING = "returning", _("Returning guest")
        OTHER = "other", _("Other")

    number = models.CharField(_("reservation number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="hotel_reservations", verbose_name=_("guest")
    )
    guest_name = models.CharField(_("guest name"), max_length=100)
    title = models.CharField(_("title"), max_length=4, choices=Title.choices)
    phone = models.CharField(_("phone"), max_length=20)  # E.164
    room_type = models.ForeignKey(RoomType, on_delete=models.PROTECT, related_name="reservations")
    rate_plan = models.ForeignKey(RatePlan, on_delete=models.PROTECT, related_name="reservations")
    price = models.DecimalField(_("price per night"), **MONEY)  # as quoted on the phone
    rooms = models.PositiveSmallIntegerField(_("rooms"))
    arrival_date = models.DateField(_("arrival date"), db_index=True)
    arrival_time = models.TimeField(_("arrival time"))
    nights = models.PositiveSmallIntegerField(_("nights"))
    special_requests = models.CharField(_("special requests"), max_length=500, blank=True)
    hold_until = models.DateTimeField(_("held until"), null=True, blank=True)
    source = models.CharField(_("heard of us through"), max_length=20, choices=Source.choices, blank=True)
    free_cancellation_hours = models.PositiveSmallIntegerField()  # the policy told on the phone
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    cancellation_fee = models.DecimalField(_("cancellation fee"), null=True, blank=True, **MONEY)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("booked"))
    closed_at = models.DateTimeField(null=True, blank=True)  # cancelled, released or checked in
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "hold_until"], name="reservation_hold_due")]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")

    def __str__(self):
        return self.number


class Stay(models.Model):
    """A guest in a room, from check-in (seed 二) to settled check-out (四), with the folio
    (宾客账户): the deposit taken, the charges posted and the limit spending is kept within."""

    class State(models.TextChoices):
        IN_HOUSE = "in_house", _("In house")
        CHECKING_OUT = "checking_out", _("Checking out (room being checked)")
        REFUND_DUE = "refund_due", _("Settled; balance to refund when the guest returns")
        CHECKED_OUT = "checked_out", _("Checked out")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident identity card")
        PASSPORT = "passport", _("Passport")
        HK_MACAO_PERMIT = "hk_macao_permit", _("Mainland travel permit for Hong Kong and Macao residents")
        TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")

    class DepositType(models.TextChoices):
        CARD_PREAUTH = "card_preauth", _("Card pre-authorisation")
        CASH = "cash", _("Cash")

    reservation = models.ForeignKey(
        Reservation, null=True, blank=True, on_delete=models.PROTECT, related_name="stays"
    )  # None for a walk-in
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="hotel_stays")
    guest_name = models.CharField(_("guest name"), max_length=100)
    title = models.CharField(_("title"), max_length=4, choices=Reservation.Title.choices)
    id_type = models.CharField(_("ID document"), max_length=20, choices=IdType.choices)
    id_number = models.CharField(_("ID number"), max_length=20)
    # The region code (CN, US, JP ...) for the police registration of foreign guests.
    nationality = models.CharField(_("nationality"), max_length=2, default="CN")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="stays")
    price = models.DecimalField(_("price per night"), **MONEY)
    arrival_date = models.DateField(_("arrival date"))
    departure_date = models.DateField(_("departure date"), db_index=True)
    deposit_type = models.CharField(_("deposit type"), max_length=20, choices=DepositType.choices)
    # Spending allowed above the deposits, granted by a supervisor (seed 二.7).
    extra_credit = models.DecimalField(_("extra credit"), default=0, **MONEY)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, db_index=True)
    checked_in_at = models.DateTimeField(_("checked in"))
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key_returned_at = models.DateTimeField(_("key card returned"), null=True, blank=True)
    left_before_room_check = models.BooleanField(_("left before the room check"), default=False)
    room_checked_at = models.DateTimeField(_("room checked"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # One guest account open per room at a time.
            models.UniqueConstraint(
                fields=["room"], condition=Q(state="in_house") | Q(state="checking_out"), name="stay_one_per_room"
            )
        ]
        verbose_name = _("stay")
        verbose_name_plural = _("stays")

    def __str__(self):
        return f"{self.room.number} {self.guest_name}"


class FolioEntry(models.Model):
    """One line of a guest's account: money taken (deposit, payment), spent (charge) or given
    back (refund). Lines are added, never edited; the balance is their sum."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        CHARGE = "charge", _("Charge")
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")

    class Category(models.TextChoices):
        ROOM = "room", _("Room")
        LATE_CHECK_OUT = "late_check_out", _("Late check-out")
        MINIBAR = "minibar", _("Minibar")
        RESTAURANT = "restaurant", _("Restaurant")
        LAUNDRY = "laundry", _("Laundry")
        TELEPHONE = "telephone", _("Telephone")
        DAMAGE = "damage", _("Damage")
        OTHER = "other", _("Other")

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    method = models.CharField(_("method"), max_length=20, choices=Stay.DepositType.choices, blank=True)
    description = models.CharField(_("description"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)  # always positive; the kind gives the sign
    posted_at = models.DateTimeField(_("posted"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="folio_entry_amount_positive")]
        verbose_name = _("folio entry")
        verbose_name_plural = _("folio entries")


class WakeUpCall(models.Model):
    """One call the desk must make (seed 三): the first call, and the second one `interval`
    minutes later when the guest asks for two. The worker turns a scheduled call whose time
    has come into a due task; the desk marks it made."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DUE = "due", _("Due: call the room now")
        DONE = "done", _("Called")
        CANCELLED = "cancelled", _("Cancelled")

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="wakeup_calls")
    first_call = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="repeats"
    )  # set on the second call
    due_at = models.DateTimeField(_("call at"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SCHEDULED)
    fired_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["state", "due_at"], name="wakeup_call_due")]
        verbose_name = _("wake-up call")
        verbose_name_plural = _("wake-up calls")


class GuestMessage(models.Model):
    """A message left for a guest (留言, seed 三 电话总机): who it is from, what they said, the
    clerk who took it and when; the room shows "message waiting" until it is delivered."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(_("from"), max_length=100)
    text = models.TextField(_("message"), max_length=1000)
    taken_at = models.DateTimeField(_("taken"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["stay", "delivered_at"], name="guest_message_waiting")]
        verbose_name = _("guest message")
        verbose_name_plural = _("guest messages")


class ValuablesDeposit(models.Model):
    """Valuables in a safe-deposit box (贵重物品寄存): the box, what is in it, and the guest's
    signature when it goes in and when it comes out. A box holds one deposit at a time: the
    partial unique constraint lets only one deposit not yet withdrawn name a box, so two
    clerks giving out the same box at once give it once."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="valuables")
    box_number = models.CharField(_("box number"), max_length=10)
    items = models.CharField(_("items"), max_length=500)
    deposited_at = models.DateTimeField(_("deposited"))
    deposited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Both signatures are required by the service; the flags record that the clerk saw them.
    deposit_signed = models.BooleanField(_("guest signed for the deposit"), default=False)
    withdrawal_signed = models.BooleanField(_("guest signed for the withdrawal"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-deposited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["box_number"], condition=Q(withdrawn_at__isnull=True), name="valuables_one_deposit_per_box"
            )
        ]
        verbose_name = _("valuables deposit")
        verbose_name_plural = _("valuables deposits")


class DirectoryEntry(models.Model):
    """A local office's number for the switchboard (总机: 查询企业机关电话), kept by the desk."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    phone = models.CharField(_("phone"), max_length=20)  # E.164
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")

    def __str__(self):
        return self.name
