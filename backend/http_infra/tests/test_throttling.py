"""Rate limits: scoped and per-client fixed windows in the shared cache, 429 `throttled` + Retry-After."""

import time

import pytest
from rest_framework.test import APIClient

from booking.models import RateCounter, ShowSeat
from booking.tests.api.helpers import HOLD_URL, LOGIN_URL, SHOWS_URL, assert_error, book, hold, snapshot
from booking.tests.round_trips import round_trips
from http_infra.rates import parse_rate, parse_rates

PASSWORD = "s3cret-pass-123"  # the factories' password


@pytest.fixture
def throttled(db, settings):
    """Throttles on, counting in PostgreSQL (the store every app process shares when REDIS_URL is unset)."""
    settings.THROTTLES_ENABLED = True
    settings.REDIS_URL = ""
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES}
    # Windows are aligned to the clock: a test that counts across a minute's end would see its count
    # start again. Each test takes well under 5 s, so start none in a minute's last 5 s.
    into_minute = time.time() % 60
    if into_minute > 55:
        time.sleep(60 - into_minute + 0.05)
    return settings


def login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, format="json", **extra)


def test_fourth_login_in_a_minute_is_429_with_retry_after(throttled, user):
    throttled.THROTTLE_RATES["login"] = "3/min"
    client = APIClient()

    for _ in range(3):
        assert login(client, user.username).status_code == 200
    response = login(client, user.username)

    body = assert_error(response, 429, "throttled")
    assert set(body) == {"detail", "code"}
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60


def test_wrong_passwords_count_too(throttled, user):
    throttled.THROTTLE_RATES["login"] = "2/min"
    client = APIClient()
    assert login(client, user.username, "wrong-password-1").status_code == 401
    assert login(client, user.username, "wrong-password-2").status_code == 401
    assert_error(login(client, user.username), 429, "throttled")


