import os
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from booking.models import Seat, Showtime
from booking.services.showtimes import create_showtime, generate_seats
from booking.tests.factories import HallFactory, MovieFactory, UserFactory


def make_showtime(*, rows: int = 3, seats_per_row: int = 4, starts_in: timedelta = timedelta(days=1), hall=None):
    """A showtime in a fresh hall (rows x seats), created the way the admin creates one."""
    hall = hall or HallFactory()
    if not hall.seats.exists():
        generate_seats(hall=hall, rows=rows, seats_per_row=seats_per_row)
    if starts_in > timedelta(0):
        return create_showtime(hall=hall, movie=MovieFactory(), starts_at=timezone.now() + starts_in)
    # A show that has started: scheduled as the admin would (in the future), then the clock "moves on".
    showtime = create_showtime(hall=hall, movie=MovieFactory(), starts_at=timezone.now() + timedelta(days=1))
    duration = showtime.ends_at - showtime.starts_at
    Showtime.objects.filter(pk=showtime.pk).update(
        starts_at=timezone.now() + starts_in, ends_at=timezone.now() + starts_in + duration
    )
    showtime.refresh_from_db()
    return showtime


def make_planned_showtime(plan: str, *, prevent_orphans: bool = False, starts_in: timedelta = timedelta(days=1)):
    """A showtime in a fresh hall whose seats a hall plan describes (services/hall_plans.py)."""
    from booking.services.hall_plans import replace_hall_plan
    from booking.services.pricing import default_category

    hall = HallFactory()
    default_category(hall=hall)
    replace_hall_plan(hall=hall, text=plan)
    showtime = create_showtime(hall=hall, movie=MovieFactory(), starts_at=timezone.now() + starts_in)
    if prevent_orphans:
        Showtime.objects.filter(pk=showtime.pk).update(prevent_orphans=True)
        showtime.refresh_from_db()
    return showtime


def seat_at(showtime, label: str) -> int:
    """The id of the seat printed `label` ("C7") in the showtime's hall."""
    row, number = label.rstrip("0123456789"), int(label.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return Seat.objects.get(hall_id=showtime.hall_id, row=row, number=number).pk


def seat_ids_of(showtime) -> list[int]:
    return list(Seat.objects.filter(hall_id=showtime.hall_id).order_by("pk").values_list("pk", flat=True))


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    """Templates (the admin's) resolve static URLs without a collected manifest; `make run` collects."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# Rate limits off for every test and every server a test starts (they inherit the environment);
# booking/tests/api/test_throttling.py turns them back on.
os.environ.setdefault("THROTTLES_ENABLED", "false")
# Likewise the sign-in lockout (fuzzers and tests sign in wrongly on purpose); test_signin_lockout.py
# turns it back on.
os.environ.setdefault("AXES_ENABLED", "false")


@pytest.fixture(autouse=True)
def _signin_lockout_off(settings):
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _throttles_off(settings):
    settings.THROTTLES_ENABLED = False


def clear_process_caches() -> None:
    """Empty the per-process caches (token lookups, encoded layouts, hall plans, the rule's showtimes, the layout
    board)."""
    from booking.api import layout_rendering
    from booking.layout_board import board
    from booking.selectors.seat_plans import clear_plan_cache
    from booking.services import holds
    from http_infra import authentication

    for cache in (
        authentication._cache,
        layout_rendering._seat_plans,
        layout_rendering._public_seats_cache,
        layout_rendering._public_bodies,
    ):
        cache.clear()
    layout_rendering._pricing_json.cache_clear()
    clear_plan_cache()
    holds._UNDER_RULE.clear()
    board.drop()


@pytest.fixture(scope="session", autouse=True)
def _layout_listener_stopped_at_the_end(django_db_setup):
    """The layout board's listener holds a connection to the test database: it must be gone before
    pytest-django drops that database."""
    from booking.layout_board import board

    yield
    board.stop()


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Each test starts with empty per-process caches."""
    clear_process_caches()


@pytest.fixture
def showtime(db):
    return make_showtime()


@pytest.fixture
def seats(showtime) -> list[int]:
    """The showtime's seat ids, in primary-key order."""
    return seat_ids_of(showtime)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def user_api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_api(other_user):
    client = APIClient()
    client.force_authenticate(other_user)
    return client


@pytest.fixture
def staff_api(db):
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True))
    return client
