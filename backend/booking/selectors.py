"""Every read Boxoffice serves: the schedule, a showtime's hall layout and a user's bookings.

The hall layout is the hottest read (every open seat map polls it), so it is built in two layers:
  * `layout_state` - one small query: the showtime's header, its layout version (sum of the
    LayoutVersion slots every write bumps), its next hold expiry and the caller's own live holds.
    The ETag is derived from it. The shared part is kept on the process's layout board
    (booking/layout_board.py, kept current by LISTEN/NOTIFY), so `conditional_layout` answers a
    conditional poll with no query at all while nothing changed.
  * the public seat list, encoded once per (showtime, version, next expiry) per process and reused
    by every caller until a write or an expiry changes it; the caller's own holds are patched in.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import orjson
from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch, Q

from booking.exceptions import ShowtimeNotFound
from booking.layout_board import LayoutHeader, board
from booking.models import Booking, BookingSeat, SeatEvent, ShowSeat, Showtime
from booking.seat_state import live_hold_q, live_hold_sql

Status = ShowSeat.Status


def isoformat_utc(value: datetime) -> str:
    """ISO 8601 with a Z suffix, the form DRF renders datetimes in."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def upcoming_showtimes(*, now: datetime) -> list[Showtime]:
    """Showtimes not yet started, soonest first, each annotated with live seat counts.

    An expired hold counts as available.
    """
    return list(
        Showtime.objects.filter(starts_at__gt=now)
        .select_related("movie", "hall__venue")
        .annotate(
            seats_total=Count("show_seats"),
            seats_booked=Count("show_seats", filter=Q(show_seats__status=Status.BOOKED)),
            seats_held=Count("show_seats", filter=live_hold_q(now, "show_seats__")),
        )
        .order_by("starts_at", "pk")
    )


def hall_is_busy(*, hall_id: int, starts_at: datetime, ends_at: datetime, ignore_showtime_id: int | None) -> bool:
    """Whether another showtime in the hall overlaps [starts_at, ends_at)."""
    return (
        Showtime.objects.filter(hall_id=hall_id, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk=ignore_showtime_id)
        .exists()
    )


def user_bookings(*, user) -> list[Booking]:
    """The user's bookings, newest first, with their showtime and seats."""
    return list(
        Booking.objects.filter(user=user)
        .select_related("showtime__movie", "showtime__hall__venue")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=BookingSeat.objects.select_related("show_seat__seat").order_by("show_seat__seat_id"),
            )
        )
        .order_by("-created_at", "-pk")
    )


# --- hall layout -------------------------------------------------------------------------------

# The first seven columns are LayoutHeader's fields, in its order; then the caller's holds.
_LAYOUT_STATE_SQL = f"""
SELECT st.starts_at, m.title, h.name, v.name, COALESCE(st.hold_ttl_seconds, %(default_ttl)s),
       (SELECT COALESCE(SUM(lv.version), 0) FROM booking_layoutversion lv WHERE lv.showtime_id = st.id),
       (SELECT MIN(ss.held_until) FROM booking_showseat ss
         WHERE ss.showtime_id = st.id AND {live_hold_sql("ss")}),
       ARRAY(SELECT ss.seat_id FROM booking_showseat ss
              WHERE ss.held_by_id = %(user_id)s AND ss.showtime_id = st.id
                AND {live_hold_sql("ss")} ORDER BY ss.seat_id),
       ARRAY(SELECT ss.held_until FROM booking_showseat ss
              WHERE ss.held_by_id = %(user_id)s AND ss.showtime_id = st.id
                AND {live_hold_sql("ss")} ORDER BY ss.seat_id)
FROM booking_showtime st
JOIN booking_movie m ON m.id = st.movie_id
JOIN booking_hall h ON h.id = st.hall_id
JOIN booking_venue v ON v.id = h.venue_id
WHERE st.id = %(showtime_id)s
"""

# The hall's seats in display order (rows A, B, ... Z, AA, ...; numbers ascending): static per showtime.
_SEAT_PLAN_SQL = """
SELECT ss.seat_id, se.row, se.number
FROM booking_showseat ss JOIN booking_seat se ON se.id = ss.seat_id
WHERE ss.showtime_id = %s
ORDER BY length(se.row), se.row, se.number
"""

