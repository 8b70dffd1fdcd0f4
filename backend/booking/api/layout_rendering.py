"""The hall layout on the wire: its ETag, the conditional (If-None-Match) answer and its JSON bytes.

The HTTP half of GET /api/hall-layout/<id>/; every read it needs is a selector (booking/selectors/layout.py).
  * the ETag is a digest of the caller's layout state (the showtime's header, layout version and next hold
    expiry, the caller's id, the hold limit); `conditional_layout` answers a poll whose If-None-Match is
    current from the process's layout board (booking/layout_board.py) with no query at all.
  * the body is built from pre-encoded JSON: each seat of a showtime is encoded once per public state and
    kept per process (`_seat_plans`), the public seat list once per (showtime, version, next expiry)
    (`_public_seats_cache`) and reused by every caller until a write or an expiry changes it; only the
    caller's own holds are encoded per request and patched in. A caller who holds and booked none of the
    seats is sent the body every such caller gets, built once per layout header (`_public_bodies`): joining a
    5,000-seat body anew cost a request ~0.4 ms, most of it the fresh memory's first touch.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

import orjson
from django.conf import settings

from booking.api.serializers import isoformat_utc
from booking.layout_board import LayoutHeader, board
from booking.money import amount_text
from booking.selectors.layout import (
    STATUS_BY_CODE,
    LayoutState,
    SeatPlanRow,
    layout_state,
    pricing_json,
    seat_plan,
    seat_statuses,
)


def _etag(showtime_id: int, header: LayoutHeader, user_id: int | None) -> str:
    fingerprint = "|".join(
        map(
            str,
            (
                showtime_id,
                header.version,
                header.next_expiry,
                user_id,
                header.starts_at,
                header.movie_title,
                header.hall_name,
                header.venue_name,
                header.hold_ttl_seconds,
                header.currency,
                header.plan_revision,
                header.pricing_revision,
                header.box_office_payment,
                header.time_zone,
                header.prevent_orphans,
                settings.MAX_SEATS_PER_HOLD,
            ),
        )
    )
    return '"' + hashlib.blake2b(fingerprint.encode(), digest_size=12).hexdigest() + '"'


def layout_etag(state: LayoutState) -> str:
    """The ETag of the layout `state` was read for (strong, quoted)."""
    return _etag(state.showtime_id, state.header, state.user_id)


@dataclass(frozen=True)
class LayoutAnswer:
    etag: str
    body: bytes | None  # None: not modified (the caller's If-None-Match holds the current ETag)


def conditional_layout(*, showtime_id: int, user, now: datetime, if_none_match: set[str]) -> LayoutAnswer:
    """A (conditional) layout read. While the process's layout board knows the showtime
    (booking/layout_board.py), a poll whose If-None-Match is current is answered with no query."""
    if if_none_match and (header := board.get(showtime_id, now)) is not None:
        etag = _etag(showtime_id, header, user.pk if user.is_authenticated else None)
        if etag in if_none_match:
            return LayoutAnswer(etag=etag, body=None)
    state = layout_state(showtime_id=showtime_id, user=user, now=now)
    etag = layout_etag(state)
    if etag in if_none_match:
        return LayoutAnswer(etag=etag, body=None)
    return LayoutAnswer(etag=etag, body=hall_layout_json(state=state, now=now))


@dataclass(frozen=True)
class _SeatPlan:
    """A showtime's seats, pre-encoded in every public state. Changes only when the hall gains seats or
    its plan revision moves (a seat's row, number or category changed)."""

    revision: int  # the hall's plan revision it was read at
    seats: list[SeatPlanRow]  # in display order
    position: dict[int, int]  # seat id -> display index
    display_index_by_id_order: list[int]  # k-th seat by id -> its display index
    encoded: dict[str, list[bytes]]  # status code -> every seat's JSON in that state, display order


@dataclass(frozen=True)
class _PublicSeats:
    key: tuple  # (version, next_expiry, plan revision) it was built for
    plan: _SeatPlan
    encoded: list[bytes]  # each seat as the JSON an anonymous caller sees, display order
    counts: dict[str, int]


_MAX_CACHED_SHOWTIMES = 256
_seat_plans: OrderedDict[int, _SeatPlan] = OrderedDict()
_public_seats_cache: OrderedDict[int, _PublicSeats] = OrderedDict()
_public_bodies: OrderedDict[int, tuple[tuple, bytes]] = OrderedDict()  # showtime -> (its key, the body)
_cache_lock = threading.Lock()


def _remember(cache: OrderedDict, key: int, value) -> None:
    with _cache_lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > _MAX_CACHED_SHOWTIMES:
            cache.popitem(last=False)


def _encode_seat(
    seat: SeatPlanRow,
    status: str,
    held_until: str | None = None,
    booked_by_me: bool = False,
) -> bytes:
    seat_id, row, number, category_id, column, segment, kind = seat
    return orjson.dumps(
        {
            "id": seat_id,
            "row": row,
            "number": number,
            "column": column,
            "segment": segment,
            "kind": kind,
            "category": category_id,
            "status": status,
            "held_by_me": held_until is not None,
            "held_until": held_until,
            "booked_by_me": booked_by_me,
        }
    )


def _seat_plan(showtime_id: int, revision: int) -> _SeatPlan:
    seats = seat_plan(showtime_id=showtime_id)
    position = {seat_id: index for index, (seat_id, *_) in enumerate(seats)}
    plan = _SeatPlan(
        revision=revision,
        seats=seats,
        position=position,
        display_index_by_id_order=[position[seat_id] for seat_id in sorted(position)],
        encoded={code: [_encode_seat(seat, status) for seat in seats] for code, status in STATUS_BY_CODE.items()},
    )
    _remember(_seat_plans, showtime_id, plan)
    return plan


def _public_seats(state: LayoutState, now: datetime) -> _PublicSeats:
    # Built from data read after `state`, so the cached seats are never older than the version
    # they are filed under: at worst an ETag lags its body, which costs a client one extra fetch.
    key = (state.header.version, state.header.next_expiry, state.header.plan_revision)
    cached = _public_seats_cache.get(state.showtime_id)
    if cached is not None and cached.key == key:
        return cached

    seat_count, codes = seat_statuses(showtime_id=state.showtime_id, now=now)
    plan = _seat_plans.get(state.showtime_id)
    if plan is None or len(plan.seats) != seat_count or plan.revision != state.header.plan_revision:
        plan = _seat_plan(state.showtime_id, state.header.plan_revision)  # first use, or the plan changed
    encoded = [b""] * seat_count
    for display_index, code in zip(plan.display_index_by_id_order, codes, strict=True):
        encoded[display_index] = plan.encoded[code][display_index]
    counts = {status: codes.count(code) for code, status in STATUS_BY_CODE.items()}
    built = _PublicSeats(key=key, plan=plan, encoded=encoded, counts=counts)
    _remember(_public_seats_cache, state.showtime_id, built)
    return built


def hall_layout_json(*, state: LayoutState, now: datetime) -> bytes:
    """The layout body for the caller `state` was read for, as JSON bytes."""
    mine = state.my_holds or state.my_bookings
    # The header decides the rest of a public body: the seats' version and next expiry, the plan and pricing
    # revisions, the showtime's own fields.
    key = (state.header, settings.MAX_SEATS_PER_HOLD)
    if not mine and (cached := _public_bodies.get(state.showtime_id)) is not None and cached[0] == key:
        return cached[1]
    public = _public_seats(state, now)
    encoded = public.encoded
    if mine:
        encoded = list(encoded)
        for seat_id, held_until in state.my_holds.items():
            index = public.plan.position.get(seat_id)
            if index is not None:
                encoded[index] = _encode_seat(public.plan.seats[index], "held", isoformat_utc(held_until))
        for seat_id in state.my_bookings:
            index = public.plan.position.get(seat_id)
            if index is not None:
                encoded[index] = _encode_seat(public.plan.seats[index], "booked", booked_by_me=True)
    header = orjson.dumps(
        {
            "show_id": state.showtime_id,
            "hall_name": state.header.hall_name,
            "venue_name": state.header.venue_name,
            "movie_title": state.header.movie_title,
            "starts_at": isoformat_utc(state.header.starts_at),
            "hold_ttl_seconds": state.header.hold_ttl_seconds,
            "max_seats_per_hold": settings.MAX_SEATS_PER_HOLD,
            "box_office_payment": state.header.box_office_payment,
            "time_zone": state.header.time_zone,
            "prevent_orphans": state.header.prevent_orphans,
            "counts": public.counts,
        }
    )
    pricing = _pricing_json(state.showtime_id, state.header.pricing_revision, state.header.currency)
    body = b"".join((header[:-1], b",", pricing, b',"seats":[', b",".join(encoded), b"]}"))
    if not mine:
        _remember(_public_bodies, state.showtime_id, (key, body))
    return body


@lru_cache(maxsize=_MAX_CACHED_SHOWTIMES)
def _pricing_json(showtime_id: int, pricing_revision: int, currency: str) -> bytes:
    """`"currency":...,"categories":[...]` for the body: the showtime's price list (pricing.sql) with every
    amount written in the currency's own decimals. Read and encoded once per pricing revision per process;
    read after the revision, so it is never older than the revision it is filed under."""
    categories = orjson.loads(pricing_json(showtime_id=showtime_id))
    for category in categories:
        if category["price"] is not None:
            category["price"] = amount_text(Decimal(category["price"]), currency)
        for line in category["prices"]:
            line["amount"] = amount_text(Decimal(line["amount"]), currency)
    return orjson.dumps({"currency": currency, "categories": categories})[1:-1]