def test_login_limit_is_per_client_ip(throttled, user):
    throttled.THROTTLE_RATES["login"] = "1/min"
    client = APIClient()
    assert login(client, user.username, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert login(client, user.username, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert login(client, user.username, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_x_forwarded_for_cannot_dodge_the_limit_without_proxies(throttled, user):
    throttled.THROTTLE_RATES["login"] = "1/min"
    client = APIClient()
    assert login(client, user.username, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert login(client, user.username, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


def test_hold_scope_is_per_user(throttled, user, other_user, showtime, seats):
    throttled.THROTTLE_RATES["hold"] = "2/min"
    mine, theirs = APIClient(), APIClient()
    mine.force_authenticate(user)
    theirs.force_authenticate(other_user)

    for seat in seats[:2]:
        assert mine.post(HOLD_URL, {"show_id": showtime.pk, "seat_id": seat}, format="json").status_code == 200
    assert_error(mine.post(HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[2]}, format="json"), 429, "throttled")
    assert theirs.post(HOLD_URL, {"show_id": showtime.pk, "seat_id": seats[3]}, format="json").status_code == 200
    # Other views are not in the hold scope.
    assert mine.get(SHOWS_URL).status_code == 200


def test_book_scope_is_per_user_and_refuses_with_retry_after(throttled, user, other_user, showtime, seats):
    throttled.THROTTLE_RATES["book"] = "1/min"
    mine, theirs = APIClient(), APIClient()
    mine.force_authenticate(user)
    theirs.force_authenticate(other_user)
    assert hold(mine, showtime, seats[:2]).status_code == 200
    assert hold(theirs, showtime, seats[2:3]).status_code == 200

    assert book(mine, showtime, seats[:1]).status_code == 201
    before = snapshot()
    response = book(mine, showtime, seats[1:2])
    body = assert_error(response, 429, "throttled")
    assert set(body) == {"detail", "code"}
    assert 1 <= int(response["Retry-After"]) <= 60
    assert snapshot() == before  # the refused booking changed nothing
    assert book(theirs, showtime, seats[2:3]).status_code == 201


def test_a_seat_write_and_its_count_are_one_round_trip(
    transactional_db, throttled, user, other_user, showtime, seats, django_assert_num_queries
):
    """With the counters in PostgreSQL the seat function counts the request itself: a hold, a hot seat's
    loser and a booking are one statement each, rate limit included (autocommit, as a request runs)."""
    throttled.THROTTLE_RATES.update(hold="100/min", book="100/min")
    winner, loser = APIClient(), APIClient()
    winner.force_authenticate(user)
    loser.force_authenticate(other_user)

    with django_assert_num_queries(1):
        assert hold(winner, showtime, seats[:1]).status_code == 200
    with django_assert_num_queries(1):
        assert_error(hold(loser, showtime, seats[:1]), 409, "seat_unavailable")
    with django_assert_num_queries(1):
        assert book(winner, showtime, seats[:1]).status_code == 201
    hits = {key.rsplit(":", 2)[0]: n for key, n in RateCounter.objects.values_list("key", "hits")}
    assert hits == {
        f"throttle:book:user:{user.pk}": 1,
        f"throttle:hold:user:{other_user.pk}": 1,
        f"throttle:hold:user:{user.pk}": 1,
    }


def test_best_available_is_in_the_hold_scope_and_counted_by_its_transaction(
    transactional_db, throttled, user, showtime
):
    """Best available shares the hold scope's window with manual holds, and its count travels in its own
    transaction: a request is the same two round trips as without a limit (a throttle statement would be a
    third)."""
    throttled.THROTTLE_RATES["hold"] = "3/min"
    client = APIClient()
    client.force_authenticate(user)
    body = {"show_id": showtime.pk, "quantity": 1}
    assert client.post("/api/hold-best-available/", body, format="json").status_code == 200  # reads the plan

    with round_trips() as trips:
        assert client.post("/api/hold-best-available/", body, format="json").status_code == 200
    assert trips.count == 2
    assert (
        hold(client, showtime, [ShowSeat.objects.filter(showtime=showtime, status="available")[0].seat_id]).status_code
        == 200
    )
    before = snapshot()
    response = client.post("/api/hold-best-available/", body, format="json")

    assert_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert snapshot() == before
    assert [hits for key, hits in RateCounter.objects.values_list("key", "hits")] == [4]  # one window, both views


def test_with_redis_the_seat_writes_are_counted_in_the_cache(throttled, user, showtime, seats):
    """REDIS_URL set: the throttle counts hold and book in the shared cache (a local-memory stand-in here),
    not in the seat function, and still refuses over the limit."""
    throttled.REDIS_URL = "redis://counted-in-the-throttle-cache-below"
    throttled.CACHES = {
        **throttled.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-test"},
    }
    throttled.THROTTLE_RATES["hold"] = "1/min"
    client = APIClient()
    client.force_authenticate(user)
    assert hold(client, showtime, seats[:1]).status_code == 200
    assert_error(hold(client, showtime, seats[1:2]), 429, "throttled")
    assert ShowSeat.objects.get(showtime=showtime, seat_id=seats[1]).status == ShowSeat.Status.AVAILABLE
    assert not RateCounter.objects.exists()


def test_health_is_never_throttled(throttled):
    throttled.THROTTLE_RATES["anon"] = "1/min"
    client = APIClient()
    for _ in range(3):
        assert client.get("/api/health/").status_code == 200


def test_switched_off_nothing_is_throttled(throttled, user):
    throttled.THROTTLES_ENABLED = False
    throttled.THROTTLE_RATES["login"] = "1/min"
    client = APIClient()
    for _ in range(3):
        assert login(client, user.username).status_code == 200


def test_reads_are_not_counted(throttled, user):
    """Only the scoped writes and sign-ins are rate limited here; the seat map's polls are not."""
    throttled.THROTTLE_RATES["hold"] = "1/min"
    client = APIClient()
    client.force_authenticate(user)
    for _ in range(5):
        assert client.get(SHOWS_URL).status_code == 200
    assert not RateCounter.objects.exists()


def test_counters_live_in_postgresql_one_row_per_window(throttled, user):
    """Without Redis every app process counts in the same table: one row per scope, client and window."""
    throttled.THROTTLE_RATES["login"] = "5/min"
    for _ in range(2):
        assert login(APIClient(), user.username).status_code == 200
    [counter] = RateCounter.objects.filter(key__startswith="throttle:login:ip:127.0.0.1:")
    assert counter.hits == 2


def test_the_sweeper_deletes_expired_windows(throttled, user):
    from datetime import timedelta

    from django.utils import timezone

    from booking.services.housekeeping import purge_expired_rate_counters

    throttled.THROTTLE_RATES["login"] = "5/min"
    assert login(APIClient(), user.username).status_code == 200
    RateCounter.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert purge_expired_rate_counters() == 1
    assert not RateCounter.objects.exists()


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("120/min", (120, 60)), ("10/s", (10, 1)), ("5/hour", (5, 3600)), ("1000/day", (1000, 86400)), ("3/5m", (3, 300))],
)
def test_parse_rate(rate, expected):
    assert parse_rate(rate) == expected


def test_parse_rates_rejects_nonsense():
    assert parse_rates("hold=120/min, login=10/min") == {"hold": "120/min", "login": "10/min"}
    with pytest.raises(ValueError, match="Bad throttle rate"):
        parse_rates("hold=lots")
