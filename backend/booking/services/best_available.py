"""Best available: find and hold, atomically, the best block of seats for a party (booking/seat_selection.py)."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from booking.exceptions import (
    BookingError,
    IdempotencyKeyReused,
    NoBlock,
    RateLimited,
    SeatsBusy,
    SeatUnavailable,
    TooManySeats,
)
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
from booking.services.seat_requests import COUNT_HIT_SQL, RateWindow


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
    rate_window: RateWindow | None = None,
) -> BestAvailableResult:
    """Choose the best block of `quantity` seats (best_block: adjacent in one segment and stranding none if
    any such block exists, else one that strands a seat, else two blocks in adjacent rows) and hold it.

    Best-available requests for one showtime queue on one lock (lock order step 0a in locking.py) and read
    the seats after it, so a herd of parties never chooses from the same stale picture; the block is then
    held with its segments locked and checked again (hold_with_segments_locked), since a manual hold may
    have changed it since the read. Then it chooses again, up to BEST_AVAILABLE_ATTEMPTS times. Raises
    NoBlock (409 `no_block`, with the largest block) when nothing fits.

    The request is counted in `rate_window` (if given) in the same transaction, sent with its first
    statements: a refusal (no block, the hold cap, a reused key) commits its count, and over the limit
    nothing is chosen or held (RateLimited). An attempt that chooses again is rolled back, count included, so
    a request counts once.

    With an `idempotency_key`, a retry gets the first answer again (`replayed`) and holds nothing more; the
    key with another request is IdempotencyKeyReused (422). Looked up under the showtime's lock and written in
    the hold's transaction, so two retries at once cannot both hold.
    """
    request = {"showtime_id": showtime_id, "quantity": quantity, "category_id": category_id, "accessible": accessible}
    if not 1 <= quantity <= settings.MAX_SEATS_PER_HOLD:
        raise TooManySeats(f"Ask for 1 to {settings.MAX_SEATS_PER_HOLD} seats.")
    for _ in range(settings.BEST_AVAILABLE_ATTEMPTS):
        try:
            return _attempt(user=user, request=request, idempotency_key=idempotency_key, rate_window=rate_window)
        except (_Stale, SeatUnavailable):
            continue
    raise SeatsBusy(seat_ids=[])


def _attempt(*, user, request: dict, idempotency_key: str | None, rate_window: RateWindow | None):
    """One choice and hold, in one pipelined transaction: BEGIN, the showtime's lock, the count and the seat
    read travel together. A refusal is raised after COMMIT (its count stays); choosing again rolls back."""
    showtime_id = request["showtime_id"]
    error: BookingError | None = None
    result: BestAvailableResult | None = None
    # The count's cursor outlives the pipeline: its result is read with the seat read's.
    with contention_as_conflicts(seat_ids=[]), connection.cursor() as counting, pipelined_transaction():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true), pg_advisory_xact_lock(%s, %s::integer)",
                [lock_timeout(), BEST_AVAILABLE_LOCK_NAMESPACE, showtime_id],
            )
        if rate_window is not None:
            counting.execute(COUNT_HIT_SQL, [rate_window.key, rate_window.expires_at])
        earlier = _earlier(user, idempotency_key) if idempotency_key is not None else None
        try:
            state = selection_state(showtime_id=showtime_id, now=timezone.now())
            if rate_window is not None and counting.fetchone()[0] > rate_window.limit:
                raise RateLimited(retry_after=rate_window.retry_after)
            if earlier is not None:
                result = _replay(earlier, request)
            else:
                result = _choose_and_hold(user, request, state)
                if idempotency_key is not None:
                    BestAvailableRequest.objects.create(
                        user=user,
                        idempotency_key=idempotency_key,
                        **request,
                        seat_ids=result.seat_ids,
                        fallback=result.fallback,
                        held_until=result.held_until,
                    )
        except (_Stale, SeatUnavailable, SeatsBusy):
            raise  # roll back: choose again, or a lock wait ran out
        except BookingError as exc:
            error = exc  # a refusal: committed with its count, then raised
    if error is not None:
        raise error
    return result


def _choose_and_hold(user, request: dict, state) -> BestAvailableResult:
    quantity, category_id, accessible = request["quantity"], request["category_id"], request["accessible"]
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
        showtime_id=request["showtime_id"],
        seat_ids=list(choice.seat_ids),
        rate_window=None,  # counted by the caller's transaction
        refusal=lambda plan, free: _changed(plan, choice, free),
        under_rule_only=False,  # best available avoids strandings whether the switch is on or not
    )
    return BestAvailableResult(seat_ids=held.seat_ids, held_until=held.held_until, fallback=choice.fallback)


def _earlier(user, key: str) -> BestAvailableRequest | None:
    return BestAvailableRequest.objects.filter(user=user, idempotency_key=key).first()


def _replay(earlier: BestAvailableRequest, request: dict) -> BestAvailableResult:
    """The first answer under this key; IdempotencyKeyReused if the key came with another request."""
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
