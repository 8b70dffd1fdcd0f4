#!/usr/bin/env python3
"""Boxoffice QA stress run: real HTTP, real users, real races, then an audit of what the database says.

    python loadtest/stress.py                          # every scenario against http://127.0.0.1:8000
    python loadtest/stress.py --scenario hot_seat --hot-clients 500
    python loadtest/stress.py --small --server-log /tmp/boxoffice.log
    BASE_URL=http://127.0.0.1:8100 python loadtest/stress.py --staff-token <token>
    python loadtest/stress.py --base-url http://127.0.0.1:8000,http://127.0.0.1:8001   # several servers

Scenarios (each on a fresh hall + showtime created through the staff API, so runs are repeatable):
  hot_seat      N distinct users, released together by a barrier, hold the same seat: exactly one wins.
  flash_sale    C clients loop layout -> pick a free-looking seat -> hold -> book until sold out.
  overlap       pairs of users hold the same 2-6 seats in opposite orders, many rounds: <= 1 winner each.
  hold_churn    hold / release / re-hold by others on a showtime with a 2 s hold TTL: expired holds return.
  retry_storm   book with an Idempotency-Key, the same request fired several times at once: one booking.
  greedy        one user fires many concurrent holds on different seats: never more than the per-user cap.
  exhaustion    more clients than seats on a small hall: every seat sold once, the rest get clean 409s.
  pay_race      declined card, then N simultaneous good-card payments per user: one charge, one booking.
  cancel_churn  book, cancel part, rebook: refunds match, every seat sold at most once live.
  best_available_herd
                N users at once ask best available for 2-6 seats on a hall with aisles: every block adjacent
                in one row segment (or two adjacent rows, when it says so), no_block only when no such block
                is left, and the orphan audit: single seats left alone no more than the fallbacks explain.

While a scenario runs, an observer polls the layout and checks that every hold and booking a client was
granted shows up (held/booked) in the first poll that starts after the grant. After each scenario the
staff audit (GET /api/staff/audit/) must report no violation over the whole database, and the showtime
must contain exactly what the clients were granted: their bookings (same reference and user) and their
live holds, nothing else. New "Traceback"/ERROR lines in --server-log fail the run as well.

Several servers (comma-separated --base-url, e.g. the ones `make cluster` starts): every simulated user
sticks to one of them (chosen by its name), anonymous calls (the observer's polls, registrations) take
them in turn, so a grant made through one server is checked through the others.

Exit status: 0 all scenarios passed, 1 a violation (or 5xx, transport error, timeout), 2 bad setup.
Only loopback targets are accepted unless --allow-remote is given.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import ipaddress
import json
import math
import os
import random
import re
import secrets
import socket
import sys
import time
import uuid
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

SCENARIOS = [
    "hot_seat", "flash_sale", "overlap", "hold_churn", "retry_storm", "greedy", "exhaustion", "pay_race",
    "cancel_churn", "best_available_herd",
]  # fmt: skip
CLEAN_409_CODES = {"seat_unavailable", "hold_limit", "lock_timeout", "show_started", "not_held"}
# Conflicts that are not about particular seats (no seat_ids): an order's, and best available finding no block.
ORDER_409_CODES = {"payment_in_progress", "order_expired", "order_not_payable", "box_office_unavailable", "no_block"}
GOOD_CARD = {"number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"}
DECLINED_CARD = {**GOOD_CARD, "number": "4000 0000 0000 0002"}
SEATS_PER_ROW = 20
# A hold this close (seconds) to its expiry at the moment of a read may legitimately be on either side.
EXPIRY_SLACK = 0.35
SERVER_LOG_PATTERNS = re.compile(
    rb"Traceback \(most recent call last\)|\[ERROR\]|\[CRITICAL\]|\bERROR\b|\bCRITICAL\b|WORKER TIMEOUT"
)


# --- configuration -----------------------------------------------------------------------------------

PRESETS = {
    # name: (full run, --small)
    "hot_clients": (200, 20),
    "clients": (100, 10),
    "flash_seats": (400, 40),
    "pairs": (25, 4),
    "rounds": (12, 4),
    "churn_users": (40, 8),
    "churn_rounds": (3, 2),
    "churn_ttl": (2, 2),
    "retry_users": (30, 4),
    "retries": (6, 4),
    "greedy_requests": (60, 16),
    "greedy_rounds": (3, 2),
    "exhaustion_clients": (120, 16),
    "exhaustion_seats": (40, 6),
    "pay_users": (30, 4),
    "pay_clicks": (5, 3),
    "cancel_users": (20, 4),
    "herd_users": (100, 12),
    "scenario_timeout": (180.0, 40.0),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Concurrency stress run against a running Boxoffice server.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    p.add_argument(
        "--base-url",
        default=os.environ.get("BASE_URL", "http://127.0.0.1:8000"),
        help="server URL, or several comma-separated: each simulated user sticks to one of them",
    )
    p.add_argument("--allow-remote", action="store_true", help="accept a non-loopback BASE_URL")
    p.add_argument("--scenario", action="append", choices=SCENARIOS, help="run only this scenario (repeatable)")
    p.add_argument("--small", action="store_true", help="few clients and short rounds (smoke test preset)")
    p.add_argument("--staff-token", default=os.environ.get("STRESS_STAFF_TOKEN"), help="token of a staff user")
    p.add_argument("--staff-user", default=os.environ.get("STRESS_STAFF_USER", "admin"))
    p.add_argument("--staff-password", default=os.environ.get("STRESS_STAFF_PASSWORD", "admin12345"))
    p.add_argument("--server-log", type=Path, help="server log file; lines it gains during the run are checked")
    p.add_argument("--report", type=Path, help="write the per-scenario figures and violations as JSON here")
    p.add_argument("--seed", type=int, default=None, help="random seed (printed when not given)")
    p.add_argument("--request-timeout", type=float, default=30.0, help="seconds before one request counts as hung")
    p.add_argument("--max-wait", type=float, default=15.0, help="exhaustion: no request may take longer (s)")
    p.add_argument("--poll-interval", type=float, default=0.25, help="observer: seconds between layout polls")
    p.add_argument("--register-concurrency", type=int, default=8, help="parallel registrations (PBKDF2 is slow)")
    g = p.add_argument_group("sizes (defaults: full run / --small)")
    for name, (full, small) in PRESETS.items():
        g.add_argument("--" + name.replace("_", "-"), type=type(full), default=None, help=f"{full} / {small}")
    args = p.parse_args(argv)
    for name, (full, small) in PRESETS.items():
        if getattr(args, name) is None:
            setattr(args, name, small if args.small else full)
    args.scenarios = args.scenario or list(SCENARIOS)
    args.base_urls = [url.strip().rstrip("/") for url in args.base_url.split(",") if url.strip()]
    if not args.base_urls:
        p.error("--base-url: no URL given")
    if args.seed is None:
        args.seed = secrets.randbelow(2**31)
    return args


def check_loopback(base_url: str) -> str | None:
    """None when every address the host resolves to is loopback, else the reason it is refused."""
    host = urlsplit(base_url).hostname
    if not host:
        return f"no host in {base_url!r}"
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        return f"cannot resolve {host!r}: {exc}"
    addresses = {info[4][0] for info in infos}
    remote = sorted(a for a in addresses if not ipaddress.ip_address(a.split("%")[0]).is_loopback)
    return f"{host} resolves to non-loopback {', '.join(remote)}" if remote else None


# --- measurement ---------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]


@dataclass
class EndpointStats:
    latencies: list[float] = field(default_factory=list)
    ok: int = 0
    conflicts: int = 0
    rejected: int = 0  # other 4xx
    errors: int = 0  # 5xx, transport errors, timeouts

    def row(self, elapsed: float) -> dict:
        lat = self.latencies
        return {
            "requests": len(lat),
            "ok": self.ok,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "errors": self.errors,
            "rps": len(lat) / elapsed if elapsed > 0 else 0.0,
            "p50_ms": percentile(lat, 50) * 1000,
            "p95_ms": percentile(lat, 95) * 1000,
            "p99_ms": percentile(lat, 99) * 1000,
            "max_ms": (max(lat) * 1000) if lat else float("nan"),
        }


@dataclass
class Result:
    status: int  # 0 for a transport error or timeout
    body: Any
    headers: httpx.Headers | None
    latency: float
    sent: float  # wall clock (time.time()) when sent
    received: float  # wall clock when the response arrived

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None


class Violations:
    def __init__(self) -> None:
        self.items: list[str] = []
        self._counts: dict[str, int] = defaultdict(int)

    def add(self, kind: str, message: str) -> None:
        self._counts[kind] += 1
        if self._counts[kind] <= 5:
            self.items.append(f"{kind}: {message}")
        elif self._counts[kind] == 6:
            self.items.append(f"{kind}: (further ones not shown)")

    def total(self) -> int:
        return sum(self._counts.values())

    def __bool__(self) -> bool:
        return bool(self._counts)


@dataclass
class User:
    username: str
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Token {self.token}"}


def no_cookies() -> http.cookiejar.CookieJar:
    # /api/auth/register/ also logs the user into a session; a shared client must not start sending
    # that cookie (a session would authenticate the anonymous observer as someone).
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def parse_ts(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _segments(place: dict) -> dict:
    """(row, segment) -> its seat ids left to right, from the layout's seat places."""
    runs: dict = defaultdict(list)
    for seat_id, (row, segment, _column) in sorted(place.items(), key=lambda item: item[1]):
        runs[(row, segment)].append(seat_id)
    return runs


