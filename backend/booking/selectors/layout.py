"""Hall layout reads: what a showtime's seat map depends on, its seats in display order, their states.

The layout is the hottest read (every open seat map polls it), so it is read in two layers:
  * `layout_state` - one small query: the showtime's header, its layout version (sum of the
    LayoutVersion slots every write bumps), its next hold expiry and the caller's own live holds.
    The shared part (the header) is kept on the process's layout board (booking/layout_board.py, kept
    current by its watcher), from which booking/api/layout_rendering.py answers a current conditional
    poll with no query at all.
  * the seats: `seat_plan` (the hall's seats in display order; static per showtime) and `seat_statuses`
    (every seat's public state as one character). booking/api/layout_rendering.py encodes them once per
    (showtime, version, next expiry) per process and patches the caller's own holds in.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection

from booking.exceptions import ShowtimeNotFound
from booking.layout_board import LayoutHeader, board
from booking.seat_state import live_hold_sql

# The first thirteen columns are LayoutHeader's fields, in its order; then the caller's holds and bookings.
_LAYOUT_STATE_SQL = f"""
SELECT st.starts_at, m.title, h.name, v.name, COALESCE(st.hold_ttl_seconds, %(default_ttl)s),
       (SELECT COALESCE(SUM(lv.version), 0) FROM booking_layoutversion lv WHERE lv.showtime_id = st.id),
       (SELECT MIN(ss.held_until) FROM booking_showseat ss
         WHERE ss.showtime_id = st.id AND {live_hold_sql("ss")}),
       v.currency, h.plan_revision, (SELECT pr.revision FROM boxoffice_pricing_revision pr WHERE pr.id = 1),
       st.box_office_payment, v.time_zone, st.prevent_orphans,
       ARRAY(SELECT ss.seat_id FROM booking_showseat ss
              WHERE ss.held_by_id = %(user_id)s AND ss.showtime_id = st.id
                AND {live_hold_sql("ss")} ORDER BY ss.seat_id),
       ARRAY(SELECT ss.held_until FROM booking_showseat ss
              WHERE ss.held_by_id = %(user_id)s AND ss.showtime_id = st.id
                AND {live_hold_sql("ss")} ORDER BY ss.seat_id),
       ARRAY(SELECT ss.seat_id FROM booking_booking b
              JOIN booking_bookingseat bs ON bs.booking_id = b.id AND bs.cancelled_at IS NULL
              JOIN booking_showseat ss ON ss.id = bs.show_seat_id
              WHERE b.user_id = %(user_id)s AND b.showtime_id = st.id)
FROM booking_showtime st
JOIN booking_movie m ON m.id = st.movie_id
JOIN booking_hall h ON h.id = st.hall_id
JOIN booking_venue v ON v.id = h.venue_id
WHERE st.id = %(showtime_id)s
"""

# The hall's seats in display order (rows A, B, ... Z, AA, ...; left to right) with their categories and
# places in the plan: static per showtime until the hall's plan revision moves.
_SEAT_PLAN_SQL = """
SELECT ss.seat_id, se.row, se.number, se.category_id, se.column, se.segment, se.kind
FROM booking_showseat ss JOIN booking_seat se ON se.id = ss.seat_id
WHERE ss.showtime_id = %s
ORDER BY length(se.row), se.row, se.column
"""

# Every seat's public status as one character (STATUS_BY_CODE), in seat-id order. An expired hold is a
# free seat, swept or not. One short row instead of a thousand.
_SEAT_STATUS_SQL = f"""
SELECT count(*),
       string_agg(CASE WHEN status = 'booked' THEN 'b'
                       WHEN {live_hold_sql()} THEN 'h'
                       ELSE 'a' END, '' ORDER BY seat_id)
FROM booking_showseat WHERE showtime_id = %(showtime_id)s
"""

STATUS_BY_CODE = {"a": "available", "h": "held", "b": "booked"}  # seat_statuses' alphabet


@dataclass(frozen=True)
class LayoutState:
    showtime_id: int
    user_id: int | None  # the caller (None: anonymous)
    header: LayoutHeader  # what every caller shares; its next_expiry is when the layout changes unwritten
    my_holds: dict[int, datetime]  # the caller's live holds: seat id -> held_until
    my_bookings: frozenset[int]  # the seats the caller has bought (not cancelled)


def layout_state(*, showtime_id: int, user, now: datetime) -> LayoutState:
    """What the caller's layout depends on; the header is also left on the layout board. Raises
    ShowtimeNotFound."""
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
    *shared, my_seat_ids, my_until, my_booked = row
    header = LayoutHeader(*shared)  # the query's columns are in LayoutHeader's field order
    board.remember(showtime_id, header, read_at_generation=generation)
    return LayoutState(
        showtime_id=showtime_id,
        user_id=user_id,
        header=header,
        my_holds=dict(zip(my_seat_ids, my_until, strict=True)),
        my_bookings=frozenset(my_booked),
    )


SeatPlanRow = tuple[int, str, int, int, int, int, str]  # (seat id, row, number, category id, column, segment, kind)


def seat_plan(*, showtime_id: int) -> list[SeatPlanRow]:
    """The showtime's seats as (seat id, row, number, category id, column, segment, kind), in display order."""
    with connection.cursor() as cursor:
        cursor.execute(_SEAT_PLAN_SQL, [showtime_id])
        return cursor.fetchall()


def seat_statuses(*, showtime_id: int, now: datetime) -> tuple[int, str]:
    """(number of seats, every seat's public status as one STATUS_BY_CODE character in seat-id order)."""
    with connection.cursor() as cursor:
        cursor.execute(_SEAT_STATUS_SQL, {"showtime_id": showtime_id, "now": now})
        seat_count, codes = cursor.fetchone()
    return seat_count, codes or ""


def pricing_json(*, showtime_id: int) -> str:
    """The showtime's categories and price list as JSON text (boxoffice_pricing_json, pricing.sql)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT boxoffice_pricing_json(%s)", [showtime_id])
        return cursor.fetchone()[0]
