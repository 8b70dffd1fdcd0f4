"""Order reads: one of the caller's orders, with its lines, as the API shows it."""

from datetime import datetime

from django.db.models import DecimalField, F, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from booking.exceptions import OrderNotFound
from booking.models import Order, OrderLine, Showtime
from booking.order_state import effective_status


def user_order(*, user, reference: str, now: datetime) -> Order:
    """The user's order of that reference (another user's is not found), its lines in seat order, and its
    `shown_status` (a pending order whose holds ran out reads as expired)."""
    order = (
        Order.objects.filter(user=user, reference=reference)
        .select_related("booking")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related("seat", "category", "ticket_type").order_by("seat_id"),
            )
        )
        .first()
    )
    if order is None:
        raise OrderNotFound()
    order.shown_status = effective_status(order.status, order.expires_at, now)
    return order


def with_revenue(showtimes: QuerySet[Showtime]) -> QuerySet[Showtime]:
    """The showtimes annotated with `revenue`: what their orders were paid, less what was refunded (money
    taken, not money owed: box-office orders count once paid at the desk, which is not recorded yet)."""
    taken = (
        Order.objects.filter(showtime=OuterRef("pk"))
        .values("showtime")
        .annotate(net=Sum(F("amount_paid") - F("amount_refunded")))
        .values("net")
    )
    money = DecimalField(max_digits=12, decimal_places=2)
    return showtimes.annotate(revenue=Coalesce(Subquery(taken, output_field=money), Value(0), output_field=money))