# Every seat's public status as one character, in seat-id order: 'a'vailable, 'h'eld, 'b'ooked. An
# expired hold is a free seat, swept or not. One short row instead of a thousand.
_SEAT_STATUS_SQL = f"""
SELECT count(*),
       string_agg(CASE WHEN status = 'booked' THEN 'b'
                       WHEN {live_hold_sql()} THEN 'h'
                       ELSE 'a' END, '' ORDER BY seat_id)
FROM booking_showseat WHERE showtime_id = %(showtime_id)s
"""


@dataclass(frozen=True)
class LayoutState:
    showtime_id: int
    header: LayoutHeader  # what every caller shares; its next_expiry is when the layout changes unwritten
    my_holds: dict[int, datetime]  # the caller's live holds: seat id -> held_until
    etag: str


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
                settings.MAX_SEATS_PER_HOLD,
            ),
        )
    )
    return '"' + hashlib.blake2b(fingerprint.encode(), digest_size=12).hexdigest() + '"'


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
    if state.etag in if_none_match:
        return LayoutAnswer(etag=state.etag, body=None)
    return LayoutAnswer(etag=state.etag, body=hall_layout_json(state=state, now=now))


def layout_state(*, showtime_id: int, user, now: datetime) -> LayoutState:
    """What the caller's layout depends on, and its ETag. Raises ShowtimeNotFound."""
    user_id = user.pk if user.is_authenticated else None
    generation = board.generation()
    with connection.cursor() as cursor:
        cursor.execute(
            _LAYOUT_STATE_SQL,
            {"showtime_id": showtime_id, "user_id": user_id, "now": now, "default_ttl": settings.HOLD_TTL_SECONDS},
        )
        row = cursor.fetchone()
    if row is None:
        raise ShowtimeNotFound()
    *shared, my_seat_ids, my_until = row
    header = LayoutHeader(*shared)  # the query's columns are in LayoutHeader's field order
    board.remember(showtime_id, header, read_at_generation=generation)
    return LayoutState(
        showtime_id=showtime_id,
        header=header,
        my_holds=dict(zip(my_seat_ids, my_until, strict=True)),
        etag=_etag(showtime_id, header, user_id),
    )


_STATUS_BY_CODE = {"a": "available", "h": "held", "b": "booked"}


@dataclass(frozen=True)
class _SeatPlan:
    """A showtime's seats, pre-encoded in every public state. Changes only when the hall gains seats."""

    seats: list[tuple[int, str, int]]  # (id, row, number) in display order
    position: dict[int, int]  # seat id -> display index
    display_index_by_id_order: list[int]  # k-th seat by id -> its display index
    encoded: dict[str, list[bytes]]  # status code -> every seat's JSON in that state, display order


@dataclass(frozen=True)
class _PublicSeats:
    key: tuple  # (version, next_expiry) it was built for
    plan: _SeatPlan
    encoded: list[bytes]  # each seat as the JSON an anonymous caller sees, display order
    counts: dict[str, int]


_MAX_CACHED_SHOWTIMES = 256
_seat_plans: OrderedDict[int, _SeatPlan] = OrderedDict()
_public_seats_cache: OrderedDict[int, _PublicSeats] = OrderedDict()
_cache_lock = threading.Lock()


def _remember(cache: OrderedDict, key: int, value) -> None:
    with _cache_lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > _MAX_CACHED_SHOWTIMES:
            cache.popitem(last=False)


def _encode_seat(seat_id: int, row: str, number: int, status: str, held_until: str | None = None) -> bytes:
    return orjson.dumps(
        {
            "id": seat_id,
            "row": row,
            "number": number,
            "status": status,
            "held_by_me": held_until is not None,
            "held_until": held_until,
        }
    )


def _seat_plan(showtime_id: int) -> _SeatPlan:
    with connection.cursor() as cursor:
        cursor.execute(_SEAT_PLAN_SQL, [showtime_id])
        seats = cursor.fetchall()
    position = {seat_id: index for index, (seat_id, _, _) in enumerate(seats)}
    plan = _SeatPlan(
        seats=seats,
        position=position,
        display_index_by_id_order=[position[seat_id] for seat_id in sorted(position)],
        encoded={
            code: [_encode_seat(seat_id, row, number, status) for seat_id, row, number in seats]
            for code, status in _STATUS_BY_CODE.items()
        },
    )
    _remember(_seat_plans, showtime_id, plan)
    return plan


