"""Boxoffice data model: where seats are, what is showing, and each seat's state per showtime."""

from decimal import Decimal
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, BigIntegerRangeField, DateTimeRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q

from booking.money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS, currency_choices, fits_currency, minor_units


def _amount_field(**kwargs) -> models.DecimalField:
    """A sum of money in its showtime's (venue's) currency: Decimal, never float (booking/money.py)."""
    return models.DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES, **kwargs)


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not a time zone (an IANA name such as Europe/Berlin).")


class Venue(models.Model):
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=120)
    # What the venue sells in (ISO 4217): every price of its halls' categories and showtimes is in it.
    currency = models.CharField(max_length=3, choices=currency_choices, default="EUR")
    # Where the venue is (IANA name): its showtimes are shown in this zone, labelled, whatever the viewer's.
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "city"], name="venue_unique_name_city")]

    def __str__(self):
        return f"{self.name} ({self.city})"


class Hall(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="halls")
    name = models.CharField(max_length=120)
    # Bumped by a trigger (migration 0011) whenever a seat's row, number or category changes: the seat map
    # caches a hall's seat plan per process and rebuilds it when this moves.
    plan_revision = models.BigIntegerField(default=0, editable=False)
    # Best available ranks blocks by their distance to this point of the plan: across 0 = the left wall,
    # 1 = the right; depth 0 = the front row, 1 = the back row (booking/seat_selection.py).
    focus_across = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.50"))
    focus_depth = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.67"))

    class Meta:
        ordering = ["venue__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="hall_unique_name_per_venue"),
            models.CheckConstraint(
                condition=Q(focus_across__gte=0, focus_across__lte=1, focus_depth__gte=0, focus_depth__lte=1),
                name="hall_focus_in_plan",
            ),
        ]

    def __str__(self):
        return f"{self.venue.name} / {self.name}"


class SeatCategory(models.Model):
    """A kind of seat in a hall (Standard, Premium, Love seat): what a seat costs depends on it."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=60)
    colour = models.CharField(max_length=7, help_text="The seat map's colour, as #rrggbb.")
    sort_order = models.PositiveSmallIntegerField(default=0)
    # What a showtime without its own price list charges for the default ticket type (pricing.sql).
    default_price = _amount_field(help_text="In the venue's currency; used by showtimes without their own prices.")

    class Meta:
        ordering = ["hall", "sort_order", "pk"]
        verbose_name_plural = "seat categories"
        constraints = [
            models.UniqueConstraint(fields=["hall", "name"], name="seatcategory_unique_name_per_hall"),
            models.CheckConstraint(condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="seatcategory_colour_hex"),
            models.CheckConstraint(condition=Q(default_price__gte=0), name="seatcategory_default_price_not_negative"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.default_price is not None and self.hall_id is not None:
            _check_price(self.default_price, self.hall.venue.currency, field="default_price")


def _check_price(amount, currency: str, *, field: str) -> None:
    """A form's error unless `amount` is whole minor units of `currency` (no 8.505 EUR, no 1500.5 JPY)."""
    if not fits_currency(amount, currency):
        raise ValidationError({field: f"Not a price in {currency} ({minor_units(currency)} decimals)."})


class Seat(models.Model):
    """A physical seat. Its id is the `seat_id` clients send.

    `row` and `number` are what is printed on the seat; `column` is where it stands in the hall plan
    (rows may be offset, shorter or longer, and broken by aisles), and `segment` is which run of adjacent
    seats of its row it belongs to, counted from the left: the unit of "seats together" and of the
    no-single-seat rule (booking/seat_selection.py). Hall plans set both (services/hall_plans.py).
    """

    class Kind(models.TextChoices):
        STANDARD = "standard"
        WHEELCHAIR = "wheelchair", "wheelchair space"
        COMPANION = "companion", "companion seat"

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="seats")
    row = models.CharField(max_length=8)
    number = models.PositiveSmallIntegerField()
    column = models.PositiveSmallIntegerField()
    segment = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STANDARD)
    # Exactly one category, of the seat's own hall (a trigger of migration 0011 refuses another hall's).
    category = models.ForeignKey(SeatCategory, on_delete=models.PROTECT, related_name="seats")

    class Meta:
        ordering = ["hall", "row", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "row", "number"], name="seat_unique_position"),
            # Two seats never stand in one place of the plan.
            models.UniqueConstraint(fields=["hall", "row", "column"], name="seat_unique_column"),
            models.CheckConstraint(condition=Q(number__gte=1), name="seat_number_positive"),
            models.CheckConstraint(condition=Q(column__gte=1, segment__gte=1), name="seat_column_segment_positive"),
        ]
        indexes = [
            # A segment's seats, which a hold under the no-single-seat rule locks together (seat_writes.sql).
            models.Index(fields=["hall", "row", "segment"], name="seat_segment_idx"),
        ]

    def __str__(self):
        return f"{self.row}{self.number}"


