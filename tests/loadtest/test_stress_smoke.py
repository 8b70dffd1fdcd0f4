"""QA stress smoke: loadtest/stress.py --small against the real app server serving the test database.

The server is the production stack (gunicorn with config/gunicorn.conf.py, DEBUG off, started by the
fault tests' app_server helper) on a free loopback port, pointed at the test database pytest-django
created; the stress script registers its users through the API, creates its halls and showtimes with a
staff token (tests/conftest.py), and audits the database after each scenario. Its server-log check reads the
server log this test captures.
"""

import pytest

from booking.tests.faults.helpers import app_server, test_database_url
from tests.helpers import assert_stress_small_passes

pytestmark = [pytest.mark.stress, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def app_server_url(transactional_db, tmp_path):
    """(base_url, log_path) of the app server serving the test database; stopped before the test DB is
    flushed. CONN_MAX_AGE=0: no connection outlives a request, so the test database can be flushed."""
    log_path = tmp_path / "server.log"
    with app_server(
        database_url=test_database_url(), log_path=log_path, WEB_CONCURRENCY=2, WEB_THREADS=8, CONN_MAX_AGE=0
    ) as server:
        yield server.base_url, log_path


def test_stress_small_run_passes(app_server_url, staff_token):
    base_url, log_path = app_server_url
    assert_stress_small_passes(base_url=base_url, staff_token=staff_token, server_log=log_path, seconds=50)