def _largest_free_run(free: set[int], place: dict) -> int:
    largest = 0
    for run in _segments(place).values():
        streak = 0
        for seat_id in run:
            streak = streak + 1 if seat_id in free else 0
            largest = max(largest, streak)
    return largest


def _single_seats(free: set[int], place: dict) -> list[int]:
    """Free seats with no free neighbour in their segment: what the no-single-seat rule prevents."""
    singles = []
    for run in _segments(place).values():
        for i, seat_id in enumerate(run):
            if len(run) > 1 and seat_id in free:
                neighbours = run[max(0, i - 1) : i] + run[i + 1 : i + 2]
                if not any(n in free for n in neighbours):
                    singles.append(seat_id)
    return singles


# --- the HTTP client ---------------------------------------------------------------------------------------


class Api:
    """One keep-alive connection pool per server for every simulated client; stats go to the current scenario.

    With several servers a user's calls always go to the same one (picked by the username), anonymous
    calls round-robin over them.
    """

    def __init__(self, base_urls: list[str], *, timeout: float, max_connections: int) -> None:
        self.clients = [
            httpx.AsyncClient(
                base_url=base_url.rstrip("/"),
                timeout=httpx.Timeout(timeout, connect=timeout),
                limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
                cookies=no_cookies(),
            )
            for base_url in base_urls
        ]
        self._turn = 0
        self.per_server: dict[str, int] = defaultdict(int)
        self.stats: dict[str, EndpointStats] = defaultdict(EndpointStats)
        self.violations = Violations()

    def client_for(self, user: User | None) -> httpx.AsyncClient:
        if len(self.clients) == 1:
            return self.clients[0]
        if user is not None:
            return self.clients[zlib.crc32(user.username.encode()) % len(self.clients)]
        self._turn += 1
        return self.clients[self._turn % len(self.clients)]

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()

    async def call(
        self,
        method: str,
        path: str,
        *,
        label: str,
        user: User | None = None,
        json_body: Any = None,
        headers: dict | None = None,
        expect: set[int] = frozenset(),
        record: bool = True,
    ) -> Result:
        """Send one request. Statuses other than 2xx/304/409 and `expect` are violations."""
        all_headers = {**(user.headers if user else {}), **(headers or {})}
        client = self.client_for(user)
        self.per_server[str(client.base_url)] += 1
        sent = time.time()
        start = time.perf_counter()
        try:
            response = await client.request(method, path, json=json_body, headers=all_headers)
        except httpx.HTTPError as exc:
            latency = time.perf_counter() - start
            if record:
                st = self.stats[label]
                st.latencies.append(latency)
                st.errors += 1
            self.violations.add("transport", f"{method} {path}: {type(exc).__name__} {exc} after {latency:.1f}s")
            return Result(0, None, None, latency, sent, time.time())
        latency = time.perf_counter() - start
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = response.text[:200]
        result = Result(response.status_code, body, response.headers, latency, sent, time.time())
        status = response.status_code
        if record:
            st = self.stats[label]
            st.latencies.append(latency)
            if status < 300 or status == 304:
                st.ok += 1
            elif status == 409:
                st.conflicts += 1
            elif status < 500:
                st.rejected += 1
            else:
                st.errors += 1
        if status >= 500:
            self.violations.add("5xx", f"{method} {path} -> {status} {str(body)[:200]}")
        elif status == 409:
            clean = isinstance(body, dict) and (
                (body.get("code") in CLEAN_409_CODES and "seat_ids" in body) or body.get("code") in ORDER_409_CODES
            )
            if not clean:
                self.violations.add("unclean 409", f"{method} {path} -> {str(body)[:200]}")
        elif status >= 400 and status not in expect:
            self.violations.add("unexpected status", f"{method} {path} {json_body} -> {status} {str(body)[:200]}")
        return result

    def take_stats(self) -> tuple[dict[str, EndpointStats], Violations]:
        stats, violations = self.stats, self.violations
        self.stats, self.violations = defaultdict(EndpointStats), Violations()
        return stats, violations


# --- what the clients were granted ----------------------------------------------------------------------------


@dataclass
class HoldGrant:
    username: str
    held_until: float  # server wall clock, epoch seconds
    granted_at: float  # client wall clock when the 200 arrived
    releasing_since: float | None = None


@dataclass
class BookingGrant:
    username: str
    reference: str
    granted_at: float


class Ledger:
    """Every hold and booking the clients of one showtime were granted, as the clients saw it."""

    def __init__(self, show_id: int, violations: Violations) -> None:
        self.show_id = show_id
        self.holds: dict[int, HoldGrant] = {}
        self.bookings: dict[int, BookingGrant] = {}
        self.violations = violations

    def held(self, user: User, seat_ids: list[int], result: Result) -> None:
        until = parse_ts(result.body["held_until"])
        for seat in seat_ids:
            previous = self.holds.get(seat)
            if (
                previous
                and previous.username != user.username
                and previous.held_until > result.sent + EXPIRY_SLACK
                and previous.releasing_since is None
            ):
                self.violations.add(
                    "double hold",
                    f"seat {seat} granted to {user.username} while {previous.username}'s hold runs "
                    f"until {previous.held_until - result.sent:.2f}s after the request",
                )
            if seat in self.bookings:
                self.violations.add("hold on sold seat", f"seat {seat} held by {user.username} after it was sold")
            if previous and previous.username == user.username and previous.held_until > result.sent:
                until_seat = min(previous.held_until, until)
            else:
                until_seat = until
            self.holds[seat] = HoldGrant(user.username, until_seat, result.received)

    def releasing(self, user: User, seat_ids: list[int], at: float) -> None:
        for seat in seat_ids:
            grant = self.holds.get(seat)
            if grant and grant.username == user.username and grant.releasing_since is None:
                grant.releasing_since = at

    def released(self, user: User, seat_ids: list[int]) -> None:
        for seat in seat_ids:
            grant = self.holds.get(seat)
            if grant and grant.username == user.username:
                del self.holds[seat]

    def booked(self, user: User, seat_ids: list[int], result: Result) -> None:
        self.sold(user, seat_ids, result.body["booking"]["reference"], result.received)

    def sold(self, user: User, seat_ids: list[int], reference: str, received: float) -> None:
        for seat in seat_ids:
            previous = self.bookings.get(seat)
            if previous and previous.reference != reference:
                self.violations.add(
                    "seat sold twice",
                    f"seat {seat}: {previous.reference} ({previous.username}) and {reference} ({user.username})",
                )
            self.bookings[seat] = BookingGrant(user.username, reference, received)
            grant = self.holds.get(seat)
            if grant and grant.username == user.username:
                del self.holds[seat]

    def cancelling(self, seat_ids: list[int]) -> None:
        """Seats about to be cancelled: no longer expected booked (the cancel request is about to go)."""
        for seat in seat_ids:
            self.bookings.pop(seat, None)

    def live_holds(self, after: float) -> dict[int, HoldGrant]:
        return {s: g for s, g in self.holds.items() if g.held_until > after}


