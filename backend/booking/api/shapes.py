"""Every response body of the API, declared once: views render them, drf-spectacular documents them,
and the frontend's types are generated from that document.

One deliberate exception: the hall layout (the seat map's poll) is served as pre-encoded bytes
(booking/api/layout_rendering.py); `HallLayout` below declares its shape, and a test checks the bytes
against it. Errors have their own one shape (booking.api.schema.ErrorSerializer).
"""

import copy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from booking.money import amount_text

# A shape's docstring would become its public description in the schema (and a subclass inherits it), so
# notes for maintainers are comments.


class Shape(serializers.Serializer):
    # An output serializer cheap enough for the hot endpoints: DRF deep-copies every declared field per
    # instance; a plain field is never changed by rendering, so a shallow copy (to bind it to this
    # instance) is enough. Nested shapes are still copied deeply (binding reaches into them).

    def get_fields(self):
        return {
            name: copy.deepcopy(field) if isinstance(field, serializers.BaseSerializer) else copy.copy(field)
            for name, field in self._declared_fields.items()
        }

    @classmethod
    def render(cls, instance, **kwargs):
        """The JSON-ready data of `instance` (an object or a dict) in this shape: a plain dict or list
        (`.data` would wrap the same in DRF's ReturnDict)."""
        plain = cls.__dict__.get("_plain_fields")
        if plain is None:
            plain = _plain_fields(cls)
            cls._plain_fields = plain  # per class: a subclass may add fields
        if plain and not kwargs:
            # A flat shape of plain fields (a seat write's answer): the declared fields render the values
            # themselves, unbound, as DRF would after binding a copy of each (50 µs of a hold's ~1 ms).
            try:
                values = [(name, field, _value_of(instance, name)) for name, field in plain]
            except (KeyError, AttributeError):
                pass  # DRF's way knows what a missing value means for each field
            else:
                return {
                    name: None if value is None else field.to_representation(value) for name, field, value in values
                }
        return cls(instance, **kwargs).to_representation(instance)


# Fields whose output depends on nothing but the value: no binding, context or source path.
_PLAIN = (
    serializers.BooleanField,
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateTimeField,
    serializers.IntegerField,
)


def _plain_fields(shape) -> tuple:
    """(name, field) of each declared field, when every one is plain and read from the attribute or key of
    its own name; () otherwise (nested shapes, `source=`, custom fields), and the shape renders DRF's way."""
    fields = []
    for name, field in shape._declared_fields.items():
        plain = type(field) in _PLAIN or (type(field) is serializers.ListField and type(field.child) in _PLAIN)
        if not plain or field.source not in (None, name) or field.write_only:
            return ()
        fields.append((name, field))
    return tuple(fields)


def _value_of(instance, name: str):
    return instance[name] if isinstance(instance, dict) else getattr(instance, name)


def _ids(**kwargs):
    return serializers.ListField(child=serializers.IntegerField(), **kwargs)


def _amount(**kwargs):
    # Money on the wire: a decimal string in the currency's own decimals (booking/money.py), never a number.
    kwargs.setdefault("help_text", 'A decimal string with the currency\'s own decimals: "8.50" (EUR), "1500" (JPY).')
    return serializers.CharField(**kwargs)


# --- accounts ---------------------------------------------------------------------------------------


class User(Shape):
    id = serializers.IntegerField()
    username = serializers.CharField()


