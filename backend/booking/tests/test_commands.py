"""Management commands: seed_demo (idempotent demo data) and release_expired_holds (the sweeper)."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from itertools import pairwise
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command, load_command_class
from django.utils import timezone
from rest_framework.authtoken.models import Token

from booking.management.commands import release_expired_holds as release_expired_holds_command
from booking.models import Hall, Movie, Seat, SeatCategory, ShowSeat, Showtime, ShowtimePrice, TicketType, Venue
from booking.selectors.pricing import showtime_prices
from booking.services.holds import hold_seats
from booking.tests.factories import UserFactory
from booking.tests.invariants import assert_booking_invariants

User = get_user_model()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _run(name: str, *args) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def _counts() -> dict:
    return {
        "venues": Venue.objects.count(),
        "halls": Hall.objects.count(),
        "seats": Seat.objects.count(),
        "movies": Movie.objects.count(),
        "showtimes": Showtime.objects.count(),
        "show_seats": ShowSeat.objects.count(),
        "categories": SeatCategory.objects.count(),
        "ticket_types": TicketType.objects.count(),
        "prices": ShowtimePrice.objects.count(),
        "users": User.objects.count(),
        "tokens": Token.objects.count(),
    }


# --- seed_demo ----------------------------------------------------------------------------------------


@pytest.fixture
def seeded(db):
    output = _run("seed_demo")
    return output


def test_seed_demo_creates_a_hall_of_at_least_1000_seats(seeded):
    capacities = {hall.name: hall.seats.count() for hall in Hall.objects.all()}
    assert len(capacities) >= 2
    assert max(capacities.values()) >= 1000


def test_seed_demo_sells_standard_and_premium_seats_with_the_small_halls_own_prices(seeded):
    for hall in Hall.objects.all():
        assert {category.name for category in hall.categories.all()} == {"Standard", "Premium"}
        assert hall.seats.filter(category__name="Premium").exists()
        assert hall.seats.filter(category__name="Standard").exists()
    assert {ticket.name for ticket in TicketType.objects.all()} == {"Adult", "Child", "Student", "Senior"}
    studio, grand = Hall.objects.get(name="Studio 1"), Hall.objects.get(name="Grand Hall")
    studio_show = Showtime.objects.filter(hall=studio).first()
    assert len(showtime_prices(showtime_id=studio_show.pk)) == 8  # 2 categories x 4 ticket types
    grand_show = Showtime.objects.filter(hall=grand).first()
    assert not grand_show.prices.exists()  # the categories' defaults, as a staff-API showtime sells
    assert {price.amount for price in showtime_prices(showtime_id=grand_show.pk)} == {
        Decimal("10.00"),
        Decimal("14.00"),
    }


def test_seed_demo_schedules_upcoming_non_overlapping_showtimes_in_every_hall(seeded):
    now = timezone.now()
    for hall in Hall.objects.all():
        upcoming = Showtime.objects.filter(hall=hall, starts_at__gt=now)
        assert upcoming.exists(), hall
        for showtime in upcoming:
            # Each showtime has one available seat row per seat of its hall.
            assert showtime.show_seats.count() == hall.seats.count()
            assert showtime.show_seats.filter(status="available").count() == hall.seats.count()
            assert showtime.layout_versions.count() > 0
        showtimes = list(Showtime.objects.filter(hall=hall).order_by("starts_at"))
        for earlier, later in pairwise(showtimes):
            assert earlier.ends_at <= later.starts_at


def test_seed_demo_users_and_printed_credentials(seeded):
    demo = User.objects.get(username="demo")
    assert demo.check_password("demo12345")
    assert demo.is_active
    assert not demo.is_staff
    assert Token.objects.filter(user=demo).exists()

    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    assert admin.check_password("admin12345")
    assert "demo / demo12345" in seeded
    assert "admin" in seeded


def test_seed_demo_is_idempotent(seeded):
    first = _counts()
    demo_password = User.objects.get(username="demo").password

    output = _run("seed_demo")

    assert _counts() == first
    assert "0 new showtimes" in output
    assert User.objects.get(username="demo").password == demo_password


def test_seed_demo_keeps_existing_holds_and_bookings(seeded):
    user = UserFactory()
    showtime = Showtime.objects.filter(starts_at__gt=timezone.now()).first()
    seat_id = showtime.show_seats.order_by("seat_id").first().seat_id
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=[seat_id])

    _run("seed_demo")

    assert ShowSeat.objects.get(showtime=showtime, seat_id=seat_id).held_by_id == user.pk
    assert_booking_invariants()


def test_seed_demo_demo_user_can_log_in(seeded, client):
    response = client.post(
        "/api/auth/login/", {"username": "demo", "password": "demo12345"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["username"] == "demo"


# --- release_expired_holds ------------------------------------------------------------------------------


def _hold_and_expire(showtime, seat_ids, *, user=None):
    user = user or UserFactory()
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seat_ids)
    ShowSeat.objects.filter(showtime=showtime, seat_id__in=seat_ids).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )
    return user


def test_release_expired_holds_releases_only_expired_ones(showtime, seats):
    _hold_and_expire(showtime, seats[:2])
    live_holder = UserFactory()
    hold_seats(user=live_holder, showtime_id=showtime.pk, seat_ids=[seats[2]])

    output = _run("release_expired_holds")

    assert "released 2 expired holds" in output
    for seat_id in seats[:2]:
        row = ShowSeat.objects.get(showtime=showtime, seat_id=seat_id)
        assert row.status == ShowSeat.Status.AVAILABLE
        assert row.held_by_id is None
        assert row.held_until is None
    live = ShowSeat.objects.get(showtime=showtime, seat_id=seats[2])
    assert live.status == ShowSeat.Status.HELD
    assert live.held_by_id == live_holder.pk
    assert_booking_invariants()


def test_release_expired_holds_leaves_bookings_alone(showtime, seats):
    from booking.services.bookings import confirm_booking

    user = UserFactory()
    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    confirm_booking(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    before = list(ShowSeat.objects.order_by("pk").values())

    assert "released 0 expired holds" in _run("release_expired_holds")

    assert list(ShowSeat.objects.order_by("pk").values()) == before
    assert_booking_invariants()


def test_release_expired_holds_twice(showtime, seats):
    _hold_and_expire(showtime, [seats[0]])

    assert "released 1 expired holds" in _run("release_expired_holds")
    assert "released 0 expired holds" in _run("release_expired_holds")


def test_release_expired_holds_every_is_a_number_of_seconds():
    command = load_command_class("booking", "release_expired_holds")
    parser = command.create_parser("manage.py", "release_expired_holds")

    assert parser.parse_args(["--every", "5"]).every == 5.0
    assert parser.parse_args(["--every", "0.5"]).every == 0.5
    assert parser.parse_args([]).every is None
    with pytest.raises(CommandError, match="--every"):
        parser.parse_args(["--every", "soon"])


class _StopLoop(Exception):
    pass


def test_release_expired_holds_every_repeats_until_stopped(showtime, seats, monkeypatch):
    _hold_and_expire(showtime, [seats[0]])
    sleeps = []

    def fake_sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise _StopLoop

    # The command's own `time` only: patching time.sleep itself let other threads' sleeps (the layout board's
    # watcher) count, and the loop then never saw exactly two and ran on.
    monkeypatch.setattr(release_expired_holds_command, "time", SimpleNamespace(sleep=fake_sleep))
    out = StringIO()

    with pytest.raises(_StopLoop):
        call_command("release_expired_holds", "--every", "2.5", stdout=out)

    assert sleeps == [2.5, 2.5]
    # The first round released the hold and said so; the quiet second round printed nothing.
    assert out.getvalue().strip().splitlines() == ["released 1 expired holds"]
    assert ShowSeat.objects.get(showtime=showtime, seat_id=seats[0]).status == ShowSeat.Status.AVAILABLE
    assert_booking_invariants()


def test_seed_demo_grand_hall_has_aisles_accessible_seats_and_the_orphan_rule_only_in_the_studio(seeded):
    grand = Hall.objects.get(name="Grand Hall")
    seats = list(grand.seats.all())
    assert len(seats) >= 1000
    assert max(seat.segment for seat in seats) == 3  # two aisles
    widths = {row: sum(1 for s in seats if s.row == row) for row in ("B", "AJ")}
    assert widths["B"] < widths["AJ"]  # a wider back
    kinds = Counter(seat.kind for seat in seats)
    assert kinds["wheelchair"] == kinds["companion"] == 4
    assert grand.venue.time_zone == "Europe/Berlin"
    assert not Showtime.objects.filter(hall=grand, prevent_orphans=True).exists()
    assert not Showtime.objects.filter(hall__name="Studio 1", prevent_orphans=False).exists()
