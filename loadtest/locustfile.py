"""Sustained mixed traffic for Boxoffice (see docs/load-testing.md).

    .venv/bin/locust -f loadtest/locustfile.py --host http://127.0.0.1:8000          # web UI on :8089
    .venv/bin/locust -f loadtest/locustfile.py --host http://127.0.0.1:8000 \\
        --headless -u 200 -r 20 -t 2m --csv /tmp/boxoffice                          # no UI, CSV out

Each simulated moviegoer registers once (a real account through /api/auth/register/), then browses the
schedule, polls one showtime's seat map with If-None-Match like the SPA does, holds a seat that looks
free, books what it holds (with an Idempotency-Key) or changes its mind and releases it.

Showtimes: at test start a staff login (LOCUST_STAFF_USER / LOCUST_STAFF_PASSWORD, default the demo
admin) creates LOCUST_SHOWTIMES fresh showtimes of LOCUST_SEATS seats each, so a run does not sell out
the demo data. Without staff access the upcoming showtimes from /api/shows/ are used instead.
A 409 on hold/book is business as usual under contention: it is counted as a success of its request and
also reported as a separate "409 <code>" row so the conflict rate stays visible.
"""

import itertools
import os
import random
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta

import requests
from locust import HttpUser, between, events, task

SHOW_IDS: list[int] = []
_user_numbers = itertools.count(1)
RUN = secrets.token_hex(3)


@events.test_start.add_listener
def create_showtimes(environment, **_kwargs):
    """Fresh showtimes through the staff API (falls back to the published schedule)."""
    host = (environment.host or "http://127.0.0.1:8000").rstrip("/")
    SHOW_IDS.clear()
    seats = int(os.environ.get("LOCUST_SEATS", "1000"))
    count = int(os.environ.get("LOCUST_SHOWTIMES", "2"))
    per_row = 25 if seats >= 25 else seats
    session = requests.Session()
    try:
        login = session.post(
            f"{host}/api/auth/login/",
            json={
                "username": os.environ.get("LOCUST_STAFF_USER", "admin"),
                "password": os.environ.get("LOCUST_STAFF_PASSWORD", "admin12345"),
            },
            timeout=10,
        )
        login.raise_for_status()
        headers = {"Authorization": f"Token {login.json()['token']}"}
        session.cookies.clear()
        for index in range(count):
            hall = session.post(
                f"{host}/api/staff/halls/",
                json={"name": f"locust-{RUN}-{index}", "rows": -(-seats // per_row), "seats_per_row": per_row},
                headers=headers,
                timeout=30,
            )
            hall.raise_for_status()
            starts = datetime.now(UTC) + timedelta(days=60, hours=3 * index)
            show = session.post(
                f"{host}/api/staff/showtimes/",
                json={"hall_id": hall.json()["id"], "starts_at": starts.isoformat()},
                headers=headers,
                timeout=30,
            )
            show.raise_for_status()
            SHOW_IDS.append(show.json()["id"])
        print(f"locustfile: created showtimes {SHOW_IDS} ({seats} seats each)")
    except (requests.RequestException, KeyError, ValueError) as exc:
        shows = requests.get(f"{host}/api/shows/", timeout=10).json()
        SHOW_IDS.extend(s["id"] for s in shows if s["counts"]["available"] > 0)
        print(f"locustfile: no staff access ({exc}); using {len(SHOW_IDS)} published showtimes")


class Moviegoer(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        # Token auth only: the session cookie /register/ sets would make writes need a CSRF token.
        username = f"locust{RUN}u{next(_user_numbers)}"
        with self.client.post(
            "/api/auth/register/",
            json={"username": username, "password": "L0cust-" + secrets.token_urlsafe(12)},
            name="/api/auth/register/",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"register: {response.status_code} {response.text[:200]}")
                self.stop()
                return
            self.token = response.json()["token"]
        self.client.cookies.clear()
        self.headers = {"Authorization": f"Token {self.token}"}
        self.show_id = random.choice(SHOW_IDS) if SHOW_IDS else None
        self.etag: str | None = None
        self.layout: dict | None = None
        self.held: list[int] = []

    # --- helpers ---

    def _conflict(self, name: str, response) -> None:
        """A 409 is a normal answer: succeed the request, log the code as its own row."""
        response.success()
        try:
            code = response.json().get("code", "?")
        except ValueError:
            code = "?"
        events.request.fire(
            request_type="409",
            name=f"{name} {code}",
            response_time=response.elapsed.total_seconds() * 1000,
            response_length=0,
            exception=None,
            context={},
        )

    def _free_seats(self) -> list[int]:
        if not self.layout:
            return []
        return [s["id"] for s in self.layout["seats"] if s["status"] == "available"]

    # --- tasks ---

    @task(3)
    def browse(self):
        """The schedule page: every upcoming showtime with live seat counts."""
        self.client.get("/api/shows/", headers=self.headers, name="/api/shows/")

    @task(10)
    def poll_layout(self):
        """The seat map's poll: conditional GET, 304 while nothing changed."""
        if self.show_id is None:
            return
        headers = dict(self.headers)
        if self.etag:
            headers["If-None-Match"] = self.etag
        with self.client.get(
            f"/api/hall-layout/{self.show_id}/",
            headers=headers,
            name="/api/hall-layout/[id]/ (poll)",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self.etag, self.layout = response.headers.get("ETag"), response.json()
                response.success()
            elif response.status_code == 304:
                response.success()
            else:
                response.failure(f"{response.status_code}")

    @task(4)
    def hold(self):
        """Hold one or two seats that look free in the last layout."""
        free = self._free_seats()
        if not free or len(self.held) >= 8:
            return
        seats = random.sample(free, min(len(free), random.choice([1, 1, 2])))
        with self.client.post(
            "/api/hold-seat/",
            json={"show_id": self.show_id, "seat_ids": seats},
            headers=self.headers,
            name="/api/hold-seat/",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self.held += seats
                response.success()
            elif response.status_code == 409:
                self._conflict("/api/hold-seat/", response)
                self.etag = None  # our view was stale: refetch the full layout next poll
            else:
                response.failure(f"{response.status_code} {response.text[:200]}")

    @task(2)
    def book(self):
        """Confirm everything held, with an Idempotency-Key (retried once on a lock timeout)."""
        if not self.held:
            return
        key = uuid.uuid4().hex
        for attempt in range(2):
            with self.client.post(
                "/api/book-seat/",
                json={"show_id": self.show_id, "seat_ids": self.held},
                headers={**self.headers, "Idempotency-Key": key},
                name="/api/book-seat/",
                catch_response=True,
            ) as response:
                if response.status_code == 201:
                    self.held = []
                    response.success()
                    return
                if response.status_code == 409:
                    self._conflict("/api/book-seat/", response)
                    if response.json().get("code") == "lock_timeout" and attempt == 0:
                        time.sleep(0.1)
                        continue
                    self.held = []  # expired or otherwise lost: start over
                    return
                response.failure(f"{response.status_code} {response.text[:200]}")
                return

    @task(1)
    def cancel(self):
        """Change of mind: release the held seats (a booking cannot be cancelled through the API)."""
        if not self.held:
            return
        with self.client.post(
            "/api/release-seat/",
            json={"show_id": self.show_id, "seat_ids": self.held},
            headers=self.headers,
            name="/api/release-seat/",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                response.success()
            elif response.status_code == 409:
                self._conflict("/api/release-seat/", response)
            else:
                response.failure(f"{response.status_code} {response.text[:200]}")
        self.held = []

    @task(1)
    def my_bookings(self):
        self.client.get("/api/bookings/", headers=self.headers, name="/api/bookings/")