@extend_schema_field(OpenApiTypes.STR)
class _FromContext(serializers.Field):
    """A string the view hands over beside the object (`render(obj, context={name: ...})`)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, _obj):
        return self.context[self.field_name]


class UserWithToken(User):
    token = _FromContext(help_text="Send as `Authorization: Token <token>`.")


class Detail(Shape):
    detail = serializers.CharField()


class Health(Shape):
    status = serializers.ChoiceField(choices=["ok", "unavailable"])


# --- schedule -----------------------------------------------------------------------------------------


class SeatCounts(Shape):  # read from a showtime with upcoming_showtimes' annotations
    available = serializers.IntegerField(min_value=0, source="seats_available")
    held = serializers.IntegerField(min_value=0, source="seats_held")
    booked = serializers.IntegerField(min_value=0, source="seats_booked")


class ShowtimeMovie(Shape):
    id = serializers.IntegerField()
    title = serializers.CharField()
    duration_minutes = serializers.IntegerField()


class ShowtimeHall(Shape):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ShowtimeVenue(Shape):
    id = serializers.IntegerField()
    name = serializers.CharField()
    city = serializers.CharField()
    time_zone = serializers.CharField(help_text="IANA name: show the showtime's times in it, labelled.")


class PriceRange(Shape):
    currency = serializers.CharField(help_text="ISO 4217.")
    min = _amount()
    max = _amount()


@extend_schema_field(PriceRange(allow_null=True))
class _PriceRangeField(serializers.Field):
    """The showtime's cheapest and dearest price (upcoming_showtimes' price_min and price_max)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, showtime):
        if showtime.price_min is None:
            return None  # sells nothing
        currency = showtime.hall.venue.currency
        return {
            "currency": currency,
            "min": amount_text(showtime.price_min, currency),
            "max": amount_text(showtime.price_max, currency),
        }


class Showtime(Shape):  # from selectors.schedule.upcoming_showtimes
    id = serializers.IntegerField()
    movie = ShowtimeMovie()
    hall = ShowtimeHall()
    venue = ShowtimeVenue(source="hall.venue")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    counts = SeatCounts(source="*")
    price_range = _PriceRangeField(help_text="The cheapest and dearest ticket it sells; null: none for sale.")


# --- the seat map (pre-encoded: see the module docstring) -------------------------------------------------


class LayoutCounts(SeatCounts):  # the same fields, under the layout's own name in the schema
    pass


class LayoutSeat(Shape):
    id = serializers.IntegerField(help_text="The `seat_id` to hold, book or release.")
    row = serializers.CharField()
    number = serializers.IntegerField(help_text="As printed on the seat.")
    column = serializers.IntegerField(
        help_text="Where it stands across the hall plan (1 = leftmost place): rows may be offset or have gaps."
    )
    segment = serializers.IntegerField(
        help_text="Which run of adjacent seats of its row it is in (1 = leftmost), between aisles or walls."
    )
    kind = serializers.ChoiceField(choices=["standard", "wheelchair", "companion"])
    category = serializers.IntegerField(help_text="The `id` of its category in `categories`.")
    status = serializers.ChoiceField(
        choices=["available", "held", "booked"],
        help_text="An expired hold is `available`; a seat held by someone else is only `held`.",
    )
    held_by_me = serializers.BooleanField()
    held_until = serializers.DateTimeField(allow_null=True, help_text="Set on the caller's own holds only.")
    booked_by_me = serializers.BooleanField(help_text="A seat the caller has bought (and not cancelled).")


class LayoutPrice(Shape):
    ticket_type_id = serializers.IntegerField()
    ticket_type = serializers.CharField(help_text="Adult, Child, ...")
    amount = _amount()


class LayoutCategory(Shape):
    id = serializers.IntegerField()
    name = serializers.CharField()
    colour = serializers.CharField(help_text="#rrggbb")
    price = _amount(
        allow_null=True,
        help_text="What a seat of it costs when no ticket type is chosen (the default ticket type's price, or "
        "the cheapest); null: this showtime does not sell the category, its seats cannot be held.",
    )
    prices = LayoutPrice(many=True, help_text="Its price per ticket type; empty when not for sale.")


class HallLayout(Shape):
    show_id = serializers.IntegerField()
    hall_name = serializers.CharField()
    venue_name = serializers.CharField()
    movie_title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    hold_ttl_seconds = serializers.IntegerField()
    max_seats_per_hold = serializers.IntegerField()
    box_office_payment = serializers.BooleanField(help_text="Whether an order may be paid at the box office.")
    time_zone = serializers.CharField(help_text="The venue's time zone (IANA): show `starts_at` in it.")
    prevent_orphans = serializers.BooleanField(
        help_text="Holds that would strand a single seat in its segment are refused (409 `orphan_seat`)."
    )
    counts = LayoutCounts()
    currency = serializers.CharField(help_text="ISO 4217: every amount of this showtime is in it.")
    categories = LayoutCategory(many=True, help_text="The hall's seat categories in display order.")
    seats = LayoutSeat(many=True)