class Movie(models.Model):
    title = models.CharField(max_length=200)
    duration_minutes = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="movie_duration_positive"),
        ]

    def __str__(self):
        return self.title


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Int8Range(Func):
    function = "INT8RANGE"
    output_field = BigIntegerRangeField()


class Showtime(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="showtimes")
    movie = models.ForeignKey(Movie, on_delete=models.PROTECT, related_name="showtimes")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # Overrides HOLD_TTL_SECONDS for this showtime (a flash sale may want shorter holds).
    hold_ttl_seconds = models.PositiveIntegerField(null=True, blank=True)
    # Whether an order may be confirmed unpaid, to be paid on arrival (and POST /api/book-seat/ used).
    box_office_payment = models.BooleanField(default=True, help_text="Allow paying at the box office on arrival.")
    # Overrides CANCELLATION_CUTOFF_MINUTES: moviegoers may cancel until this long before the start.
    cancellation_cutoff_minutes = models.PositiveIntegerField(null=True, blank=True)
    # The no-single-seat rule for every hold (booking/seat_selection.py): off by default, so clients that
    # hold any free seat keep working; best available avoids single seats either way.
    prevent_orphans = models.BooleanField(
        default=False, help_text="Refuse holds that would leave a single free seat stranded in its row segment."
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="showtime_ends_after_start"),
            models.CheckConstraint(condition=Q(hold_ttl_seconds__gte=1), name="showtime_hold_ttl_positive"),
            # Two showtimes never share a hall at the same moment: [starts_at, ends_at) may not overlap.
            # The hall is compared as a one-point range with && so that the built-in GiST range
            # operator class suffices (the embedded PostgreSQL has no btree_gist extension).
            ExclusionConstraint(
                name="showtime_no_overlap_in_hall",
                violation_error_message="This hall already has a showtime at that time.",
                expressions=[
                    (TsTzRange("starts_at", "ends_at", models.Value("[)")), RangeOperators.OVERLAPS),
                    (Int8Range("hall", "hall", models.Value("[]")), RangeOperators.OVERLAPS),
                ],
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="showtime_starts_at_idx")]

    def __str__(self):
        return f"{self.movie.title} @ {self.starts_at:%Y-%m-%d %H:%M} ({self.hall.name})"

    @property
    def effective_hold_ttl_seconds(self) -> int:
        return self.hold_ttl_seconds or settings.HOLD_TTL_SECONDS


class TicketType(models.Model):
    """Who a ticket is for (Adult, Child, Student, Senior). Exactly one is the default: the ticket a
    booking without a choice (POST /api/book-seat/) sells, and what category default prices are for."""

    name = models.CharField(max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            # At most one default (the migration creates it; the admin refuses to leave none).
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="tickettype_one_default"),
        ]

    def __str__(self):
        return self.name


class ShowtimePrice(models.Model):
    """One line of a showtime's own price list: what a (category, ticket type) costs for it.

    A showtime with no lines sells every category of its hall at the category's default price (default
    ticket type only); a showtime with lines sells exactly those (category, ticket type) pairs, so a
    category without a line is not for sale. One definition of that rule: pricing.sql.
    """

    showtime = models.ForeignKey(Showtime, on_delete=models.CASCADE, related_name="prices")
    # Of the showtime's own hall (a trigger of migration 0011 refuses another hall's).
    category = models.ForeignKey(SeatCategory, on_delete=models.PROTECT, related_name="+")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="+")
    amount = _amount_field(help_text="In the venue's currency.")

    class Meta:
        ordering = ["showtime", "category__sort_order", "ticket_type__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["showtime", "category", "ticket_type"], name="showtimeprice_unique_per_category_ticket"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="showtimeprice_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.category} / {self.ticket_type}: {self.amount}"

    def clean(self):
        if self.showtime_id is None:
            return
        if self.category_id is not None and self.category.hall_id != self.showtime.hall_id:
            raise ValidationError({"category": "Not a category of this showtime's hall."})
        if self.amount is not None:
            _check_price(self.amount, self.showtime.hall.venue.currency, field="amount")


