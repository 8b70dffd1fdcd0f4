"""A showtime's hall plan as the seat-selection rules see it (booking/seat_selection.py), and the seat state
best available starts from.

The plan is static until the hall's plan revision moves, so each process reads it once per (showtime,
revision); what changes per request (which seats are free, the prices) is one short query.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

import orjson
from django.db import connection

from booking.exceptions import ShowtimeNotFound
from booking.seat_selection import Plan, PlanSeat
from booking.seat_state import live_hold_sql

_PLAN_SQL = """
SELECT se.id, se.row, se.number, se.column, se.segment, se.kind, se.category_id
FROM booking_showseat ss JOIN booking_seat se ON se.id = ss.seat_id
WHERE ss.showtime_id = %s
ORDER BY length(se.row), se.row, se.column
"""

# The plan's revision and focal point, each sold category's listed price (pricing.sql) and the free seats.
_STATE_SQL = f"""
SELECT h.plan_revision, h.focus_across, h.focus_depth,
       (SELECT COALESCE(json_object_agg(l.category_id, l.amount::text), '{{}}')
          FROM boxoffice_listed_prices(st.id) l)::text,
       ARRAY(SELECT ss.seat_id FROM booking_showseat ss
              WHERE ss.showtime_id = st.id AND ss.status <> 'booked' AND NOT {live_hold_sql("ss")})
FROM booking_showtime st JOIN booking_hall h ON h.id = st.hall_id WHERE st.id = %(showtime_id)s
"""


@lru_cache(maxsize=256)
def plan_at(showtime_id: int, revision: int, focus_across: Decimal, focus_depth: Decimal) -> Plan:
    """The showtime's hall plan at that revision: read once per process, then from memory."""
    with connection.cursor() as cursor:
        cursor.execute(_PLAN_SQL, [showtime_id])
        rows = cursor.fetchall()
    row_index: dict[str, int] = {}
    seats = [
        PlanSeat(seat_id, row, row_index.setdefault(row, len(row_index)), number, column, segment, kind, category)
        for seat_id, row, number, column, segment, kind, category in rows
    ]
    return Plan.of(seats, focus_across=float(focus_across), focus_depth=float(focus_depth))


def clear_plan_cache() -> None:
    plan_at.cache_clear()


@dataclass(frozen=True)
class SelectionState:
    plan: Plan
    free: frozenset[int]  # seats that can be held: available, or a hold that ran out
    prices: dict[int, Decimal]  # each sold category's listed price, by category id


def selection_state(*, showtime_id: int, now: datetime) -> SelectionState:
    """What best available chooses from, read unlocked. Raises ShowtimeNotFound."""
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL, {"showtime_id": showtime_id, "now": now})
        row = cursor.fetchone()
    if row is None:
        raise ShowtimeNotFound()
    revision, across, depth, prices, free = row
    return SelectionState(
        plan=plan_at(showtime_id, revision, across, depth),
        free=frozenset(free),
        prices={int(category): Decimal(amount) for category, amount in orjson.loads(prices).items()},
    )