# --- orders -----------------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class _Money(serializers.Field):
    """An amount of the order (`source`: the attribute) in its currency's own decimals."""

    def __init__(self, attribute: str, *, of_line: bool = False, **kwargs):
        kwargs.setdefault(
            "help_text", 'A decimal string with the currency\'s own decimals: "8.50" (EUR), "1500" (JPY).'
        )
        super().__init__(source="*", read_only=True, **kwargs)
        self.attribute, self.of_line = attribute, of_line

    def to_representation(self, obj):
        currency = obj.order.currency if self.of_line else obj.currency
        return amount_text(getattr(obj, self.attribute), currency)


class OrderLine(Shape):  # from an OrderLine with its seat, category and ticket type
    seat_id = serializers.IntegerField()
    row = serializers.CharField(source="seat.row")
    number = serializers.IntegerField(source="seat.number")
    category = serializers.CharField(source="category.name")
    ticket_type_id = serializers.IntegerField()
    ticket_type = serializers.CharField(source="ticket_type.name")
    amount = _Money("amount", of_line=True, help_text="This seat's price, fixed when the order was made.")


class Order(Shape):  # from selectors.orders.user_order
    reference = serializers.CharField(help_text="Also the booking's reference once the order is booked.")
    status = serializers.ChoiceField(
        source="shown_status",
        choices=["pending", "processing", "paid", "box_office", "expired", "abandoned", "refunded"],
        help_text="pending: awaiting payment; processing: the provider has not answered yet; paid / box_office: "
        "booked (box_office: pay on arrival); expired: its holds ran out unpaid; abandoned: replaced by a newer "
        "order; refunded: paid after its seats were sold to someone else, so the payment was given back.",
    )
    show_id = serializers.IntegerField(source="showtime_id")
    currency = serializers.CharField(help_text="ISO 4217.")
    total = _Money("total")
    amount_paid = _Money("amount_paid")
    amount_refunded = _Money("amount_refunded")
    expires_at = serializers.DateTimeField(help_text="When its holds run out: pay before then.")
    created_at = serializers.DateTimeField()
    booking_reference = serializers.CharField(source="booking.reference", allow_null=True, default=None)
    lines = OrderLine(many=True)


# --- seat writes ------------------------------------------------------------------------------------------


class HoldResult(Shape):
    detail = serializers.CharField()
    held_until = serializers.DateTimeField(help_text="The earliest expiry among the requested seats.")
    seat_ids = _ids()


class BestAvailableResult(Shape):
    detail = serializers.CharField()
    held_until = serializers.DateTimeField(help_text="When the hold ends.")
    seat_ids = _ids()
    fallback = serializers.ChoiceField(
        choices=["none", "single_seat", "split_rows"],
        help_text="`none`: adjacent seats in one row segment, stranding no single seat; `single_seat`: adjacent, "
        "but leaving a single seat (nothing better was free); `split_rows`: two blocks in adjacent rows.",
    )


class ReleaseResult(Shape):
    detail = serializers.CharField()
    seat_ids = _ids()


class BookingSummary(Shape):  # from a services.bookings.BookingResult
    reference = serializers.CharField(source="booking.reference", help_text="10 characters, Crockford base32.")
    show_id = serializers.IntegerField(source="booking.showtime_id")
    seat_ids = _ids()
    created_at = serializers.DateTimeField(source="booking.created_at")


class BookResult(Shape):
    detail = serializers.CharField()
    booking = BookingSummary()