class ShowSeat(models.Model):
    """One seat's state for one showtime: the row every hold, release and booking locks."""

    class Status(models.TextChoices):
        AVAILABLE = "available"
        HELD = "held"
        BOOKED = "booked"

    # No index of its own: the unique (showtime, seat) index serves every lookup by showtime, and each
    # index is one more insert on every seat write (a state change cannot be a HOT update).
    showtime = models.ForeignKey(Showtime, on_delete=models.CASCADE, related_name="show_seats", db_index=False)
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="show_seats")
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.AVAILABLE)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_until = models.DateTimeField(null=True, blank=True)
    booked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["showtime", "seat"], name="showseat_unique_seat_per_showtime"),
            # The status decides which other columns are set; nothing in between is representable.
            models.CheckConstraint(
                name="showseat_status_fields",
                condition=(
                    Q(
                        status="available",
                        held_by__isnull=True,
                        held_until__isnull=True,
                        booked_at__isnull=True,
                    )
                    | Q(status="held", held_by__isnull=False, held_until__isnull=False, booked_at__isnull=True)
                    | Q(status="booked", held_by__isnull=True, held_until__isnull=True, booked_at__isnull=False)
                ),
            ),
        ]
        indexes = [
            # Counts per showtime and status (shows list, occupancy).
            models.Index(fields=["showtime", "status"], name="showseat_showtime_status_idx"),
            # Next hold expiry of a showtime (layout ETag) and the expiry sweeper.
            models.Index(fields=["showtime", "held_until"], name="showseat_live_hold_idx", condition=Q(status="held")),
            # A user's holds in a showtime (per-user cap, "held by me" in the layout).
            models.Index(fields=["held_by", "showtime"], name="showseat_holder_idx", condition=Q(status="held")),
        ]

    def __str__(self):
        return f"{self.showtime_id}:{self.seat_id} {self.status}"


class LayoutVersion(models.Model):
    """Write counters behind a showtime's layout ETag.

    Every hold, release and booking adds one to a slot of its showtime inside its own transaction, so
    the sum over the slots changes with every committed change. Spreading writers over several slots
    keeps concurrent writers to one showtime from queueing on a single hot row.
    """

    SLOTS = 16

    showtime = models.ForeignKey(Showtime, on_delete=models.CASCADE, related_name="layout_versions")
    slot = models.PositiveSmallIntegerField()
    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["showtime", "slot"], name="layoutversion_unique_slot"),
        ]

    def __str__(self):
        return f"{self.showtime_id}/{self.slot}: {self.version}"


class Booking(models.Model):
    reference = models.CharField(max_length=16, unique=True)
    showtime = models.ForeignKey(Showtime, on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    # NULL, not "", for "no key": the per-user uniqueness applies only to real keys.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Keys are per user: a retry finds the original booking, another user's key is unrelated.
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                name="booking_unique_idempotency_key_per_user",
                condition=Q(idempotency_key__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="booking_user_created_idx"),
            models.Index(fields=["showtime", "created_at"], name="booking_showtime_created_idx"),
        ]

    def __str__(self):
        return self.reference


class BookingSeat(models.Model):
    """One line per booked seat. A seat has at most one live (not cancelled) line per showtime: it is sold at
    most once at a time; a cancelled line stays on record and the seat may be sold again."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="lines")
    show_seat = models.ForeignKey(ShowSeat, on_delete=models.PROTECT, related_name="booking_lines")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # The last line of defence against a double sale, whatever the code does.
            models.UniqueConstraint(
                fields=["show_seat"], condition=Q(cancelled_at__isnull=True), name="bookingseat_one_live_sale_per_seat"
            ),
        ]

    def __str__(self):
        return f"{self.booking_id}:{self.show_seat_id}"


class Order(models.Model):
    """What a moviegoer buys: seats they hold, a ticket type and a price per seat (OrderLine), a total.

    The order state machine (DESIGN.md, *Orders and payment*): pending -> processing (one payment attempt
    in flight) -> paid | back to pending (declined) | refunded (paid after its seats were lost); pending ->
    box_office (booked unpaid) | expired | abandoned (a newer order of the same seats). A paid or box-office
    order has its booking; no other has one.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        PROCESSING = "processing"
        PAID = "paid"
        BOX_OFFICE = "box_office"
        EXPIRED = "expired"
        ABANDONED = "abandoned"
        REFUNDED = "refunded"
        CANCELLED = "cancelled"  # every seat of its booking cancelled (what was paid for them refunded)

    class Method(models.TextChoices):
        CARD = "card"
        BOX_OFFICE = "box_office"

    reference = models.CharField(max_length=16, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    showtime = models.ForeignKey(Showtime, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    currency = models.CharField(max_length=3)  # the venue's when ordered
    total = _amount_field()  # the sum of its lines (written by the same statement as the lines)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()  # its holds' earliest expiry: ordering never extends a hold
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    provider = models.CharField(max_length=40, blank=True)  # the payment provider's name (settings)
    # The provider's id of the payment that paid it (webhooks find the order by it).
    provider_payment_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    attempts = models.PositiveIntegerField(default=0)  # payment attempts: each one's idempotency key
    amount_paid = _amount_field(default=0)
    amount_refunded = _amount_field(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    booking = models.OneToOneField(Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="order")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            # Money never goes the wrong way: nothing paid beyond the total, nothing refunded beyond what was paid.
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0, amount_paid__lte=F("total"), amount_refunded__gte=0)
                & Q(amount_refunded__lte=F("amount_paid")),
                name="order_refund_within_payment",
            ),
            # A booking exactly when the order is paid, booked unpaid or (later) cancelled; paid means paid in full.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["paid", "box_office", "cancelled"], booking__isnull=False)
                    | (~Q(status__in=["paid", "box_office", "cancelled"]) & Q(booking__isnull=True))
                )
                & (~Q(status="paid") | Q(amount_paid=F("total")))
                & (~Q(status="refunded") | Q(amount_refunded=F("amount_paid"))),
                name="order_status_fields",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=Q(provider_payment_id__isnull=False),
                name="order_unique_provider_payment",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="order_user_created_idx")]

    def __str__(self):
        return self.reference


