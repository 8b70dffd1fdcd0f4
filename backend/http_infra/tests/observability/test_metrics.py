"""GET /metrics: per-request counters moved by real API calls, scrape-time database gauges, access rules."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from booking.models import ShowSeat
from http_infra.tests.observability.helpers import scrape, value

pytestmark = pytest.mark.django_db


@pytest.fixture
def local():
    return Client()  # REMOTE_ADDR 127.0.0.1


def test_a_hold_moves_the_hold_counters(local, user_api, showtime, seats):
    before = scrape(local)
    response = user_api.post("/api/hold-seat/", {"show_id": showtime.id, "seat_ids": seats[:2]}, format="json")
    assert response.status_code == 200
    after = scrape(local)

    assert value(after, "boxoffice_holds_total") == value(before, "boxoffice_holds_total") + 1
    seats_held = ("boxoffice_seats_total", {"operation": "held"})
    assert value(after, seats_held[0], **seats_held[1]) == value(before, seats_held[0], **seats_held[1]) + 2
    request = {"endpoint": "hold-seat", "method": "POST", "status": "200"}
    assert value(after, "boxoffice_http_requests_total", **request) == (
        value(before, "boxoffice_http_requests_total", **request) + 1
    )
    latency = {"endpoint": "hold-seat", "method": "POST", "status_class": "2xx"}
    assert value(after, "boxoffice_http_request_duration_seconds_count", **latency) == (
        value(before, "boxoffice_http_request_duration_seconds_count", **latency) + 1
    )


def test_book_release_and_conflicts_are_counted(local, user_api, other_api, showtime, seats):
    before = scrape(local)
    hold = {"show_id": showtime.id, "seat_ids": seats[:3]}
    assert user_api.post("/api/hold-seat/", hold, format="json").status_code == 200
    taken = other_api.post("/api/hold-seat/", {"show_id": showtime.id, "seat_id": seats[0]}, format="json")
    assert taken.status_code == 409
    release = {"show_id": showtime.id, "seat_ids": seats[2:3]}
    assert user_api.post("/api/release-seat/", release, format="json").status_code == 200
    book = {"show_id": showtime.id, "seat_ids": seats[:2]}
    assert user_api.post("/api/book-seat/", book, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    assert user_api.post("/api/book-seat/", book, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    missing = user_api.post("/api/hold-seat/", {"show_id": showtime.id, "seat_id": 10**9}, format="json")
    assert missing.status_code == 404
    after = scrape(local)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("boxoffice_conflicts_total", endpoint="hold-seat", code="seat_unavailable") == 1
    assert moved("boxoffice_releases_total") == 1
    assert moved("boxoffice_seats_total", operation="released") == 1
    assert moved("boxoffice_bookings_total", replayed="false") == 1
    assert moved("boxoffice_bookings_total", replayed="true") == 1
    assert moved("boxoffice_seats_total", operation="booked") == 2  # the replay books nothing
    assert moved("boxoffice_rejections_total", endpoint="hold-seat", status="404", code="seat_not_found") == 1


def test_endpoint_label_is_the_route_name_not_the_path(local, api, showtime):
    assert api.get(f"/api/hall-layout/{showtime.id}/").status_code == 200
    assert api.get("/api/no-such-thing/").status_code == 404
    samples = scrape(local)
    endpoints = {dict(labels).get("endpoint") for name, labels in samples if name == "boxoffice_http_requests_total"}
    assert {"hall-layout", "api-not-found"} <= endpoints
    assert not [e for e in endpoints if e and ("/" in e or str(showtime.id) in e)]


def test_database_gauges_are_read_at_scrape_time(local, user, showtime, seats):
    now = timezone.now()
    ShowSeat.objects.filter(showtime=showtime, seat_id=seats[0]).update(
        status="held", held_by=user, held_until=now + timedelta(minutes=5)
    )
    ShowSeat.objects.filter(showtime=showtime, seat_id__in=seats[1:3]).update(
        status="held", held_by=user, held_until=now - timedelta(minutes=2)
    )
    samples = scrape(local)
    assert value(samples, "boxoffice_db_up") == 1
    assert value(samples, "boxoffice_holds_live") == 1
    assert value(samples, "boxoffice_holds_expired_unswept") == 2
    assert value(samples, "boxoffice_holds_expired_unswept_over_1m") == 2
    assert value(samples, "boxoffice_db_max_connections") > 0
    assert sum(v for (name, _), v in samples.items() if name == "boxoffice_db_backends") >= 1
    assert ("boxoffice_db_connections_open", ()) in samples


def test_database_down_still_answers_the_scrape(local, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(ShowSeat.objects, "filter", broken)
    samples = scrape(local)
    assert value(samples, "boxoffice_db_up") == 0
    assert ("boxoffice_holds_live", ()) not in samples


def test_refused_to_remote_callers():
    response = Client(REMOTE_ADDR="203.0.113.9").get("/metrics")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_refused_through_a_proxy_on_loopback(local):
    assert local.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403


@override_settings(METRICS_TOKEN="s3cret-scrape-token")
def test_remote_caller_with_the_bearer_token():
    remote = Client(REMOTE_ADDR="203.0.113.9")
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token").status_code == 200
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


@override_settings(METRICS_ALLOW_REMOTE=True)
def test_remote_callers_when_allowed():
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 200


def test_metrics_answers_get_only(local):
    assert local.post("/metrics").status_code in (403, 405)  # CSRF or method: never a scrape


def test_lock_timeouts_have_their_own_counter(rf):
    from rest_framework.response import Response

    from http_infra.observability import metrics
    from http_infra.observability.middleware import ANSWERS, ObservabilityMiddleware

    request = rf.post("/api/book-seat/")
    request.resolver_match = type("Match", (), {"url_name": "book-seat", "app_name": "", "namespaces": []})()
    response = Response({"detail": "busy", "code": "lock_timeout", "seat_ids": [1]}, status=409)
    before = metrics.LOCK_TIMEOUTS.labels("book-seat")._value.get()
    ObservabilityMiddleware(lambda r: response)(request)
    ANSWERS.flush()  # what a scrape does first
    assert metrics.LOCK_TIMEOUTS.labels("book-seat")._value.get() == before + 1


def test_expiries_by_the_sweeper_are_counted_from_the_seat_history(local, user, showtime, seats):
    from booking.services.holds import hold_seats, release_expired_holds

    hold_seats(user=user, showtime_id=showtime.pk, seat_ids=seats[:2])
    ShowSeat.objects.filter(showtime=showtime, seat_id__in=seats[:2]).update(held_until=timezone.now())
    release_expired_holds()  # as the sweeper process would

    samples = scrape(local)
    assert value(samples, "boxoffice_seat_events_total", event="held") == 2
    assert value(samples, "boxoffice_seat_events_total", event="expired") == 2
