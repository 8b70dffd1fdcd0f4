"""The staff audit: the booking invariants checked over the whole database, with per-showtime detail.

What QA's stress runs (loadtest/stress.py, via GET /api/staff/audit/) compare their own ledger against.
"""

from datetime import datetime

from django.conf import settings
from django.db import connection

from booking.seat_selection import single_seats
from booking.seat_state import live_hold_sql
from booking.selectors.seat_plans import selection_state

_AUDIT_CHECKS = {
    "seat sold more than once": """
        SELECT ss.showtime_id, ss.seat_id FROM booking_bookingseat bs
        JOIN booking_showseat ss ON ss.id = bs.show_seat_id
        WHERE bs.cancelled_at IS NULL
        GROUP BY 1, 2 HAVING count(*) > 1""",
    "booked seat without a booking line": """
        SELECT ss.showtime_id, ss.seat_id FROM booking_showseat ss
        WHERE ss.status = 'booked'
          AND NOT EXISTS (SELECT 1 FROM booking_bookingseat bs
                          WHERE bs.show_seat_id = ss.id AND bs.cancelled_at IS NULL)""",
    "booking line on a seat not booked for its showtime": """
        SELECT ss.showtime_id, ss.seat_id FROM booking_bookingseat bs
        JOIN booking_showseat ss ON ss.id = bs.show_seat_id
        JOIN booking_booking b ON b.id = bs.booking_id
        WHERE bs.cancelled_at IS NULL AND (ss.status <> 'booked' OR ss.showtime_id <> b.showtime_id)""",
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


# The money invariants (DESIGN.md, *Orders and payment*): each answers (showtime, seat) or (order, NULL) pairs.
_MONEY_CHECKS = {
    "booked seat without exactly one line of a paid or box-office order": """
        SELECT ss.showtime_id, ss.seat_id FROM booking_showseat ss
        JOIN booking_bookingseat bs ON bs.show_seat_id = ss.id AND bs.cancelled_at IS NULL
        WHERE (SELECT count(*) FROM booking_order o JOIN booking_orderline l ON l.order_id = o.id
               WHERE o.booking_id = bs.booking_id AND o.status IN ('paid', 'box_office')
                 AND l.seat_id = ss.seat_id AND l.cancelled_at IS NULL) <> 1""",
    "cancelled order line whose seat is still booked by that order": """
        SELECT o.showtime_id, l.seat_id FROM booking_orderline l
        JOIN booking_order o ON o.id = l.order_id
        JOIN booking_bookingseat bs ON bs.booking_id = o.booking_id AND bs.cancelled_at IS NULL
        JOIN booking_showseat ss ON ss.id = bs.show_seat_id AND ss.seat_id = l.seat_id
        WHERE l.cancelled_at IS NOT NULL""",
    "order whose total is not the sum of its lines": """
        SELECT o.id, NULL FROM booking_order o
        WHERE o.total <> COALESCE((SELECT sum(l.amount) FROM booking_orderline l WHERE l.order_id = o.id), 0)""",
    "order refunded beyond what was paid, or whose refunds do not add up": """
        SELECT o.id, NULL FROM booking_order o
        WHERE o.amount_refunded > o.amount_paid
           OR o.amount_refunded <> COALESCE((SELECT sum(r.amount) FROM booking_refund r WHERE r.order_id = o.id), 0)""",
    "refunded order still holding a booking": """
        SELECT o.id, NULL FROM booking_order o WHERE o.status = 'refunded' AND o.booking_id IS NOT NULL""",
    "paid order not paid in full": """
        SELECT o.id, NULL FROM booking_order o WHERE o.status = 'paid' AND o.amount_paid <> o.total""",
}


def money_violations() -> list[str]:
    """Every broken money invariant, over the whole database (also part of audit_invariants)."""
    violations = []
    with connection.cursor() as cursor:
        for problem, sql in _MONEY_CHECKS.items():
            cursor.execute(sql)
            violations += [f"{problem}: {first} {second or ''}".rstrip() for first, second in cursor.fetchall()]
    return violations


def audit_invariants(*, now: datetime, showtime_ids: list[int]) -> dict:
    """Check the booking invariants over the whole database; detail the given showtimes.

    Returns {"violations": [...], "showtimes": [...], "booked_seats": {...}, "held_seats": {...}}, ready for
    the staff API to render as it is (JSON-friendly: string keys; `held_until` is a datetime, which the API's
    renderer writes as every other datetime it serves).
    """
    violations = []
    params = {"now": now, "ttl": settings.HOLD_TTL_SECONDS}
    with connection.cursor() as cursor:
        for problem, sql in _AUDIT_CHECKS.items():
            cursor.execute(sql, params)
            violations += [f"{problem}: showtime {show} seat {seat}" for show, seat in cursor.fetchall()]
    violations += money_violations()
    with connection.cursor() as cursor:
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
        for show in showtimes:  # the no-single-seat rule's outcome (booking/seat_selection.py)
            state = selection_state(showtime_id=show["id"], now=now)
            show["single_seats"] = len(single_seats(state.plan, state.free))
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
            WHERE ss.showtime_id = ANY(%(ids)s) AND bs.cancelled_at IS NULL
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
            held_seats[str(show)][str(seat)] = {"username": username, "held_until": held_until}

    return {"violations": violations, "showtimes": showtimes, "booked_seats": booked_seats, "held_seats": held_seats}
