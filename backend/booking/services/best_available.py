"""Best available: find and hold, atomically, the best block of seats for a party (booking/seat_selection.py)."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from booking.exceptions import BookingError, IdempotencyKeyReused, NoBlock, SeatsBusy, SeatUnavailable, TooManySeats
from booking.models import BestAvailableRequest
from booking.seat_selection import Choice, Fallback, Plan, best_block, hold_stranding, largest_block
from booking.selectors.seat_plans import selection_state
from booking.services.holds import hold_with_segments_locked
from booking.services.locking import (
    BEST_AVAILABLE_LOCK_NAMESPACE,
    contention_as_conflicts,
    lock_timeout,
    pipelined_transaction,
)


@dataclass(frozen=True)
class BestAvailableResult:
    seat_ids: list[int]
    held_until: datetime
    fallback: Fallback
    replayed: bool = False  # the answer to an earlier request with the same Idempotency-Key


class _Stale(BookingError):
    """The chosen block changed between the snapshot and its locks (a concurrent manual hold): choose again."""


def hold_best_available(
    *,
    user,
    showtime_id: int,
    quantity: int,
    category_id: int | None = None,
    accessible: bool = False,
    idempotency_key: str | None = None,
) -> BestAvailableResult:
    """Choose the best block of `quantity` seats (best_block: adjacent in one segment and stranding none if
    any such block exists, else one that strands a seat, else two blocks in adjacent rows) and hold it.

    Best-available requests for one showtime queue on one lock (lock order step 0a in locking.py) and read
    the seats after it, so a herd of parties never chooses from the same stale picture; the block is then
    held with its segments locked and checked again (hold_with_segments_locked), since a manual hold may
    have changed it since the read. Then it chooses again, up to BEST_AVAILABLE_ATTEMPTS times. Raises
    NoBlock (409 `no_block`, with the largest block) when nothing fits.

    With an `idempotency_key`, a retry gets the first answer again (`replayed`) and holds nothing more; the
    key with another request is IdempotencyKeyReused (422). Looked up under the showtime's lock and written in
    the hold's transaction, so two retries at once cannot both hold.
    """
    request = {"showtime_id": showtime_id, "quantity": quantity, "category_id": category_id, "accessible": accessible}
    if not 1 <= quantity <= settings.MAX_SEATS_PER_HOLD:
        raise TooManySeats(f"Ask for 1 to {settings.MAX_SEATS_PER_HOLD} seats.")
    for _ in range(settings.BEST_AVAILABLE_ATTEMPTS):
        try:
            return _attempt(user=user, request=request, idempotency_key=idempotency_key)
        except (_Stale, SeatUnavailable):
            continue
    raise SeatsBusy(seat_ids=[])


def _attempt(*, user, request: dict, idempotency_key: str | None) -> BestAvailableResult:
    showtime_id, quantity = request["showtime_id"], request["quantity"]
    category_id, accessible = request["category_id"], request["accessible"]
    # Pipelined: BEGIN and the showtime's lock travel with the seat read, COMMIT with the last statement.
    with contention_as_conflicts(seat_ids=[]), pipelined_transaction():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true), pg_advisory_xact_lock(%s, %s::integer)",
                [lock_timeout(), BEST_AVAILABLE_LOCK_NAMESPACE, showtime_id],
            )
        if idempotency_key is not None and (earlier := _earlier(user, idempotency_key, request)) is not None:
            return earlier
        state = selection_state(showtime_id=showtime_id, now=timezone.now())
        choice = best_block(
            state.plan, state.free, quantity, prices=state.prices, category=category_id, accessible=accessible
        )
        if choice is None:
            largest = largest_block(
                state.plan, state.free, prices=state.prices, category=category_id, accessible=accessible
            )
            raise NoBlock(quantity=quantity, largest_block=largest)
        held = hold_with_segments_locked(
            user=user,
            showtime_id=showtime_id,
            seat_ids=list(choice.seat_ids),
            rate_window=None,  # the view's throttle counted the request
            refusal=lambda plan, free: _changed(plan, choice, free),
            under_rule_only=False,  # best available avoids strandings whether the switch is on or not
        )
        if idempotency_key is not None:
            BestAvailableRequest.objects.create(
                user=user,
                idempotency_key=idempotency_key,
                **request,
                seat_ids=held.seat_ids,
                fallback=choice.fallback,
                held_until=held.held_until,
            )
    return BestAvailableResult(seat_ids=held.seat_ids, held_until=held.held_until, fallback=choice.fallback)


def _earlier(user, key: str, request: dict) -> BestAvailableResult | None:
    earlier = BestAvailableRequest.objects.filter(user=user, idempotency_key=key).first()
    if earlier is None:
        return None
    if {name: getattr(earlier, name) for name in request} != request:
        raise IdempotencyKeyReused("This Idempotency-Key was already used for a different best-available request.")
    return BestAvailableResult(
        seat_ids=earlier.seat_ids, held_until=earlier.held_until, fallback=Fallback(earlier.fallback), replayed=True
    )


def _changed(plan: Plan, choice: Choice, free: frozenset[int]) -> BookingError | None:
    """Under the segment locks: refuse (to choose again) if a chosen seat is gone, or if the block now strands a
    seat where it stranded none when chosen."""
    if not set(choice.seat_ids) <= free:
        return _Stale()
    if choice.fallback == Fallback.NONE and hold_stranding(plan, free, choice.seat_ids) is not None:
        return _Stale()
    return None