@extend_schema_field(OpenApiTypes.STR)
class _LineAmount(serializers.Field):
    """A booking line's price, from its order (user_bookings sets `amount`), in the order's currency."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, line):
        order = getattr(line.booking, "order", None)
        return None if line.amount is None or order is None else amount_text(line.amount, order.currency)


class BookedSeat(Shape):  # from a booking line (BookingSeat)
    id = serializers.IntegerField(source="show_seat.seat_id")
    row = serializers.CharField(source="show_seat.seat.row")
    number = serializers.IntegerField(source="show_seat.seat.number")
    amount = _LineAmount(allow_null=True, help_text="What it cost (its order line), in `payment.currency`.")
    cancelled_at = serializers.DateTimeField(allow_null=True, help_text="Set once the seat was cancelled.")


class _LiveSeatIds(serializers.ListField):
    """A booking's seats still booked (not cancelled), as seat ids."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.IntegerField(), source="lines.all", **kwargs)

    def to_representation(self, lines):
        return [line.show_seat.seat_id for line in lines if line.cancelled_at is None]


class BookingPayment(Shape):  # from a booking's order
    status = serializers.ChoiceField(
        choices=["paid", "box_office", "cancelled"],
        help_text="paid; box_office: to pay on arrival; cancelled: every seat cancelled.",
    )
    currency = serializers.CharField()
    total = _Money("total")
    amount_paid = _Money("amount_paid")
    amount_refunded = _Money("amount_refunded")


class BookingDetail(Shape):  # a booking spelled out for "my bookings", from selectors.schedule.user_bookings
    reference = serializers.CharField(help_text="10 characters, Crockford base32.")
    show_id = serializers.IntegerField(source="showtime_id")
    seat_ids = _LiveSeatIds(help_text="The seats still booked (cancelled ones are only in `seats`).")
    created_at = serializers.DateTimeField()
    movie_title = serializers.CharField(source="showtime.movie.title")
    starts_at = serializers.DateTimeField(source="showtime.starts_at")
    hall_name = serializers.CharField(source="showtime.hall.name")
    venue_name = serializers.CharField(source="showtime.hall.venue.name")
    time_zone = serializers.CharField(source="showtime.hall.venue.time_zone", help_text="The venue's (IANA).")
    seats = BookedSeat(many=True, source="lines", help_text="Every seat it sold, cancelled ones included.")
    payment = BookingPayment(source="order", allow_null=True)
    cancellable_until = serializers.DateTimeField(help_text="Seats may be cancelled online until then.")


class CancelResult(Shape):  # from services.cancellations.CancelResult
    detail = serializers.CharField()
    seat_ids = _ids(help_text="The seats cancelled now (empty: they were cancelled already).")
    refund = _Money("refund", help_text="What is given back for them, in `currency` (0 when nothing was paid).")
    currency = serializers.CharField()


# --- staff --------------------------------------------------------------------------------------------------


class StaffHall(Shape):
    id = serializers.IntegerField()
    name = serializers.CharField()
    capacity = serializers.IntegerField(source="seats.count")


class StaffShowtime(Shape):
    id = serializers.IntegerField()
    capacity = serializers.IntegerField(source="show_seats.count")
    hold_ttl_seconds = serializers.IntegerField(source="effective_hold_ttl_seconds")


class AuditShowtime(Shape):
    id = serializers.IntegerField()
    hold_ttl_seconds = serializers.IntegerField()
    capacity = serializers.IntegerField()
    booked = serializers.IntegerField()
    held = serializers.IntegerField()
    expired_holds = serializers.IntegerField()
    available = serializers.IntegerField()
    single_seats = serializers.IntegerField(help_text="Free seats left alone in their row segment (no free neighbour).")


class Audit(Shape):  # from selectors.audit.audit_invariants
    violations = serializers.ListField(child=serializers.CharField(), help_text="Empty when all is well.")
    showtimes = AuditShowtime(many=True)
    booked_seats = serializers.DictField(
        child=serializers.DictField(child=serializers.JSONField()),
        help_text="show id -> seat id -> {reference, username}",
    )
    held_seats = serializers.DictField(
        child=serializers.DictField(child=serializers.JSONField()),
        help_text="show id -> seat id -> {username, held_until}",
    )
