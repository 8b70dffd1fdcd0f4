"""Seat categories, ticket types and prices: what a seat is and what a showtime charges for it.

What a showtime sells, and at what price, is defined once in SQL (pricing.sql beside this file), because
the hold function must refuse a category that is not for sale inside its one statement; the seat map and
the showtime list read the same functions.
"""

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction

from booking.exceptions import InvalidRequest
from booking.models import Hall, Seat, SeatCategory, Showtime, ShowtimePrice, TicketType
from booking.money import fits_currency

PRICING_FUNCTIONS_SQL = Path(__file__).with_name("pricing.sql")

# The category a hall's seats get when nobody chose one (a new hall, the staff API, the seat generator).
STANDARD_CATEGORY = {"name": "Standard", "colour": "#3b82f6", "sort_order": 0, "default_price": Decimal("10.00")}
DEFAULT_TICKET_TYPE = "Adult"


def install_pricing_functions(apps=None, schema_editor=None) -> None:
    """Migration helper: (re)install every function of pricing.sql."""
    with (schema_editor.connection if schema_editor else connection).cursor() as cursor:
        cursor.execute(PRICING_FUNCTIONS_SQL.read_text())


def default_category(*, hall: Hall) -> SeatCategory:
    """The hall's first category (display order), a "Standard" one created if it has none."""
    category = hall.categories.order_by("sort_order", "pk").first()
    if category is None:
        standard = STANDARD_CATEGORY
        category = SeatCategory.objects.get_or_create(hall=hall, name=standard["name"], defaults=standard)[0]
    return category


def default_ticket_type() -> TicketType:
    """The ticket a booking without a choice sells (created as "Adult" if the default was removed)."""
    ticket_type = TicketType.objects.filter(is_default=True).first()
    if ticket_type is None:
        ticket_type = TicketType.objects.update_or_create(name=DEFAULT_TICKET_TYPE, defaults={"is_default": True})[0]
    return ticket_type


def ensure_category(*, hall: Hall, name: str, colour: str, sort_order: int, default_price: Decimal) -> SeatCategory:
    """The hall's category of that name, created with these settings on first use (seed data)."""
    check_amount(default_price, currency=hall.venue.currency)
    defaults = {"colour": colour, "sort_order": sort_order, "default_price": default_price}
    return SeatCategory.objects.get_or_create(hall=hall, name=name, defaults=defaults)[0]


def ensure_ticket_type(*, name: str, sort_order: int) -> TicketType:
    """The ticket type of that name, created on first use (seed data)."""
    return TicketType.objects.get_or_create(name=name, defaults={"sort_order": sort_order})[0]


def save_ticket_type(*, ticket_type: TicketType) -> TicketType:
    """Save a ticket type. Making it the default un-defaults the previous one in the same transaction."""
    with transaction.atomic():
        if ticket_type.is_default:
            # Two staff making different defaults at once: the second waits here, then un-defaults the
            # first's instead of tripping the one-default constraint. Readers are not blocked.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {TicketType._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
            TicketType.objects.filter(is_default=True).exclude(pk=ticket_type.pk).update(is_default=False)
        ticket_type.save()
    return ticket_type


def recategorise_seats(*, hall: Hall, seat_ids: Iterable[int], category: SeatCategory) -> int:
    """Move the hall's given seats to `category` (of the same hall). Returns how many seats moved.

    The seat map changes with it: the hall's plan revision moves (a trigger of migration 0011), and with it
    every showtime's layout ETag.
    """
    if category.hall_id != hall.pk:
        raise InvalidRequest(f"{category} is not a category of {hall}.")
    seat_ids = list(seat_ids)
    with transaction.atomic():
        if Seat.objects.filter(pk__in=seat_ids).exclude(hall=hall).exists():
            raise InvalidRequest(f"Some of those seats are not in {hall}.")
        return Seat.objects.filter(pk__in=seat_ids).exclude(category=category).update(category=category)


def recategorise_rows(*, hall: Hall, rows: Iterable[str], category: SeatCategory) -> int:
    """Move every seat of the given rows of the hall to `category`. Returns how many seats moved."""
    seat_ids = Seat.objects.filter(hall=hall, row__in=list(rows)).values_list("pk", flat=True)
    return recategorise_seats(hall=hall, seat_ids=seat_ids, category=category)


def check_amount(amount: Decimal, *, currency: str) -> None:
    """InvalidRequest unless `amount` is a price in `currency`: not negative, whole minor units."""
    if amount < 0 or not fits_currency(amount, currency):
        raise InvalidRequest(f"{amount} is not a price in {currency}.")


def set_showtime_prices(*, showtime: Showtime, prices: dict[tuple[SeatCategory, TicketType], Decimal]) -> None:
    """Replace the showtime's own price list: it then sells exactly these (category, ticket type) pairs.
    An empty `prices` returns it to the categories' default prices. The layout's ETag moves with it
    (the price list is part of the layout state)."""
    currency = showtime.hall.venue.currency
    for (category, _), amount in prices.items():
        if category.hall_id != showtime.hall_id:
            raise InvalidRequest(f"{category} is not a category of {showtime.hall}.")
        check_amount(amount, currency=currency)
    with transaction.atomic():
        ShowtimePrice.objects.filter(showtime=showtime).delete()
        ShowtimePrice.objects.bulk_create(
            [
                ShowtimePrice(showtime=showtime, category=category, ticket_type=ticket_type, amount=amount)
                for (category, ticket_type), amount in prices.items()
            ]
        )
