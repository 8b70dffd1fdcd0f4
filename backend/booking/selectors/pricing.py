"""What a showtime sells and at what price, as pricing.sql defines it (booking/services/pricing.sql)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection


@dataclass(frozen=True)
class Price:
    category_id: int
    ticket_type_id: int
    amount: Decimal  # in the showtime's venue's currency


def _prices(function: str, showtime_id: int) -> list[Price]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT category_id, ticket_type_id, amount FROM {function}(%s) ORDER BY category_id, ticket_type_id",
            [showtime_id],
        )
        return [Price(*row) for row in cursor.fetchall()]


def showtime_prices(*, showtime_id: int) -> list[Price]:
    """Every (category, ticket type) the showtime sells, with its price."""
    return _prices("boxoffice_showtime_prices", showtime_id)


def listed_prices(*, showtime_id: int) -> dict[int, Price]:
    """Each sold category's listed price (the default ticket type's, or the cheapest), by category id."""
    return {price.category_id: price for price in _prices("boxoffice_listed_prices", showtime_id)}
