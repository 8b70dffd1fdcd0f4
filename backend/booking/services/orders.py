"""Orders and their payment: from the caller's live holds to a paid (or box-office) booking.

The order state machine (DESIGN.md, *Orders and payment*):

    pending --pay--> processing --charge succeeded--> paid          (the seats booked, one transaction)
                          |       --charge declined--> pending       (402; the holds stay until they expire)
                          |       --charge pending---> processing    (the provider answers by webhook)
                          |       --seats lost-------> refunded      (paid after its seats were sold: all back)
    pending --box office--> box_office (booked unpaid)
    pending --> expired (its holds ran out) | abandoned (a newer order of the same seats)

Only one payment attempt per order is ever in flight: paying first *claims* the order (one UPDATE from
pending to processing), so twenty concurrent submissions make one charge; the others are told a payment is
in progress, or, once it has succeeded, given the paid order. The charge itself runs outside any
transaction (no lock is held across the provider's network call); its idempotency key is the order's
reference and attempt number, so a retried call never charges twice.

Settling a successful payment is one statement (`boxoffice_settle_order`, seat_writes.sql): the order row,
the seat rows in primary-key order, the booking, the seat change, the order marked paid.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from booking import payments
from booking.exceptions import (
    BoxOfficeUnavailable,
    CategoryNotSold,
    InvalidRequest,
    NotHeld,
    OrderExpired,
    OrderNotFound,
    OrderNotPayable,
    PaymentDeclined,
    PaymentInProgress,
    PaymentUnavailable,
    SeatNotFound,
    ShowStarted,
    ShowtimeNotFound,
    TicketTypeNotSold,
)
from booking.exceptions import InvalidWebhook as InvalidWebhookError
from booking.models import Order, OrderLine, PaymentEvent, Refund, ShowSeat, Showtime
from booking.order_state import is_expired, payable_q
from booking.seat_state import live_hold_q
from booking.selectors.pricing import listed_prices, showtime_prices
from booking.services.bookings import new_booking_reference
from booking.services.locking import USER_LOCK_NAMESPACE, call_seat_function, lock_timeout
from booking.services.refunds import send_refund
from booking.services.seat_requests import normalise_seat_ids

Status = Order.Status


@dataclass(frozen=True)
class OrderSeat:
    seat_id: int
    ticket_type_id: int | None  # None: the seat's listed price (the default ticket type's, or the cheapest)


def create_order(*, user, showtime_id: int, seats: list[OrderSeat]) -> Order:
    """An order for seats the user holds, at today's prices, expiring with the earliest of its holds.

    Every seat must be the user's live hold, of a category the showtime sells, with a ticket type it sells
    for that category. Any earlier unpaid order of the user for one of these seats is abandoned; an order
    with a payment in flight for one of them refuses the new one.
    """
    seat_ids = normalise_seat_ids(seat.seat_id for seat in seats)
    if len(seat_ids) != len(seats):
        raise InvalidRequest("Name each seat once.")
    chosen = {seat.seat_id: seat.ticket_type_id for seat in seats}
    now = timezone.now()
    with transaction.atomic():
        # The user's lock (as for holds and confirms): one user's orders and payments settle in turn.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s::integer)", [USER_LOCK_NAMESPACE, user.pk])
        showtime = Showtime.objects.select_related("hall__venue").filter(pk=showtime_id).first()
        if showtime is None:
            raise ShowtimeNotFound()
        rows = list(
            ShowSeat.objects.filter(showtime_id=showtime_id, seat_id__in=seat_ids).values(
                "seat_id", "status", "held_by_id", "held_until", "seat__category_id"
            )
        )
        if missing := sorted(set(seat_ids) - {row["seat_id"] for row in rows}):
            raise SeatNotFound(seat_ids=missing)
        if showtime.starts_at <= now:
            raise ShowStarted(seat_ids=seat_ids)
        mine = set(
            ShowSeat.objects.filter(
                live_hold_q(now), showtime_id=showtime_id, seat_id__in=seat_ids, held_by=user
            ).values_list("seat_id", flat=True)
        )
        if not_held := sorted(set(seat_ids) - mine):
            raise NotHeld(seat_ids=not_held)

        prices = {(p.category_id, p.ticket_type_id): p.amount for p in showtime_prices(showtime_id=showtime_id)}
        listed = listed_prices(showtime_id=showtime_id)
        lines = []
        for row in rows:
            category_id, ticket_type_id = row["seat__category_id"], chosen[row["seat_id"]]
            if category_id not in listed:
                raise CategoryNotSold(seat_ids=[row["seat_id"]])
            if ticket_type_id is None:
                ticket_type_id = listed[category_id].ticket_type_id
            if (category_id, ticket_type_id) not in prices:
                raise TicketTypeNotSold(seat_ids=[row["seat_id"]])
            amount = prices[category_id, ticket_type_id]
            lines.append(
                OrderLine(seat_id=row["seat_id"], category_id=category_id, ticket_type_id=ticket_type_id, amount=amount)
            )

        overlapping = Order.objects.filter(
            user=user,
            showtime_id=showtime_id,
            lines__seat_id__in=seat_ids,
            status__in=[Status.PENDING, Status.PROCESSING],
        ).distinct()
        if overlapping.filter(status=Status.PROCESSING).exists():
            raise PaymentInProgress(seat_ids=seat_ids)
        Order.objects.filter(pk__in=list(overlapping.values_list("pk", flat=True))).update(status=Status.ABANDONED)

        order = Order.objects.create(
            reference=new_booking_reference(),
            user=user,
            showtime=showtime,
            currency=showtime.hall.venue.currency,
            total=sum((line.amount for line in lines), Decimal(0)),
            created_at=now,
            expires_at=min(row["held_until"] for row in rows),
        )
        for line in lines:
            line.order = order
        OrderLine.objects.bulk_create(lines)
    return order


@dataclass(frozen=True)
class PayResult:
    order: Order
    pending: bool  # True: the provider answers later (by webhook); the order stays `processing`


def pay_order(
    *, user, reference: str, method: str, card: payments.Card | None = None, webhook_url: str = ""
) -> PayResult:
    """Pay the user's order by card (through the configured provider) or at the box office.

    A paid or box-office order is answered as it is (a retried submission changes nothing). Raises
    OrderNotFound, OrderExpired, OrderNotPayable, PaymentInProgress, BoxOfficeUnavailable, PaymentDeclined
    (the order is payable again), PaymentUnavailable (nothing was charged).
    """
    order = _claim(user=user, reference=reference, method=method)
    if order.status in (Status.PAID, Status.BOX_OFFICE):
        return PayResult(order=order, pending=False)  # already settled: the same answer again

    if method == Order.Method.BOX_OFFICE:
        if not order.showtime.box_office_payment:
            _release_claim(order)
            raise BoxOfficeUnavailable()
        outcome = _settle(order, method=method, status=Status.BOX_OFFICE, amount_paid=Decimal(0))
        if outcome == "seats_lost":  # its holds ran out (nothing was charged)
            Order.objects.filter(pk=order.pk, status=Status.PROCESSING).update(status=Status.EXPIRED)
            raise OrderExpired()
        return PayResult(order=_reload(order), pending=False)

    provider = payments.provider()
    if order.total == 0:  # nothing to charge
        settle_paid_order(order=order, provider_name=provider.name, payment_id=None)
        return PayResult(order=_reload(order), pending=False)
    try:
        charge = provider.charge(
            amount=order.total,
            currency=order.currency,
            card=card,
            reference=order.reference,
            idempotency_key=f"{order.reference}-{order.attempts}",
            webhook_url=webhook_url,
        )
    except payments.ProviderError as exc:
        _release_claim(order)
        raise PaymentUnavailable() from exc
    if charge.status == "declined":
        _release_claim(order)
        raise PaymentDeclined(f"The payment was declined ({charge.decline_reason}). {PaymentDeclined.default_detail}")
    if charge.status == "pending":
        Order.objects.filter(pk=order.pk).update(provider=provider.name, provider_payment_id=charge.payment_id)
        return PayResult(order=_reload(order), pending=True)
    settle_paid_order(order=order, provider_name=provider.name, payment_id=charge.payment_id)
    return PayResult(order=_reload(order), pending=False)


def settle_paid_order(*, order: Order, provider_name: str, payment_id: str | None) -> str:
    """A payment of `order` succeeded: book its seats and mark it paid, or, when its seats were sold to
    someone else meanwhile, give all the money back and mark it refunded. Returns the outcome ("ok",
    "refunded", or "not_processing" when it was settled already)."""
    outcome = _settle(
        order,
        method=Order.Method.CARD,
        status=Status.PAID,
        amount_paid=order.total,
        provider=provider_name,
        payment_id=payment_id,
    )
    if outcome != "seats_lost":
        return outcome
    # The money goes back, all of it: recorded with the decision, then sent (services/refunds.py), so a
    # provider that cannot be reached leaves it owed, not lost.
    amount, now = order.total, timezone.now()
    with transaction.atomic():
        refunded = Order.objects.filter(pk=order.pk, status=Status.PROCESSING).update(
            status=Status.REFUNDED,
            method=Order.Method.CARD,
            provider=provider_name,
            provider_payment_id=payment_id,
            amount_paid=amount,
            amount_refunded=amount,
            paid_at=now,
        )
        if not refunded:
            return "not_processing"
        refund = Refund.objects.create(
            order=order, amount=amount, reason="Paid after its seats were sold to someone else.", created_at=now
        )
    send_refund(refund.pk)
    return "refunded"


def handle_payment_webhook(*, provider_name: str, body: bytes, headers) -> str:
    """A provider's webhook: verified, applied once (a replay finds its event recorded and changes nothing),
    safe to arrive late. Returns what it did: "applied", "duplicate" or "ignored"."""
    provider = payments.provider()
    if provider_name != provider.name:
        raise OrderNotFound("No such payment provider.")
    try:
        event = provider.parse_webhook(body=body, headers=headers)
    except payments.InvalidWebhook as exc:
        raise InvalidWebhookError(str(exc)) from exc
    with transaction.atomic():
        # The event and its effect commit together: a concurrent replay waits on the unique key, then finds it.
        try:
            with transaction.atomic():
                PaymentEvent.objects.create(
                    provider=provider.name, event_id=event.event_id, kind=event.kind, received_at=timezone.now()
                )
        except IntegrityError:
            return "duplicate"
        order = Order.objects.filter(provider=provider.name, provider_payment_id=event.payment_id).first()
        if order is None or order.status != Status.PROCESSING:
            return "ignored"  # not ours, or settled already
        if event.kind == "payment.succeeded":
            settle_paid_order(order=order, provider_name=provider.name, payment_id=event.payment_id)
        elif event.kind == "payment.failed":
            _release_claim(order)
        else:
            return "ignored"
    return "applied"


# --- internals ---------------------------------------------------------------------------------------


def _claim(*, user, reference: str, method: str) -> Order:
    """Move the user's payable order to `processing` (one winner among concurrent attempts) and return it;
    or return it as it is when already paid or booked at the box office; or refuse."""
    now = timezone.now()
    claimed = Order.objects.filter(payable_q(now), reference=reference, user=user).update(
        status=Status.PROCESSING, attempts=F("attempts") + 1, method=method
    )
    order = Order.objects.select_related("showtime").filter(reference=reference, user=user).first()
    if order is None:
        raise OrderNotFound()
    if claimed or order.status in (Status.PAID, Status.BOX_OFFICE):
        return order
    if order.status == Status.PROCESSING:
        raise PaymentInProgress()
    if order.status == Status.EXPIRED or is_expired(order.status, order.expires_at, now):
        Order.objects.filter(pk=order.pk, status=Status.PENDING).update(status=Status.EXPIRED)
        raise OrderExpired()
    raise OrderNotPayable()


def _release_claim(order: Order) -> None:
    """The attempt ended without a payment: the order is payable again (its holds permitting)."""
    Order.objects.filter(pk=order.pk, status=Status.PROCESSING).update(status=Status.PENDING, provider_payment_id=None)


def _settle(
    order: Order, *, method: str, status: str, amount_paid: Decimal, provider: str = "", payment_id=None
) -> str:
    outcome, _, _ = call_seat_function(
        "SELECT * FROM boxoffice_settle_order(%s::bigint, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            order.pk,
            timezone.now(),
            method,
            status,
            amount_paid,
            provider or None,
            payment_id,
            lock_timeout(),
            USER_LOCK_NAMESPACE,
        ],
        seat_ids=[],
        showtime_id=order.showtime_id,
    )
    return outcome


def _reload(order: Order) -> Order:
    return Order.objects.select_related("booking").get(pk=order.pk)
