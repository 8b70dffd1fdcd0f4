"""The request log and metrics through the real server: each gunicorn worker hands its answers to a thread
of its own, which turns them into Prometheus samples (multiprocess mode) and log lines a batch at a time.
Every request counts once, whichever worker answered it, and a worker's last lines are written when it
stops."""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from booking.tests.faults.helpers import app_server

pytestmark = pytest.mark.django_db(transaction=True)

HOLDS = 8  # of the showtime fixture's 10 seats


def scraped(base_url: str) -> dict:
    text = httpx.get(f"{base_url}/metrics", timeout=10).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_every_workers_requests_are_counted_and_logged_once(db_url, tmp_path, showtime, seats, make_user):
    _, headers = make_user()
    log_path = tmp_path / "server.log"
    with app_server(database_url=db_url, log_path=log_path, WEB_CONCURRENCY=3, REQUEST_LOG="true") as server:

        def hold(seat_id):
            # A fresh connection per hold, so the holds spread over the workers.
            with httpx.Client(base_url=server.base_url, timeout=30, headers=headers) as client:
                return client.post("/api/hold-seat/", json={"show_id": showtime.pk, "seat_ids": [seat_id]}).status_code

        with ThreadPoolExecutor(max_workers=HOLDS) as pool:
            assert list(pool.map(hold, seats[:HOLDS])) == [200] * HOLDS
        ok = ("boxoffice_http_requests_total", (("endpoint", "hold-seat"), ("method", "POST"), ("status", "200")))
        deadline = time.monotonic() + 5
        while (samples := scraped(server.base_url)).get(ok) != HOLDS and time.monotonic() < deadline:
            time.sleep(0.1)  # the other workers' batches are at most 0.1 s late
        assert samples.get(ok) == HOLDS, server.log_tail()
        assert samples[("boxoffice_holds_total", ())] == HOLDS
        assert samples[("boxoffice_seats_total", (("operation", "held"),))] == HOLDS
        latency = (("endpoint", "hold-seat"), ("method", "POST"), ("status_class", "2xx"))
        assert samples[("boxoffice_http_request_duration_seconds_count", latency)] == HOLDS
        # Answered just before the stop: its line is written by the worker on its way out.
        assert hold(seats[HOLDS]) == 200

    log = log_path.read_text(errors="replace")
    lines = re.findall(r"^\S+ \S+ INFO boxoffice\.request method=POST path=/api/hold-seat/ .*status=200", log, re.M)
    assert len(lines) == HOLDS + 1, log[-4000:]
