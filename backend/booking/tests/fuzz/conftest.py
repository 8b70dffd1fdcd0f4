"""Fixtures for fuzzing the API in-process: the real WSGI app, its OpenAPI schema, a signed-in user."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import UserFactory


def openapi_schema() -> dict:
    """The schema /api/schema/ serves, generated in-process."""
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def wsgi_app(db):
    """Django's WSGI application, sharing the test's database connection and transaction.

    A real WSGI request closes "old" database connections when it starts and ends; inside the test's
    transaction that would close the test's own connection. Django's test client disconnects the
    same receiver for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@dataclass
class FuzzWorld:
    """What the fuzzer's requests are aimed at: real showtimes, seats and halls, a user and a staff member."""

    user_headers: dict
    staff_headers: dict
    show_ids: list[int]
    seat_ids: list[int]
    seats_by_show: dict[int, list[int]]
    hall_ids: list[int]
    movie_ids: list[int]
    venue_ids: list[int]


# Fixed API tokens (the test database rolls back), so Schemathesis' own auth config can send them and
# probe each operation without them and with a wrong one.
USER_TOKEN = "f" * 40
STAFF_TOKEN = "5" * 40


def _token_headers(user, key: str) -> dict:
    return {"Authorization": f"Token {Token.objects.create(user=user, key=key).key}"}


@pytest.fixture
def fuzz_world(db) -> FuzzWorld:
    """A moviegoer and a staff member with tokens; an upcoming showtime (3 x 4 seats), one already started."""
    upcoming = make_showtime(rows=3, seats_per_row=4)
    started = make_showtime(rows=1, seats_per_row=2, starts_in=-timedelta(minutes=5))
    return FuzzWorld(
        user_headers=_token_headers(UserFactory(), USER_TOKEN),
        staff_headers=_token_headers(UserFactory(is_staff=True), STAFF_TOKEN),
        show_ids=[upcoming.pk, started.pk],
        seat_ids=seat_ids_of(upcoming) + seat_ids_of(started),
        seats_by_show={upcoming.pk: seat_ids_of(upcoming), started.pk: seat_ids_of(started)},
        hall_ids=[upcoming.hall_id, started.hall_id],
        movie_ids=[upcoming.movie_id, started.movie_id],
        venue_ids=[upcoming.hall.venue_id, started.hall.venue_id],
    )