def _public_seats(state: LayoutState, now: datetime) -> _PublicSeats:
    # Built from data read after `state`, so the cached seats are never older than the version
    # they are filed under: at worst an ETag lags its body, which costs a client one extra fetch.
    key = (state.header.version, state.header.next_expiry)
    cached = _public_seats_cache.get(state.showtime_id)
    if cached is not None and cached.key == key:
        return cached

    with connection.cursor() as cursor:
        cursor.execute(_SEAT_STATUS_SQL, {"showtime_id": state.showtime_id, "now": now})
        seat_count, codes = cursor.fetchone()
    plan = _seat_plans.get(state.showtime_id)
    if plan is None or len(plan.seats) != seat_count:  # first use, or the hall gained seats
        plan = _seat_plan(state.showtime_id)
    encoded = [b""] * seat_count
    for display_index, code in zip(plan.display_index_by_id_order, codes or "", strict=True):
        encoded[display_index] = plan.encoded[code][display_index]
    counts = {status: (codes or "").count(code) for code, status in _STATUS_BY_CODE.items()}
    built = _PublicSeats(key=key, plan=plan, encoded=encoded, counts=counts)
    _remember(_public_seats_cache, state.showtime_id, built)
    return built


def hall_layout_json(*, state: LayoutState, now: datetime) -> bytes:
    """The layout body for the caller `state` was read for, as JSON bytes."""
    public = _public_seats(state, now)
    encoded = public.encoded
    if state.my_holds:
        encoded = list(encoded)
        for seat_id, held_until in state.my_holds.items():
            index = public.plan.position.get(seat_id)
            if index is not None:
                _, row, number = public.plan.seats[index]
                encoded[index] = _encode_seat(seat_id, row, number, "held", isoformat_utc(held_until))
    header = orjson.dumps(
        {
            "show_id": state.showtime_id,
            "hall_name": state.header.hall_name,
            "venue_name": state.header.venue_name,
            "movie_title": state.header.movie_title,
            "starts_at": isoformat_utc(state.header.starts_at),
            "hold_ttl_seconds": state.header.hold_ttl_seconds,
            "max_seats_per_hold": settings.MAX_SEATS_PER_HOLD,
            "counts": public.counts,
        }
    )
    return b"".join((header[:-1], b',"seats":[', b",".join(encoded), b"]}"))


# --- audit (staff) -------------------------------------------------------------------------------

_AUDIT_CHECKS = {
    "seat sold more than once": """
        SELECT ss.showtime_id, ss.seat_id FROM booking_bookingseat bs
        JOIN booking_showseat ss ON ss.id = bs.show_seat_id
        GROUP BY 1, 2 HAVING count(*) > 1""",
    "booked seat without a booking line": """
        SELECT ss.showtime_id, ss.seat_id FROM booking_showseat ss
        WHERE ss.status = 'booked'
          AND NOT EXISTS (SELECT 1 FROM booking_bookingseat bs WHERE bs.show_seat_id = ss.id)""",
    "booking line on a seat not booked for its showtime": """
        SELECT ss.showtime_id, ss.seat_id FROM booking_bookingseat bs
        JOIN booking_showseat ss ON ss.id = bs.show_seat_id
        JOIN booking_booking b ON b.id = bs.booking_id
        WHERE ss.status <> 'booked' OR ss.showtime_id <> b.showtime_id""",
    "held seat without holder or expiry": """
        SELECT showtime_id, seat_id FROM booking_showseat
        WHERE status = 'held' AND (held_by_id IS NULL OR held_until IS NULL)""",
    "hold outliving its TTL": """
        SELECT ss.showtime_id, ss.seat_id FROM booking_showseat ss
        JOIN booking_showtime st ON st.id = ss.showtime_id
        WHERE ss.status = 'held'
          AND ss.held_until > %(now)s + make_interval(secs => COALESCE(st.hold_ttl_seconds, %(ttl)s) + 1)""",
    "showtime whose seat rows do not match its hall": """
        SELECT st.id, NULL FROM booking_showtime st
        WHERE (SELECT count(*) FROM booking_showseat ss WHERE ss.showtime_id = st.id)
           <> (SELECT count(*) FROM booking_seat se WHERE se.hall_id = st.hall_id)""",
}


