"""Database-wide invariants every test that writes seats checks afterwards."""

from django.db import connection

from booking.selectors.audit import money_violations


def assert_booking_invariants() -> None:
    """No seat sold twice; booked seats and booking lines match one to one; holds are well formed; the
    money adds up (selectors.audit.money_violations)."""
    assert money_violations() == []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ss.showtime_id, ss.seat_id, count(*) FROM booking_bookingseat bs
            JOIN booking_showseat ss ON ss.id = bs.show_seat_id
            WHERE bs.cancelled_at IS NULL
            GROUP BY 1, 2 HAVING count(*) > 1
            """
        )
        assert cursor.fetchall() == [], "a seat was sold twice"
        cursor.execute(
            """
            SELECT ss.id FROM booking_showseat ss
            LEFT JOIN booking_bookingseat bs ON bs.show_seat_id = ss.id AND bs.cancelled_at IS NULL
            WHERE ss.status = 'booked' AND bs.id IS NULL
            """
        )
        assert cursor.fetchall() == [], "a booked seat has no booking line"
        cursor.execute(
            """
            SELECT bs.id FROM booking_bookingseat bs
            JOIN booking_showseat ss ON ss.id = bs.show_seat_id
            JOIN booking_booking b ON b.id = bs.booking_id
            WHERE bs.cancelled_at IS NULL AND (ss.status <> 'booked' OR ss.showtime_id <> b.showtime_id)
            """
        )
        assert cursor.fetchall() == [], "a booking line points at a seat that is not booked for its showtime"
        cursor.execute(
            "SELECT id FROM booking_showseat WHERE status = 'held' AND (held_by_id IS NULL OR held_until IS NULL)"
        )
        assert cursor.fetchall() == [], "a held seat lacks its holder or expiry"
        cursor.execute(
            "SELECT b.id FROM booking_booking b"
            " WHERE NOT EXISTS (SELECT 1 FROM booking_bookingseat bs WHERE bs.booking_id = b.id)"
        )
        assert cursor.fetchall() == [], "a booking without seats"
        cursor.execute(
            """
            SELECT ss.id FROM booking_showseat ss
            WHERE ss.status = 'booked' AND NOT EXISTS (
                SELECT 1 FROM booking_seatevent e
                WHERE e.showtime_id = ss.showtime_id AND e.seat_id = ss.seat_id AND e.event = 'booked')
            """
        )
        assert cursor.fetchall() == [], "a booked seat missing from the seat history"
