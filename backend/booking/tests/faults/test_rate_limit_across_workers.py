"""Rate limits hold across processes: 40 rapid sign-ins, and 10 rapid holds, spread over 4 app server workers."""

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from booking.models import RateCounter, ShowSeat
from booking.tests.factories import UserFactory
from booking.tests.faults.helpers import app_server

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN_RATE = 10  # per minute per client IP


def four_workers_rate_limited(db_url, tmp_path, rates: str):
    """The app server with 4 workers, rate limits on at `rates`, counting in the PostgreSQL table every
    worker shares."""
    return app_server(
        database_url=db_url,
        log_path=tmp_path / "server.log",
        WEB_CONCURRENCY=4,
        WEB_THREADS=4,
        THROTTLES_ENABLED="true",
        REDIS_URL="",
        THROTTLE_RATES=rates,
    )


def test_forty_rapid_logins_across_four_workers_let_through_no_more_than_the_rate(db_url, tmp_path):
    user = UserFactory()
    with four_workers_rate_limited(db_url, tmp_path, f"login={LOGIN_RATE}/min") as server:

        def login(_):
            # A fresh connection per attempt, so the attempts spread over the workers.
            with httpx.Client(base_url=server.base_url, timeout=30) as client:
                response = client.post(
                    "/api/auth/login/", json={"username": user.username, "password": "s3cret-pass-123"}
                )
                return response.status_code, response.headers.get("Retry-After")

        # Fire inside one fixed window: wait out the last seconds of a minute first.
        if time.time() % 60 > 55:
            time.sleep(60 - time.time() % 60 + 0.1)
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(login, range(40)))

    statuses = [status for status, _ in results]
    assert statuses.count(200) == LOGIN_RATE, statuses
    assert statuses.count(200) + statuses.count(429) == 40, statuses
    assert all(retry and int(retry) >= 1 for status, retry in results if status == 429)


HOLD_RATE = 4  # per minute per user


def test_rapid_holds_across_four_workers_are_counted_by_the_seat_function_once_each(
    db_url, tmp_path, showtime, seats, make_user
):
    """Hold is counted by its seat function (the statement that holds): one user's 10 rapid holds of
    distinct seats over 4 workers hold exactly the rate's worth of seats; the rest are 429s that hold
    nothing."""
    _, headers = make_user()
    with four_workers_rate_limited(db_url, tmp_path, f"hold={HOLD_RATE}/min") as server:

        def hold(seat_id):
            with httpx.Client(base_url=server.base_url, timeout=30, headers=headers) as client:
                response = client.post("/api/hold-seat/", json={"show_id": showtime.pk, "seat_ids": [seat_id]})
                return response.status_code, response.headers.get("Retry-After")

        if time.time() % 60 > 55:
            time.sleep(60 - time.time() % 60 + 0.1)
        with ThreadPoolExecutor(max_workers=10) as pool:
            results = list(pool.map(hold, seats[:10]))

    statuses = [status for status, _ in results]
    assert sorted(statuses) == [200] * HOLD_RATE + [429] * (10 - HOLD_RATE), statuses
    assert all(retry and int(retry) >= 1 for status, retry in results if status == 429)
    assert ShowSeat.objects.filter(showtime=showtime, status=ShowSeat.Status.HELD).count() == HOLD_RATE
    [counter] = RateCounter.objects.filter(key__startswith="throttle:hold:")
    assert counter.hits == 10
