"""Fixtures for the fault-injection tests: the app server (one worker, so its pid is known) on the pytest test
database with long lock waits, a row-lock blocker, a monitoring connection, users with API tokens.

Every process and connection started here is stopped by its fixture's finalizer, before pytest-django
flushes the test database (the fixtures depend on transactional_db).
"""

import psycopg
import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from booking.tests.conftest import make_showtime, seat_ids_of
from booking.tests.factories import UserFactory
from booking.tests.faults.helpers import RowBlocker, app_server, test_database_url


@pytest.fixture
def db_url(transactional_db) -> str:
    return test_database_url()


@pytest.fixture
def db_name(transactional_db) -> str:
    return connection.settings_dict["NAME"]


@pytest.fixture
def server(db_url, tmp_path):
    """One worker (WEB_CONCURRENCY=1) with 4 threads; lock waits bounded at 20 s so a blocked request
    stays blocked for as long as a test needs; persistent connections as in production."""
    with app_server(
        database_url=db_url,
        log_path=tmp_path / "server.log",
        WEB_CONCURRENCY=1,
        WEB_THREADS=4,
        LOCK_TIMEOUT_MS=20000,
        CONN_MAX_AGE=600,
    ) as srv:
        yield srv


@pytest.fixture
def monitor(db_url):
    """An autocommit connection for looking at pg_stat_activity / pg_locks and the tables."""
    conn = psycopg.connect(db_url, autocommit=True, application_name="faults-monitor")
    yield conn
    conn.close()


@pytest.fixture
def blocker(db_url):
    blocker = RowBlocker(db_url)
    yield blocker
    blocker.close()


@pytest.fixture
def showtime(transactional_db):
    return make_showtime(rows=2, seats_per_row=5)


@pytest.fixture
def seats(showtime) -> list[int]:
    return seat_ids_of(showtime)


@pytest.fixture
def make_user(transactional_db):
    def make():
        user = UserFactory()
        return user, {"Authorization": f"Token {Token.objects.create(user=user).key}"}

    return make
