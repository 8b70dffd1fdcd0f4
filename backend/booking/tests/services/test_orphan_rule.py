"""The no-single-seat rule on manual holds (services/holds.py, seat_writes.sql's boxoffice_lock_segments) and the
companion-seat rule (boxoffice_hold_seats)."""

from datetime import timedelta

import pytest

from booking.exceptions import CompanionSeat, OrphanSeat, SeatUnavailable
from booking.models import SeatEvent, ShowSeat
from booking.services.holds import hold_seats
from booking.tests.conftest import make_planned_showtime, seat_at

pytestmark = pytest.mark.django_db


def _hold(user, showtime, *labels):
    return hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seat_at(showtime, label) for label in labels])


def _held(showtime) -> set[int]:
    return set(ShowSeat.objects.filter(showtime=showtime).exclude(status="available").values_list("seat_id", flat=True))


def test_a_hold_that_strands_a_seat_is_refused_naming_it_with_an_alternative(user):
    showtime = make_planned_showtime("A: SSSSSS", prevent_orphans=True)
    events = SeatEvent.objects.count()

    with pytest.raises(OrphanSeat) as refusal:
        _hold(user, showtime, "A2", "A3")

    assert refusal.value.seat_ids == [seat_at(showtime, "A1")]
    assert "A1" in refusal.value.detail
    assert refusal.value.extra == {"suggestion": [seat_at(showtime, "A1"), seat_at(showtime, "A2")]}
    assert _held(showtime) == set()  # nothing changed
    assert SeatEvent.objects.count() == events
    _hold(user, showtime, *["A1", "A2"])  # the suggestion is fine


def test_the_rule_is_off_by_default(user):
    showtime = make_planned_showtime("A: SSSSSS")
    _hold(user, showtime, "A2", "A3")
    assert _held(showtime) == {seat_at(showtime, "A2"), seat_at(showtime, "A3")}


def test_an_aisle_is_a_wall(user):
    showtime = make_planned_showtime("A: SSS_SSSS", prevent_orphans=True)
    with pytest.raises(OrphanSeat) as refusal:
        _hold(user, showtime, "A5", "A6")  # A4 would sit alone between the aisle and A5
    assert refusal.value.seat_ids == [seat_at(showtime, "A4")]
    assert refusal.value.extra["suggestion"] == [seat_at(showtime, "A4"), seat_at(showtime, "A5")]

    _hold(user, showtime, "A3")  # the end of the first segment: A1, A2 stay a pair; A4 is across the aisle
    _hold(user, showtime, "A4", "A5")


def test_the_last_seats_are_always_sellable(user, other_user):
    showtime = make_planned_showtime("A: SSSSS", prevent_orphans=True)
    _hold(other_user, showtime, "A1", "A2")
    _hold(user, showtime, "A3", "A4")  # leaves A5 single, but any two of A3-A5 would leave one
    assert _held(showtime) == {seat_at(showtime, label) for label in ("A1", "A2", "A3", "A4")}


def test_a_visibly_taken_seat_is_refused_before_the_rule(user, other_user):
    showtime = make_planned_showtime("A: SSSS", prevent_orphans=True)
    _hold(other_user, showtime, "A1", "A2")
    with pytest.raises(SeatUnavailable):
        _hold(user, showtime, "A2", "A3")


def test_a_companion_seat_goes_with_its_wheelchair_space(user):
    showtime = make_planned_showtime("A: @+_SSSS")
    with pytest.raises(CompanionSeat) as refusal:
        _hold(user, showtime, "A2")
    assert refusal.value.seat_ids == [seat_at(showtime, "A2")]

    _hold(user, showtime, "A1", "A2")  # together: fine
    assert _held(showtime) == {seat_at(showtime, "A1"), seat_at(showtime, "A2")}


def test_a_companion_seat_joins_a_wheelchair_space_already_held(user, other_user):
    showtime = make_planned_showtime("A: @+_SSSS")
    _hold(user, showtime, "A1")
    _hold(user, showtime, "A2")
    with pytest.raises(SeatUnavailable):
        _hold(other_user, showtime, "A2")


def test_anyone_may_have_a_companion_seat_shortly_before_the_show(user, settings):
    settings.COMPANION_RELEASE_MINUTES = 60
    showtime = make_planned_showtime("A: @+_SSSS", starts_in=timedelta(minutes=50))
    _hold(user, showtime, "A2")
    assert _held(showtime) == {seat_at(showtime, "A2")}
