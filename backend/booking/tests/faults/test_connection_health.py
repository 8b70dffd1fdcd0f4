"""The health check of a reused connection (config/postgresql/base.py) costs no round trip, and still
finds a connection the server has closed: the cases a database restart produces."""

import time

import psycopg
import pytest
from django.db import connections

from booking.tests.faults.helpers import test_database_url, wait_until


@pytest.fixture
def wrapper(db):
    """A connection of our own (not the test's), so the test may have the server kill it."""
    conn = connections.create_connection("default")
    conn.ensure_connection()
    yield conn
    conn.close()


@pytest.fixture
def monitor(db):
    with psycopg.connect(test_database_url(), autocommit=True) as conn:
        yield conn


def last_query(monitor, pid: int) -> str:
    return monitor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]


def test_a_healthy_idle_connection_is_usable_without_asking_the_server(wrapper, monitor):
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 'health-marker'")
        cursor.fetchone()
    pid = wrapper.connection.info.backend_pid

    assert wrapper.is_usable()
    assert last_query(monitor, pid) == "SELECT 'health-marker'"  # no SELECT 1 reached the server


def test_a_connection_the_server_closed_is_not_usable(wrapper, monitor):
    pid = wrapper.connection.info.backend_pid
    monitor.execute("SELECT pg_terminate_backend(%s)", [pid])
    wait_until(
        lambda: not monitor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone(),
        timeout=5,
        message="the backend to exit",
    )
    time.sleep(0.05)  # the FATAL message and the FIN are on their way

    assert not wrapper.is_usable()


def test_the_next_request_after_a_restart_gets_a_new_connection(wrapper, monitor):
    old_pid = wrapper.connection.info.backend_pid
    monitor.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    wait_until(lambda: not wrapper.is_usable(), timeout=5, message="the closed socket to show")

    wrapper.close_if_unusable_or_obsolete()  # what Django does when a request starts
    wrapper.health_check_done = False
    with wrapper.cursor() as cursor:  # reconnects: no error reaches the request
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old_pid
