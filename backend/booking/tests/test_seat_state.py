"""The seat-state rule is written once in SQL and once for the ORM: they must agree on every state."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.models import ShowSeat
from booking.seat_state import expired_hold_q, live_hold_q, live_hold_sql
from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# (status, seconds from now to held_until or None): every state a row can be in, at the second's edges.
states = st.one_of(
    st.just(("available", None)),
    st.tuples(st.just("held"), st.integers(min_value=-600, max_value=600)),
    st.just(("booked", None)),
)


@settings(max_examples=30, deadline=None)
@given(rows=st.lists(states, min_size=1, max_size=6))
def test_sql_and_orm_agree_on_which_holds_are_live(rows):
    show = make_showtime(rows=1, seats_per_row=len(rows))
    user = UserFactory()
    now = timezone.now()
    for seat_id, (status, offset) in zip(seat_ids_of(show), rows, strict=True):
        ShowSeat.objects.filter(showtime=show, seat_id=seat_id).update(
            status=status,
            held_by=user if status == "held" else None,
            held_until=now + timedelta(seconds=offset) if status == "held" else None,
            booked_at=now if status == "booked" else None,
        )
    seats = ShowSeat.objects.filter(showtime=show)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seat_id FROM booking_showseat WHERE showtime_id = %(show)s AND {live_hold_sql()}",
            {"show": show.pk, "now": now},
        )
        live_sql = {seat_id for (seat_id,) in cursor.fetchall()}

    live_orm = set(seats.filter(live_hold_q(now)).values_list("seat_id", flat=True))
    expired_orm = set(seats.filter(expired_hold_q(now)).values_list("seat_id", flat=True))
    expected = {
        seat_id
        for seat_id, (status, offset) in zip(seat_ids_of(show), rows, strict=True)
        if status == "held" and offset > 0
    }
    assert live_sql == live_orm == expected
    assert expired_orm == set(seats.filter(status="held").values_list("seat_id", flat=True)) - expected