# --- the run ------------------------------------------------------------------------------------------------------


@dataclass
class ScenarioReport:
    name: str
    elapsed: float
    stats: dict[str, dict]
    successes: int
    success_label: str
    violations: list[str]
    notes: list[str]

    @property
    def passed(self) -> bool:
        return not self.violations


class Stress:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.run_id = f"{int(time.time()) % 100000:05d}{secrets.token_hex(2)}"
        pool = max(args.hot_clients, args.clients, args.exhaustion_clients, 2 * args.pairs, args.churn_users, 50)
        self.api = Api(args.base_urls, timeout=args.request_timeout, max_connections=pool + 20)
        self.staff: User | None = None
        self.users: list[User] = []
        self._users_lock = asyncio.Lock()
        self._next_slot = 0
        self._user_counter = 0
        self.log_pos = 0

    # --- setup ---

    async def login_staff(self) -> None:
        if self.args.staff_token:
            self.staff = User("staff", self.args.staff_token)
        else:
            r = await self.api.call(
                "POST",
                "/api/auth/login/",
                label="setup",
                json_body={"username": self.args.staff_user, "password": self.args.staff_password},
                expect={400, 401, 403},
                record=False,
            )
            if r.status != 200:
                raise SetupError(f"staff login as {self.args.staff_user!r} failed: {r.status} {r.body}")
            self.staff = User(r.body["username"], r.body["token"])
        r = await self.api.call("GET", "/api/staff/audit/", label="setup", user=self.staff, expect={401, 403, 404})
        if r.status != 200:
            raise SetupError(f"GET /api/staff/audit/ with the staff token: {r.status} {r.body} (is the user staff?)")

    async def register_one(self) -> User:
        self._user_counter += 1
        username = f"qa{self.run_id}u{self._user_counter}"
        for _ in range(3):  # a random password can, rarely, look too much like the username
            r = await self.api.call(
                "POST",
                "/api/auth/register/",
                label="register",
                json_body={"username": username, "password": "Str3ss-" + secrets.token_urlsafe(12)},
                expect={400},
            )
            if r.status == 201:
                return User(r.body["username"], r.body["token"])
            if r.status != 400 or "password" not in (r.body.get("errors") or {}):
                break
        raise SetupError(f"register {username}: {r.status} {r.body}")

    async def take_users(self, n: int) -> list[User]:
        """n distinct users, registered through the API on first need and reused by later scenarios."""
        async with self._users_lock:
            missing = n - len(self.users)
            if missing > 0:
                sem = asyncio.Semaphore(self.args.register_concurrency)

                async def one() -> User:
                    async with sem:
                        return await self.register_one()

                self.users += await asyncio.gather(*(one() for _ in range(missing)))
            users = list(self.users)
        self.rng.shuffle(users)
        return users[:n]

    async def new_showtime(self, name: str, seats: int, *, ttl: int | None = None, plan: str | None = None) -> dict:
        """A fresh hall of `seats` seats (rows of up to 20, or the given hall plan) with one showtime; returns
        its layout."""
        per_row = min(SEATS_PER_ROW, seats)
        rows = math.ceil(seats / per_row)
        hall: dict[str, Any] = {"name": f"stress-{self.run_id}-{name}"}
        hall |= {"plan": plan} if plan else {"rows": rows, "seats_per_row": per_row}
        r = await self.api.call(
            "POST", "/api/staff/halls/", label="setup", user=self.staff, json_body=hall, record=False
        )
        if r.status != 201:
            raise SetupError(f"POST /api/staff/halls/: {r.status} {r.body}")
        self._next_slot += 1
        starts = datetime.now(UTC) + timedelta(days=30, hours=4 * self._next_slot)
        body: dict[str, Any] = {"hall_id": r.body["id"], "starts_at": starts.isoformat().replace("+00:00", "Z")}
        if ttl is not None:
            body["hold_ttl_seconds"] = ttl
        r = await self.api.call("POST", "/api/staff/showtimes/", label="setup", user=self.staff, json_body=body)
        if r.status != 201:
            raise SetupError(f"POST /api/staff/showtimes/: {r.status} {r.body}")
        if ttl is not None and r.body.get("hold_ttl_seconds") != ttl:
            raise SetupError(f"showtime created with hold_ttl_seconds={r.body.get('hold_ttl_seconds')}, not {ttl}")
        layout = await self.layout(r.body["id"], label="setup")
        expected = seats if plan else rows * per_row  # a plan's caller counts its seats
        if len(layout["seats"]) != expected:
            raise SetupError(f"showtime {r.body['id']} has {len(layout['seats'])} seats, expected {expected}")
        return layout

    async def layout(self, show_id: int, *, user: User | None = None, label: str = "hall-layout") -> dict:
        r = await self.api.call("GET", f"/api/hall-layout/{show_id}/", label=label, user=user)
        if r.status != 200:
            raise SetupError(f"GET /api/hall-layout/{show_id}/: {r.status} {r.body}")
        return r.body

    # --- seat operations (they keep the ledger) ---

    async def hold(self, ledger: Ledger, user: User, seat_ids: list[int], label: str = "hold-seat") -> Result:
        r = await self.api.call(
            "POST",
            "/api/hold-seat/",
            label=label,
            user=user,
            json_body={"show_id": ledger.show_id, "seat_ids": seat_ids},
        )
        if r.status == 200:
            ledger.held(user, sorted(seat_ids), r)
        return r

    async def release(self, ledger: Ledger, user: User, seat_ids: list[int]) -> Result:
        ledger.releasing(user, seat_ids, time.time())
        r = await self.api.call(
            "POST", "/api/release-seat/", label="release-seat", user=user,
            json_body={"show_id": ledger.show_id, "seat_ids": seat_ids},
        )  # fmt: skip
        if r.status == 200:
            ledger.released(user, seat_ids)
        else:
            self.api.violations.add("release refused", f"{user.username} seats {seat_ids}: {r.status} {r.body}")
        return r

    async def book(
        self, ledger: Ledger, user: User, seat_ids: list[int], *, key: str | None = None, retries: int = 3
    ) -> Result:
        """Book held seats; a 409 lock_timeout (someone else is touching the rows) is retried."""
        key = key or uuid.uuid4().hex
        for attempt in range(retries + 1):
            r = await self.api.call(
                "POST", "/api/book-seat/", label="book-seat", user=user, headers={"Idempotency-Key": key},
                json_body={"show_id": ledger.show_id, "seat_ids": seat_ids}, expect={422},
            )  # fmt: skip
            if r.status == 201:
                ledger.booked(user, sorted(seat_ids), r)
                return r
            if r.code != "lock_timeout" or attempt == retries:
                return r
            await asyncio.sleep(0.05 * (attempt + 1))
        return r

    # --- the observer ---

    async def observe(self, ledger: Ledger, stop: asyncio.Event, counter: list[int]) -> None:
        """Poll the layout anonymously; every grant made before a poll started must show in it."""
        violations = self.api.violations
        while True:
            # `stop` is checked after the poll: the last poll starts after every grant was made.
            final = stop.is_set()
            started = time.time()
            r = await self.api.call("GET", f"/api/hall-layout/{ledger.show_id}/", label="observer")
            finished = time.time()
            if r.status == 200:
                counter[0] += 1
                status = {seat["id"]: seat["status"] for seat in r.body["seats"]}
                counts = r.body["counts"]
                if sum(counts.values()) != len(status):
                    violations.add("layout counts", f"{counts} for {len(status)} seats")
                for seat, grant in list(ledger.bookings.items()):
                    if grant.granted_at < started and status.get(seat) != "booked":
                        violations.add(
                            "read lags write",
                            f"seat {seat} booked ({grant.reference}) {started - grant.granted_at:.3f}s before a "
                            f"poll that shows it {status.get(seat)}",
                        )
                for seat, grant in list(ledger.holds.items()):
                    if (
                        grant.granted_at < started
                        and (grant.releasing_since is None or grant.releasing_since > finished)
                        and grant.held_until > finished + EXPIRY_SLACK
                        and status.get(seat) not in ("held", "booked")
                    ):
                        violations.add(
                            "read lags write",
                            f"seat {seat} held by {grant.username} {started - grant.granted_at:.3f}s before a poll "
                            f"that shows it {status.get(seat)}",
                        )
            if final:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.args.poll_interval)

    # --- the audit ---

    async def audit(self, ledger: Ledger, violations: Violations) -> dict:
        before = time.time()
        r = await self.api.call("GET", f"/api/staff/audit/?show_id={ledger.show_id}", label="audit", user=self.staff)
        after = time.time()
        if r.status != 200:
            violations.add("audit", f"GET /api/staff/audit/: {r.status} {r.body}")
            return {}
        body = r.body
        for problem in body.get("violations", []):
            violations.add("audit", problem)
        show = next((s for s in body.get("showtimes", []) if s["id"] == ledger.show_id), None)
        if show is None:
            violations.add("audit", f"showtime {ledger.show_id} missing from the audit")
            return {}
        if show["booked"] + show["held"] + show["available"] != show["capacity"]:
            violations.add("audit", f"sold + held + free != capacity: {show}")

        db_booked = {int(k): v for k, v in body["booked_seats"].get(str(ledger.show_id), {}).items()}
        db_held = {int(k): v for k, v in body["held_seats"].get(str(ledger.show_id), {}).items()}
        for seat, grant in ledger.bookings.items():
            row = db_booked.get(seat)
            if row is None:
                violations.add("lost booking", f"seat {seat} ({grant.reference}, {grant.username}) not booked in DB")
            elif (row["reference"], row["username"]) != (grant.reference, grant.username):
                violations.add("wrong booking", f"seat {seat}: client saw {grant.reference}/{grant.username}, DB {row}")
        for seat, row in db_booked.items():
            if seat not in ledger.bookings:
                violations.add("phantom booking", f"seat {seat} booked in DB ({row}) but no client was granted it")
        for seat, row in db_held.items():
            grant = ledger.holds.get(seat)
            if grant is None or grant.username != row["username"]:
                expected = f"{grant.username}'s" if grant else "no"
                violations.add(
                    "phantom hold", f"seat {seat} held by {row['username']} in DB, client ledger has {expected}"
                )
            elif grant.releasing_since is not None:
                violations.add("release lost", f"seat {seat} still held by {row['username']} after its release")
        for seat, grant in ledger.live_holds(after + EXPIRY_SLACK).items():
            if seat not in db_held and seat not in db_booked and grant.releasing_since is None:
                violations.add(
                    "lost hold",
                    f"seat {seat} held by {grant.username} until +{grant.held_until - before:.1f}s not in DB",
                )
        return show

    # --- scenarios ---

    async def run_scenario(self, name: str) -> ScenarioReport:
        self.api.take_stats()  # start clean (user registrations of earlier scenarios are not counted)
        scenario = getattr(self, "scenario_" + name)
        notes: list[str] = []
        audit_show: dict = {}
        started = time.perf_counter()
        outcome = {"successes": 0, "label": "successes"}
        ledger_box: list[Ledger] = []
        stop = asyncio.Event()
        polls = [0]
        observer: asyncio.Task | None = None

        async def start_observer(ledger: Ledger) -> None:
            nonlocal observer
            ledger_box.append(ledger)
            observer = asyncio.create_task(self.observe(ledger, stop, polls))

        try:
            await asyncio.wait_for(scenario(start_observer, outcome, notes), self.args.scenario_timeout)
        except TimeoutError:
            self.api.violations.add("timeout", f"scenario did not finish within {self.args.scenario_timeout:.0f}s")
        except SetupError as exc:
            self.api.violations.add("setup", str(exc))
        elapsed = time.perf_counter() - started
        stop.set()
        if observer is not None:
            await observer
        stats, violations = self.api.take_stats()
        for ledger in ledger_box:
            ledger.violations = violations
            audit_show = await self.audit(ledger, violations)
        self.api.take_stats()
        if ledger_box:
            notes.append(f"observer: {polls[0]} layout polls checked")
            if polls[0] == 0:
                violations.add("observer", "no layout poll completed")
        if audit_show:
            notes.append(
                "database: {booked} booked, {held} held, {available} available of {capacity}".format(**audit_show)
            )
        if outcome["successes"] == 0:
            violations.add("no success", f"scenario made no {outcome['label']}: a pass with nothing done is a fail")
        for line in self.server_log_problems():
            violations.add("server log", line)
        return ScenarioReport(
            name=name,
            elapsed=elapsed,
            stats={label: st.row(elapsed) for label, st in sorted(stats.items())},
            successes=outcome["successes"],
            success_label=outcome["label"],
            violations=list(violations.items),
            notes=notes,
        )

    async def scenario_hot_seat(self, start_observer, outcome, notes) -> None:
        n = self.args.hot_clients
        users = await self.take_users(n)
        layout = await self.new_showtime("hot", 40)
        ledger = Ledger(layout["show_id"], self.api.violations)
        seat = layout["seats"][len(layout["seats"]) // 2]["id"]
        barrier = asyncio.Barrier(n)
        await start_observer(ledger)

        async def client(user: User) -> Result:
            await self.api.call("GET", f"/api/hall-layout/{ledger.show_id}/", label="hall-layout", user=user)
            await barrier.wait()
            return await self.hold(ledger, user, [seat])

        results = await asyncio.gather(*(client(u) for u in users))
        winners = [r for r in results if r.status == 200]
        losers = [r for r in results if r.status == 409]
        codes = defaultdict(int)
        for r in losers:
            codes[r.code] += 1
        notes.append(f"seat {seat}: {len(winners)} winner(s), {len(losers)} 409s {dict(codes)}")
        if losers:
            lat = [r.latency for r in losers]
            notes.append(
                f"losers' 409 latency p50/p95/p99: {percentile(lat, 50) * 1000:.0f}/"
                f"{percentile(lat, 95) * 1000:.0f}/{percentile(lat, 99) * 1000:.0f} ms"
            )
        if len(winners) != 1:
            self.api.violations.add("hot seat", f"{len(winners)} clients won seat {seat}, expected exactly 1")
        if len(winners) + len(losers) != n:
            self.api.violations.add("hot seat", f"{n - len(winners) - len(losers)} clients got neither 200 nor 409")
        bad = {c for c in codes if c not in ("seat_unavailable", "lock_timeout")}
        if bad:
            self.api.violations.add("hot seat", f"unexpected 409 codes {bad}")
        outcome.update(successes=len(winners), label="winning holds")

    async def scenario_flash_sale(self, start_observer, outcome, notes) -> None:
        c = self.args.clients
        users = await self.take_users(c)
        layout = await self.new_showtime("flash", self.args.flash_seats)
        capacity = len(layout["seats"])
        ledger = Ledger(layout["show_id"], self.api.violations)
        await start_observer(ledger)
        max_iterations = max(50, 6 * capacity // c + 40)
        barrier = asyncio.Barrier(c)
        booked_seats = [0]
        exhausted = [0]

        async def client(user: User) -> None:
            etag, body = None, None
            await barrier.wait()
            for _ in range(max_iterations):
                r = await self.api.call(
                    "GET", f"/api/hall-layout/{ledger.show_id}/", label="hall-layout", user=user,
                    headers={"If-None-Match": etag} if etag else None,
                )  # fmt: skip
                if r.status == 200:
                    etag, body = r.headers.get("etag"), r.body
                elif r.status != 304 or body is None:
                    await asyncio.sleep(0.05)
                    continue
                free = [s["id"] for s in body["seats"] if s["status"] == "available"]
                if not free:
                    if body["counts"]["held"] == 0:
                        return  # sold out
                    await asyncio.sleep(0.05)  # others' holds are still to be booked (or to expire)
                    continue
                want = self.rng.sample(free, min(len(free), 1 if self.rng.random() < 0.75 else 2))
                h = await self.hold(ledger, user, want)
                if h.status != 200:
                    continue
                b = await self.book(ledger, user, want)
                if b.status == 201:
                    booked_seats[0] += len(want)
                else:
                    self.api.violations.add("booking own hold", f"{user.username} {want}: {b.status} {b.body}")
                    with contextlib.suppress(Exception):
                        await self.release(ledger, user, want)
            exhausted[0] += 1

        started = time.perf_counter()
        await asyncio.gather(*(client(u) for u in users))
        took = time.perf_counter() - started
        notes.append(
            f"{booked_seats[0]} of {capacity} seats booked in {took:.2f}s = {booked_seats[0] / took:.0f} seats/s "
            f"({len({g.reference for g in ledger.bookings.values()})} bookings)"
        )
        if exhausted[0]:
            self.api.violations.add("flash sale", f"{exhausted[0]} clients hit the iteration bound before sell-out")
        if booked_seats[0] != capacity:
            self.api.violations.add("flash sale", f"{booked_seats[0]} seats booked, capacity {capacity}: not sold out")
        outcome.update(successes=booked_seats[0], label="seats booked")

    async def scenario_overlap(self, start_observer, outcome, notes) -> None:
        pairs, rounds = self.args.pairs, self.args.rounds
        users = await self.take_users(2 * pairs)
        group = 6
        layout = await self.new_showtime("overlap", pairs * group)
        ledger = Ledger(layout["show_id"], self.api.violations)
        ids = [s["id"] for s in layout["seats"]]
        await start_observer(ledger)
        won = [0]
        contested = defaultdict(int)

        async def pair(index: int) -> None:
            a, b = users[2 * index], users[2 * index + 1]
            seats = ids[index * group : (index + 1) * group]
            for rnd in range(rounds):
                k = self.rng.randint(2, group)
                chosen = sorted(self.rng.sample(seats, k))
                barrier = asyncio.Barrier(2)

                async def go(user: User, order: list[int], barrier: asyncio.Barrier = barrier) -> Result:
                    await barrier.wait()
                    return await self.hold(ledger, user, order)

                ra, rb = await asyncio.gather(go(a, chosen), go(b, chosen[::-1]))
                winners = [(u, r) for u, r in ((a, ra), (b, rb)) if r.status == 200]
                for r in (ra, rb):
                    if r.status == 409:
                        contested[r.code] += 1
                    elif r.status != 200:
                        self.api.violations.add("overlap", f"round {rnd}: {r.status} {r.body}")
                if len(winners) > 1:
                    self.api.violations.add("overlap", f"pair {index} round {rnd}: both won seats {chosen}")
                if winners:
                    won[0] += 1
                    user, _ = winners[0]
                    if rnd < rounds - 1:
                        await self.release(ledger, user, chosen)

        await asyncio.gather(*(pair(i) for i in range(pairs)))
        total = pairs * rounds
        notes.append(f"{won[0]} of {total} rounds had a winner; losers' 409 codes {dict(contested)}")
        outcome.update(successes=won[0], label="rounds won")

    async def scenario_hold_churn(self, start_observer, outcome, notes) -> None:
        n = self.args.churn_users - self.args.churn_users % 2
        half = n // 2
        ttl = self.args.churn_ttl
        users = await self.take_users(n)
        rounds = self.args.churn_rounds
        layout = await self.new_showtime("churn", rounds * half, ttl=ttl)
        ledger = Ledger(layout["show_id"], self.api.violations)
        ids = [s["id"] for s in layout["seats"]]
        await start_observer(ledger)
        counts = defaultdict(int)
        v = self.api.violations

        for rnd in range(rounds):
            a, b = (users[:half], users[half:]) if rnd % 2 == 0 else (users[half:], users[:half])
            seats = ids[rnd * half : (rnd + 1) * half]
            # 1. A_i holds seat i.
            first = await asyncio.gather(*(self.hold(ledger, a[i], [seats[i]]) for i in range(half)))
            held = [i for i in range(half) if first[i].status == 200]
            counts["held"] += len(held)
            for i in range(half):
                if first[i].status != 200:
                    v.add("churn", f"round {rnd}: free seat {seats[i]} refused: {first[i].status} {first[i].body}")
            # 2. B_i tries the same seat while A's hold is live: refused.
            stolen = await asyncio.gather(
                *(self.hold(ledger, b[i], [seats[i]], label="hold-seat (live)") for i in held)
            )
            for i, r in zip(held, stolen, strict=True):
                if r.status == 200:
                    v.add("churn", f"round {rnd}: {b[i].username} took seat {seats[i]} from a live hold")
                counts["refused while live"] += r.status == 409
            # 3. Even i: A releases, B re-holds at once.
            even = [i for i in held if i % 2 == 0]
            await asyncio.gather(*(self.release(ledger, a[i], [seats[i]]) for i in even))
            counts["released"] += len(even)
            rehold = await asyncio.gather(
                *(self.hold(ledger, b[i], [seats[i]], label="hold-seat (released)") for i in even)
            )
            for i, r in zip(even, rehold, strict=True):
                if r.status != 200:
                    v.add(
                        "churn",
                        f"round {rnd}: released seat {seats[i]} refused to {b[i].username}: {r.status} {r.body}",
                    )
                counts["re-held after release"] += r.status == 200
            # 4. Odd i: nobody releases; wait for the TTL, then the seat must be free again.
            odd = [i for i in held if i % 2 == 1]
            if odd:
                expiry = max(parse_ts(first[i].body["held_until"]) for i in odd)
                await asyncio.sleep(max(0.0, expiry - time.time()) + EXPIRY_SLACK)
                snapshot = await self.layout(ledger.show_id, label="hall-layout")
                status = {s["id"]: s["status"] for s in snapshot["seats"]}
                for i in odd:
                    if status[seats[i]] != "available":
                        v.add("churn", f"round {rnd}: seat {seats[i]} shows {status[seats[i]]} after its hold expired")
                taken = await asyncio.gather(
                    *(self.hold(ledger, b[i], [seats[i]], label="hold-seat (expired)") for i in odd)
                )
                for i, r in zip(odd, taken, strict=True):
                    if r.status != 200:
                        v.add("churn", f"round {rnd}: expired seat {seats[i]} refused: {r.status} {r.body}")
                    counts["re-held after expiry"] += r.status == 200
                # The former holder cannot come back while B holds it.
                back = await asyncio.gather(
                    *(self.hold(ledger, a[i], [seats[i]], label="hold-seat (live)") for i in odd[:3])
                )
                for i, r in zip(odd[:3], back, strict=True):
                    if r.status == 200:
                        v.add("churn", f"round {rnd}: {a[i].username} re-took seat {seats[i]} from a live hold")
        notes.append(", ".join(f"{k}: {val}" for k, val in counts.items()) + f" (TTL {ttl}s)")
        outcome.update(successes=counts["re-held after expiry"] + counts["re-held after release"], label="re-holds")
        if counts["re-held after expiry"] == 0:
            v.add("churn", "no seat was re-held after its hold expired")

    async def scenario_retry_storm(self, start_observer, outcome, notes) -> None:
        n, retries = self.args.retry_users, self.args.retries
        users = await self.take_users(n)
        layout = await self.new_showtime("retry", n * 3 + 4)
        ledger = Ledger(layout["show_id"], self.api.violations)
        ids = [s["id"] for s in layout["seats"]]
        spare = ids[-1]
        await start_observer(ledger)
        v = self.api.violations
        wanted = {u.username: ids[3 * i : 3 * i + self.rng.randint(1, 3)] for i, u in enumerate(users)}
        holds = await asyncio.gather(*(self.hold(ledger, u, wanted[u.username]) for u in users))
        ready = [u for u, h in zip(users, holds, strict=True) if h.status == 200]
        keys = {u.username: f"stress-{uuid.uuid4()}" for u in ready}
        barrier = asyncio.Barrier(len(ready) * retries) if ready else None

        async def attempt(user: User) -> Result:
            await barrier.wait()
            return await self.book(ledger, user, wanted[user.username], key=keys[user.username], retries=0)

        tasks = [attempt(u) for u in ready for _ in range(retries)]
        results = await asyncio.gather(*tasks)
        per_user: dict[str, list[Result]] = defaultdict(list)
        for u, r in zip([u for u in ready for _ in range(retries)], results, strict=True):
            per_user[u.username].append(r)
        confirmed = 0
        replays = 0
        for user in ready:
            rs = per_user[user.username]
            refs = {r.body["booking"]["reference"] for r in rs if r.status == 201}
            replays += sum(1 for r in rs if r.status == 201 and r.headers.get("idempotent-replayed") == "true")
            if len(refs) > 1:
                v.add("retry storm", f"{user.username}: one key gave {len(refs)} bookings {sorted(refs)}")
            if not refs:
                # Every attempt lost a lock race: retry once more, sequentially, with the same key.
                r = await self.book(ledger, user, wanted[user.username], key=keys[user.username])
                if r.status != 201:
                    v.add("retry storm", f"{user.username}: no booking after retries: {r.status} {r.body}")
                    continue
                refs = {r.body["booking"]["reference"]}
            confirmed += 1
            ref = next(iter(refs))
            # A late retry replays the same booking; the key on other seats is refused.
            late = await self.book(ledger, user, wanted[user.username], key=keys[user.username], retries=0)
            if late.status != 201 or late.body["booking"]["reference"] != ref:
                v.add("retry storm", f"{user.username}: late retry gave {late.status} {late.body}")
            other = await self.api.call(
                "POST", "/api/book-seat/", label="book-seat (key reuse)", user=user,
                headers={"Idempotency-Key": keys[user.username]}, expect={422},
                json_body={"show_id": ledger.show_id, "seat_ids": [spare]},
            )  # fmt: skip
            if other.status != 422 or other.code != "idempotency_key_reused":
                v.add("retry storm", f"{user.username}: key reused on other seats gave {other.status} {other.body}")
            mine = await self.api.call("GET", "/api/bookings/", label="bookings", user=user)
            if mine.status == 200:
                here = [b for b in mine.body if b["show_id"] == ledger.show_id]
                if [b["reference"] for b in here] != [ref]:
                    v.add(
                        "retry storm",
                        f"{user.username}: /api/bookings/ lists {[b['reference'] for b in here]}, not [{ref}]",
                    )
                elif sorted(here[0]["seat_ids"]) != sorted(wanted[user.username]):
                    v.add(
                        "retry storm",
                        f"{user.username}: booking seats {here[0]['seat_ids']} != {wanted[user.username]}",
                    )
        notes.append(
            f"{len(ready)} users x {retries} concurrent attempts: {confirmed} bookings, {replays} replayed responses"
        )
        outcome.update(successes=confirmed, label="idempotent bookings")

    async def scenario_pay_race(self, start_observer, outcome, notes) -> None:
        """Each user orders the seats they hold; half pay first with a declined card (402, the holds stay);
        then every user submits the good card `pay_clicks` times at once (double clicks, retries): exactly
        one paid order and one booking per user, every other answer 200 (the paid order again) or 409
        payment_in_progress; the audit checks the money (every booked seat on one paid order line, totals,
        refunds within payments)."""
        n, clicks = self.args.pay_users, self.args.pay_clicks
        users = await self.take_users(n)
        layout = await self.new_showtime("pay", n * 2)
        ledger = Ledger(layout["show_id"], self.api.violations)
        ids = [s["id"] for s in layout["seats"]]
        await start_observer(ledger)
        v = self.api.violations
        wanted = {u.username: ids[2 * i : 2 * i + 2] for i, u in enumerate(users)}
        orders: dict[str, str] = {}
        for user in users:
            if (await self.hold(ledger, user, wanted[user.username])).status != 200:
                continue
            r = await self.api.call(
                "POST", "/api/orders/", label="order", user=user,
                json_body={"show_id": ledger.show_id, "seats": [{"seat_id": s} for s in wanted[user.username]]},
            )  # fmt: skip
            if r.status != 201 or r.body["total"] != "20.00":
                v.add("pay race", f"{user.username}: order {r.status} {r.body}")
                continue
            orders[user.username] = r.body["reference"]
        ready = [u for u in users if u.username in orders]
        for user in ready[::2]:
            r = await self.pay(user, orders[user.username], DECLINED_CARD, expect={402})
            if r.status != 402 or r.code != "payment_declined":
                v.add("pay race", f"{user.username}: declined card gave {r.status} {r.body}")
        barrier = asyncio.Barrier(len(ready) * clicks) if ready else None

        async def click(user: User) -> Result:
            await barrier.wait()
            return await self.pay(user, orders[user.username], GOOD_CARD)

        tasks = [click(u) for u in ready for _ in range(clicks)]
        results = await asyncio.gather(*tasks)
        paid = 0
        for index, user in enumerate(ready):
            answers = results[index * clicks : (index + 1) * clicks]
            if any((r.status, r.code) not in ((200, None), (409, "payment_in_progress")) for r in answers):
                v.add("pay race", f"{user.username}: {[(r.status, r.code) for r in answers]}")
            reference = orders[user.username]
            final = await self.api.call("GET", f"/api/orders/{reference}/", label="order", user=user)
            if final.status != 200 or final.body["status"] != "paid" or final.body["booking_reference"] != reference:
                v.add("pay race", f"{user.username}: order after the race {final.status} {final.body}")
                continue
            if final.body["amount_paid"] != final.body["total"]:
                v.add("pay race", f"{user.username}: paid {final.body['amount_paid']} of {final.body['total']}")
            ledger.sold(user, sorted(wanted[user.username]), reference, final.received)
            paid += 1
        notes.append(f"{len(ready)} orders x {clicks} simultaneous payments: {paid} paid once each")
        outcome.update(successes=paid, label="paid orders")

    async def scenario_cancel_churn(self, start_observer, outcome, notes) -> None:
        """Each buyer pays for two seats, then cancels one while a newcomer tries to take it, then the other,
        then repeats a cancellation: every refund is exactly what was paid for the seats cancelled, a repeat
        changes nothing, a cancelled seat is sold again to at most one newcomer, and the audit's money checks
        (one live sale per seat, refunds within payments) hold."""
        n = self.args.cancel_users
        people = await self.take_users(2 * n)
        buyers, newcomers = people[:n], people[n:]
        layout = await self.new_showtime("cancel", 2 * n)
        ledger = Ledger(layout["show_id"], self.api.violations)
        ids = [s["id"] for s in layout["seats"]]
        await start_observer(ledger)
        v = self.api.violations
        bought: dict[str, tuple[str, list[int]]] = {}
        for index, buyer in enumerate(buyers):
            seats = ids[2 * index : 2 * index + 2]
            if (await self.hold(ledger, buyer, seats)).status != 200:
                continue
            order = await self.api.call(
                "POST", "/api/orders/", label="order", user=buyer,
                json_body={"show_id": ledger.show_id, "seats": [{"seat_id": s} for s in seats]},
            )  # fmt: skip
            if order.status != 201:
                v.add("cancel churn", f"{buyer.username}: order {order.status} {order.body}")
                continue
            paid = await self.pay(buyer, order.body["reference"], GOOD_CARD)
            if paid.status != 200:
                v.add("cancel churn", f"{buyer.username}: pay {paid.status} {paid.body}")
                continue
            ledger.sold(buyer, seats, order.body["reference"], paid.received)
            bought[buyer.username] = (order.body["reference"], seats)

        async def cancel(buyer: User, seats: list[int] | None, expect_refund: str) -> None:
            reference, all_seats = bought[buyer.username]
            ledger.cancelling(seats or all_seats)
            body = {"seat_ids": seats} if seats else {}
            r = await self.api.call(
                "POST", f"/api/bookings/{reference}/cancel/", label="cancel", user=buyer, json_body=body
            )
            if r.status != 200 or r.body["refund"] != expect_refund:
                v.add(
                    "cancel churn", f"{buyer.username}: cancel {seats} -> {r.status} {r.body}, refund {expect_refund}"
                )

        async def take(newcomer: User, seat: int) -> int:
            for _ in range(5):
                r = await self.hold(ledger, newcomer, [seat], label="hold-seat (cancelled)")
                if r.status == 200:
                    await self.release(ledger, newcomer, [seat])
                    return 1
                await asyncio.sleep(0.02)
            return 0

        pairs = [(buyer, newcomers[i]) for i, buyer in enumerate(buyers) if buyer.username in bought]
        first = [cancel(buyer, bought[buyer.username][1][:1], "10.00") for buyer, _ in pairs]
        takers = [take(newcomer, bought[buyer.username][1][0]) for buyer, newcomer in pairs]
        results = await asyncio.gather(*first, *takers)
        taken = sum(r for r in results if isinstance(r, int))
        await asyncio.gather(*(cancel(buyer, None, "10.00") for buyer, _ in pairs))
        await asyncio.gather(*(cancel(buyer, None, "0.00") for buyer, _ in pairs))  # a repeat: nothing
        cancelled = 0
        for buyer, _ in pairs:
            mine = await self.api.call("GET", "/api/bookings/", label="bookings", user=buyer)
            booking = next((b for b in mine.body or [] if b["reference"] == bought[buyer.username][0]), None)
            if booking is None or booking["seat_ids"] or booking["payment"]["amount_refunded"] != "20.00":
                v.add("cancel churn", f"{buyer.username}: after cancelling {booking}")
                continue
            cancelled += 1
        notes.append(f"{len(pairs)} bookings cancelled in two steps; {taken} cancelled seats taken by a newcomer")
        outcome.update(successes=cancelled, label="cancelled bookings")

    async def pay(self, user: User, reference: str, card: dict, *, expect: set[int] = frozenset()) -> Result:
        return await self.api.call(
            "POST", f"/api/orders/{reference}/pay/", label="pay", user=user,
            json_body={"method": "card", "card": card}, expect=expect,
        )  # fmt: skip

    async def scenario_best_available_herd(self, start_observer, outcome, notes) -> None:
        n = self.args.herd_users
        users = await self.take_users(n)
        rows = max(2, math.ceil(n * 4 / 20 * 0.6))  # ~60 % of the seats asked for: some parties find no block
        plan = "\n".join(f"{chr(ord('A') + i)}: SSSS_SSSSSSSSSSSS_SSSS" for i in range(rows))
        layout = await self.new_showtime("best", rows * 20, plan=plan)
        ledger = Ledger(layout["show_id"], self.api.violations)
        place = {s["id"]: (s["row"], s["segment"], s["column"]) for s in layout["seats"]}
        barrier = asyncio.Barrier(n)
        await start_observer(ledger)

        async def party(user: User) -> tuple[int, Result]:
            quantity = self.rng.randint(2, 6)
            await barrier.wait()
            r = await self.api.call(
                "POST", "/api/hold-best-available/", label="hold-best-available", user=user,
                json_body={"show_id": ledger.show_id, "quantity": quantity},
            )  # fmt: skip
            if r.status == 200:
                ledger.held(user, sorted(r.body["seat_ids"]), r)
            return quantity, r

        results = await asyncio.gather(*(party(u) for u in users))
        final = await self.layout(ledger.show_id, label="setup")
        free = {s["id"] for s in final["seats"] if s["status"] == "available"}
        fallbacks: dict[str, int] = defaultdict(int)
        for quantity, r in results:
            if r.status == 200:
                fallbacks[r.body["fallback"]] += 1
                self._check_block(r.body, quantity, place)
            elif r.code == "no_block" and _largest_free_run(free, place) >= quantity:
                self.api.violations.add("no_block", f"{quantity} seats refused, yet a block of them is still free")
            elif r.code != "no_block":
                self.api.violations.add("best available", f"{r.status} {r.body}")
        singles = _single_seats(free, place)
        allowed = 2 * fallbacks["single_seat"] + 4 * fallbacks["split_rows"]
        if len(singles) > allowed:
            self.api.violations.add(
                "orphan audit",
                f"{len(singles)} seats left alone, the fallbacks explain {allowed}: {sorted(singles)[:10]}",
            )
        notes.append(
            f"{sum(fallbacks.values())} of {n} parties seated ({dict(fallbacks)}); {len(singles)} single seats left"
        )
        outcome.update(successes=sum(fallbacks.values()), label="parties seated")

    def _check_block(self, body: dict, quantity: int, place: dict) -> None:
        seats = sorted(place[i] for i in body["seat_ids"])
        if len(seats) != quantity:
            self.api.violations.add("best available", f"asked for {quantity}, got {body}")
            return
        runs = defaultdict(list)
        for row, segment, column in seats:
            runs[(row, segment)].append(column)
        adjacent = all(cols == list(range(cols[0], cols[0] + len(cols))) for cols in runs.values())
        rows = sorted({row for row, _ in runs})
        if body["fallback"] == "split_rows":
            ok = adjacent and len(runs) == 2 and len(rows) == 2 and ord(rows[1][-1]) - ord(rows[0][-1]) == 1
        else:
            ok = adjacent and len(runs) == 1
        if not ok:
            self.api.violations.add("best available", f"not a block ({body['fallback']}): {seats}")

    async def scenario_greedy(self, start_observer, outcome, notes) -> None:
        (user,) = await self.take_users(1)
        g = self.args.greedy_requests
        layout = await self.new_showtime("greedy", g * 3)
        cap = layout["max_seats_per_hold"]
        ledger = Ledger(layout["show_id"], self.api.violations)
        ids = [s["id"] for s in layout["seats"]]
        await start_observer(ledger)
        v = self.api.violations
        granted_total = 0
        codes = defaultdict(int)
        for rnd in range(self.args.greedy_rounds):
            requests, cursor = [], 0
            for _ in range(g):
                k = 1 if self.rng.random() < 0.7 else self.rng.randint(2, 3)
                requests.append(ids[cursor : cursor + k])
                cursor += k
            barrier = asyncio.Barrier(len(requests))

            async def go(seats: list[int], barrier: asyncio.Barrier = barrier) -> Result:
                await barrier.wait()
                return await self.hold(ledger, user, seats)

            results = await asyncio.gather(*(go(s) for s in requests))
            granted = [s for s, r in zip(requests, results, strict=True) if r.status == 200]
            for r in results:
                if r.status == 409:
                    codes[r.code] += 1
            count = sum(len(s) for s in granted)
            granted_total += count
            mine = await self.layout(ledger.show_id, user=user, label="hall-layout")
            held_by_me = [s["id"] for s in mine["seats"] if s["held_by_me"]]
            if count > cap or len(held_by_me) > cap:
                v.add("greedy", f"round {rnd}: granted {count} seats, layout shows {len(held_by_me)} held; cap {cap}")
            if sorted(held_by_me) != sorted(seat for s in granted for seat in s):
                v.add("greedy", f"round {rnd}: layout holds {sorted(held_by_me)} != granted {granted}")
            notes.append(
                f"round {rnd}: {len(requests)} concurrent holds -> {len(granted)} granted, {count} seats (cap {cap})"
            )
            if rnd < self.args.greedy_rounds - 1 and granted:
                await self.release(ledger, user, [seat for s in granted for seat in s])
            # next round on the same seats: everything released or refused is free again
        notes.append(f"409 codes {dict(codes)}")
        if codes.get("hold_limit", 0) == 0 and g > cap:
            v.add("greedy", "no request was refused with hold_limit")
        outcome.update(successes=granted_total, label="seats held")

    async def scenario_exhaustion(self, start_observer, outcome, notes) -> None:
        n, seats_n = self.args.exhaustion_clients, self.args.exhaustion_seats
        if n <= seats_n:
            raise SetupError(f"exhaustion needs more clients ({n}) than seats ({seats_n})")
        users = await self.take_users(n)
        layout = await self.new_showtime("exhaust", seats_n)
        capacity = len(layout["seats"])
        ledger = Ledger(layout["show_id"], self.api.violations)
        await start_observer(ledger)
        barrier = asyncio.Barrier(n)
        v = self.api.violations
        ends = defaultdict(int)

        async def client(user: User) -> None:
            snapshot = await self.layout(ledger.show_id, user=user)
            candidates = [s["id"] for s in snapshot["seats"] if s["status"] == "available"]
            self.rng.shuffle(candidates)
            conflicts = 0
            await barrier.wait()
            for _ in range(4 * capacity + 40):
                if not candidates:
                    snapshot = await self.layout(ledger.show_id, user=user)
                    candidates = [s["id"] for s in snapshot["seats"] if s["status"] == "available"]
                    if not candidates:
                        if snapshot["counts"]["held"] == 0:
                            ends["sold out (clean 409s)" if conflicts else "sold out before trying"] += 1
                            return
                        await asyncio.sleep(0.05)
                        continue
                seat = candidates.pop()
                h = await self.hold(ledger, user, [seat])
                if h.status == 409:
                    conflicts += 1
                    continue
                if h.status != 200:
                    continue
                b = await self.book(ledger, user, [seat])
                if b.status == 201:
                    ends["booked"] += 1
                    return
                v.add("booking own hold", f"{user.username} seat {seat}: {b.status} {b.body}")
            ends["gave up (iteration bound)"] += 1

        await asyncio.gather(*(client(u) for u in users))
        notes.append(f"{n} clients for {capacity} seats: {dict(ends)}")
        slow = [lat for st in self.api.stats.values() for lat in st.latencies if lat > self.args.max_wait]
        if slow:
            v.add("exhaustion", f"{len(slow)} requests took longer than {self.args.max_wait}s (max {max(slow):.1f}s)")
        if ends["booked"] != capacity:
            v.add("exhaustion", f"{ends['booked']} clients booked, {capacity} seats")
        if ends["gave up (iteration bound)"]:
            v.add("exhaustion", f"{ends['gave up (iteration bound)']} clients never reached an answer")
        outcome.update(successes=ends["booked"], label="seats booked")

    # --- server log ---

    def mark_server_log(self) -> None:
        """Remember where the server log ends: only what is appended from now on is checked."""
        path = self.args.server_log
        if path is not None:
            try:
                self.log_pos = path.stat().st_size
            except OSError:
                self.log_pos = 0

    def server_log_problems(self) -> list[str]:
        """Error lines appended to the server log since the last call (or the mark)."""
        if self.args.server_log is None:
            return []
        try:
            with open(self.args.server_log, "rb") as fh:
                fh.seek(self.log_pos)
                data = fh.read()
        except OSError as exc:
            return [f"cannot read {self.args.server_log}: {exc}"]
        self.log_pos += len(data)
        return [line.decode(errors="replace")[:300] for line in data.splitlines() if SERVER_LOG_PATTERNS.search(line)]


class SetupError(Exception):
    pass


# --- output -----------------------------------------------------------------------------------------------


def print_report(report: ScenarioReport) -> None:
    verdict = "PASS" if report.passed else "FAIL"
    print(f"\n== {report.name}: {verdict}  ({report.elapsed:.1f}s, {report.successes} {report.success_label})")
    header = f"  {'endpoint':<24}{'requests':>9}{'ok':>7}{'409':>7}{'4xx':>6}{'errors':>7}{'req/s':>9}"
    header += f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    print(header)
    totals = EndpointStats()
    for label, row in report.stats.items():
        print(
            f"  {label:<24}{row['requests']:>9}{row['ok']:>7}{row['conflicts']:>7}{row['rejected']:>6}"
            f"{row['errors']:>7}{row['rps']:>9.1f}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{row['max_ms']:>9.1f}"
        )
        totals.ok += row["ok"]
        totals.conflicts += row["conflicts"]
        totals.rejected += row["rejected"]
        totals.errors += row["errors"]
    requests = sum(r["requests"] for r in report.stats.values())
    rps = requests / report.elapsed if report.elapsed else 0
    print(
        f"  {'total':<24}{requests:>9}{totals.ok:>7}{totals.conflicts:>7}{totals.rejected:>6}"
        f"{totals.errors:>7}{rps:>9.1f}"
    )
    for note in report.notes:
        print(f"  - {note}")
    for violation in report.violations:
        print(f"  ! {violation}")


async def amain(args: argparse.Namespace) -> int:
    for base_url in args.base_urls:
        reason = check_loopback(base_url)
        if reason and not args.allow_remote:
            print(f"refusing {base_url}: {reason} (pass --allow-remote to stress a remote server)", file=sys.stderr)
            return 2
    stress = Stress(args)
    print(f"Boxoffice stress run {stress.run_id} against {args.base_url} (seed {args.seed})")
    print(f"scenarios: {', '.join(args.scenarios)}{'  [--small]' if args.small else ''}")
    if args.server_log is None:
        print("server log: not checked (no --server-log PATH given): tracebacks on the server would go unnoticed")
    else:
        print(f"server log: {args.server_log} (lines appended during the run are checked)")
    reports: list[ScenarioReport] = []
    stress.mark_server_log()
    try:
        r = await stress.api.call("GET", "/api/health/", label="setup", record=False, expect={503})
        if r.status != 200:
            print(f"server not healthy: {r.status} {r.body}", file=sys.stderr)
            return 2
        try:
            await stress.login_staff()
        except SetupError as exc:
            print(f"setup failed: {exc}", file=sys.stderr)
            return 2
        needs = {
            "hot_seat": args.hot_clients, "flash_sale": args.clients, "overlap": 2 * args.pairs,
            "hold_churn": args.churn_users, "retry_storm": args.retry_users, "greedy": 1,
            "exhaustion": args.exhaustion_clients, "pay_race": args.pay_users, "cancel_churn": 2 * args.cancel_users,
            "best_available_herd": args.herd_users,
        }  # fmt: skip
        pool = max(needs[name] for name in args.scenarios)
        t0 = time.perf_counter()
        try:
            await stress.take_users(pool)
        except SetupError as exc:
            print(f"setup failed: {exc}", file=sys.stderr)
            return 2
        print(f"registered {pool} users through /api/auth/register/ in {time.perf_counter() - t0:.1f}s")
        _, setup_problems = stress.api.take_stats()
        for line in stress.server_log_problems():
            setup_problems.add("server log (setup)", line)
        for item in setup_problems.items:
            print(f"  ! {item}")
        t0 = time.perf_counter()
        for name in args.scenarios:
            report = await stress.run_scenario(name)
            reports.append(report)
            print_report(report)
        _, leftover = stress.api.take_stats()
        for line in stress.server_log_problems():  # appended outside any scenario (setup, last audit)
            leftover.add("server log", line)
        total = time.perf_counter() - t0
    finally:
        await stress.api.close()

    failed = [r.name for r in reports if not r.passed]
    print(f"\n{len(reports) - len(failed)}/{len(reports)} scenarios passed in {total:.1f}s ({len(stress.users)} users)")
    if len(args.base_urls) > 1:
        spread = ", ".join(f"{url}: {count}" for url, count in sorted(stress.api.per_server.items()))
        print(f"requests per server: {spread}")
    for item in leftover.items:
        print(f"  ! {item}")
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(
            json.dumps(
                {
                    "run_id": stress.run_id,
                    "base_url": args.base_url,
                    "seed": args.seed,
                    "scenarios": [r.__dict__ for r in reports],
                },
                indent=2,
                default=str,
            )
        )
    if failed or leftover or setup_problems:
        print(f"FAIL: {', '.join(failed) or 'run-level errors'}")
        return 1
    print("PASS")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return asyncio.run(amain(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