def audit_invariants(*, now: datetime, showtime_ids: list[int]) -> dict:
    """Check the booking invariants over the whole database; detail the given showtimes.

    Returns {"violations": [...], "showtimes": [...], "booked_seats": {...}, "held_seats": {...}}.
    """
    violations = []
    params = {"now": now, "ttl": settings.HOLD_TTL_SECONDS}
    with connection.cursor() as cursor:
        for problem, sql in _AUDIT_CHECKS.items():
            cursor.execute(sql, params)
            violations += [f"{problem}: showtime {show} seat {seat}" for show, seat in cursor.fetchall()]

        cursor.execute(
            f"""
            SELECT st.id, COALESCE(st.hold_ttl_seconds, %(ttl)s), count(ss.id),
                   count(*) FILTER (WHERE ss.status = 'booked'),
                   count(*) FILTER (WHERE {live_hold_sql("ss")}),
                   count(*) FILTER (WHERE ss.status = 'held' AND NOT {live_hold_sql("ss")}),
                   count(*) FILTER (WHERE ss.status = 'available')
            FROM booking_showtime st JOIN booking_showseat ss ON ss.showtime_id = st.id
            WHERE st.id = ANY(%(ids)s) GROUP BY st.id ORDER BY st.id
            """,
            {**params, "ids": showtime_ids},
        )
        showtimes = [
            {
                "id": show,
                "hold_ttl_seconds": ttl,
                "capacity": capacity,
                "booked": booked,
                "held": held,
                "expired_holds": expired,
                "available": available + expired,
            }
            for show, ttl, capacity, booked, held, expired, available in cursor.fetchall()
        ]
        violations += [
            f"sold + held + free != capacity: showtime {s['id']}"
            for s in showtimes
            if s["booked"] + s["held"] + s["available"] != s["capacity"]
        ]

        booked_seats: dict[str, dict] = {str(show): {} for show in showtime_ids}
        cursor.execute(
            """
            SELECT ss.showtime_id, ss.seat_id, b.reference, u.username
            FROM booking_bookingseat bs
            JOIN booking_showseat ss ON ss.id = bs.show_seat_id
            JOIN booking_booking b ON b.id = bs.booking_id
            JOIN auth_user u ON u.id = b.user_id
            WHERE ss.showtime_id = ANY(%(ids)s)
            """,
            {"ids": showtime_ids},
        )
        for show, seat, reference, username in cursor.fetchall():
            booked_seats[str(show)][str(seat)] = {"reference": reference, "username": username}

        held_seats: dict[str, dict] = {str(show): {} for show in showtime_ids}
        cursor.execute(
            f"""
            SELECT ss.showtime_id, ss.seat_id, u.username, ss.held_until
            FROM booking_showseat ss JOIN auth_user u ON u.id = ss.held_by_id
            WHERE ss.showtime_id = ANY(%(ids)s) AND {live_hold_sql("ss")}
            """,
            {**params, "ids": showtime_ids},
        )
        for show, seat, username, held_until in cursor.fetchall():
            held_seats[str(show)][str(seat)] = {"username": username, "held_until": isoformat_utc(held_until)}

    return {"violations": violations, "showtimes": showtimes, "booked_seats": booked_seats, "held_seats": held_seats}


def seat_holder_at(*, showtime_id: int, seat_id: int, at: datetime) -> SeatEvent | None:
    """The `held` or `booked` event that gave the seat to someone at that moment, if anyone had it."""
    last = (
        SeatEvent.objects.filter(showtime_id=showtime_id, seat_id=seat_id, at__lte=at)
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )
    if last is None or last.event in {SeatEvent.Kind.RELEASED, SeatEvent.Kind.EXPIRED}:
        return None
    if last.event == SeatEvent.Kind.HELD and last.held_until <= at:
        return None  # the hold had run out, swept or not
    return last