class OrderLine(models.Model):
    """One seat of an order, at the price of the moment it was ordered (a later price change leaves it)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(SeatCategory, on_delete=models.PROTECT, related_name="+")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="+")
    amount = _amount_field()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refund = models.ForeignKey("Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="lines")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "seat"], name="orderline_unique_seat_per_order"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="orderline_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.order_id}:{self.seat_id} {self.amount}"


class Refund(models.Model):
    """Money given back on an order, through the provider that took it."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = _amount_field()
    # Blank until the provider confirms it (a refund of a cancellation is recorded with the cancellation, then
    # sent): a blank id is a refund still owed (admin filter).
    provider_refund_id = models.CharField(max_length=255, blank=True)
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self):
        return f"{self.order_id}: {self.amount} ({self.reason})"


class PaymentEvent(models.Model):
    """A payment provider's webhook event, once: a replay finds its row and changes nothing."""

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=60)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="paymentevent_unique_event")]

    def __str__(self):
        return f"{self.provider}:{self.event_id}"


class BestAvailableRequest(models.Model):
    """A best-available request made with an Idempotency-Key, and what it held: a retry with the same key gets
    the same answer instead of a second block (services/best_available.py). Written in the hold's transaction."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=255)
    showtime = models.ForeignKey(Showtime, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField()
    category_id = models.BigIntegerField(null=True, blank=True)
    accessible = models.BooleanField()
    seat_ids = ArrayField(models.BigIntegerField())
    fallback = models.CharField(max_length=11)
    held_until = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="bestavailable_unique_key_per_user")
        ]

    def __str__(self):
        return f"{self.idempotency_key}: {self.quantity} seats of showtime {self.showtime_id}"


class SeatEvent(models.Model):
    """Append-only history of every seat state change: what happened, to whom, caused by whom, when.

    Written by the same statement that changes the seat (services.locking.change_seats), so the history
    cannot disagree with the seat. Answers support's "who had seat C7 at 20:01?": the last `held` or
    `booked` event before 20:01 whose hold had not run out, with no `released`/`expired` in between.
    """

    class Kind(models.TextChoices):
        HELD = "held"
        RELEASED = "released"
        EXPIRED = "expired"
        BOOKED = "booked"
        CANCELLED = "cancelled"  # a booked seat back on sale

    # showtime and user: no index of their own, the history indexes below start with them (every seat
    # write appends a row here, and each index is one more insert).
    showtime = models.ForeignKey(Showtime, on_delete=models.CASCADE, related_name="seat_events", db_index=False)
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="events")
    event = models.CharField(max_length=9, choices=Kind.choices)
    # The moviegoer the event concerns: the holder, or the buyer.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, db_index=False
    )
    # Who caused it: the user themselves, a staff member (admin release), or nobody (the expiry sweeper).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    held_until = models.DateTimeField(null=True, blank=True)  # on `held` events: when the hold runs out
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["showtime", "seat", "at"], name="seatevent_seat_history_idx"),
            models.Index(fields=["user", "at"], name="seatevent_user_history_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.event} seat {self.seat_id} of showtime {self.showtime_id}"


class RateCounter(models.Model):
    """One rate-limit window's hit count (api/throttling.py), when no Redis is configured.

    UNLOGGED (see its migration): a counter costs no WAL flush, and losing counts in a crash only
    resets some rate-limit windows. Expired windows are deleted by the sweeper.
    """

    key = models.CharField(max_length=200, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.hits}"
