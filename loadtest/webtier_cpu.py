"""The web tier's CPU per request, measured in-process: Django's WSGI application called directly, with no
HTTP server, no client and no other thread in the process, so that what a change to the Python request path
saves shows through the noise that an HTTP benchmark (±15 % here) hides.

    .venv/bin/python loadtest/webtier_cpu.py [--requests N] [--rounds R] [--hall ROWSxSEATS] [KIND ...]

With --observability each round is run twice, alternately: through the full middleware stack and through one
without the request log and metrics middleware, in the same process, so that their share of each kind's CPU
(1 - without / with, least against least) shows through the noise that separate runs add.

KIND: hold (a hold and its release: two requests), loser (a hold of a seat someone else holds: a hot seat's
loser), 404 (an unknown API path), 304 (a seat-map poll with a current ETag), layout (a full seat-map read),
best (best available for a party of 2 and the release of its seats: two requests; try --hall 25x40).

It creates a database of its own on the server of DATABASE_URL (default: postgres@127.0.0.1:5432), migrates and
seeds it, and drops it at the end. What production runs is on: rate limits (lifted rates, so every hold is
counted), Prometheus in multiprocess mode, the request log (sent to /dev/null while measuring). Each round
runs N requests of one kind; the figure is the least process CPU per request over R rounds (the least is the
run the machine disturbed least). It measures Python's share only: PostgreSQL's and the HTTP server's are
`make bench`'s. To compare two trees, run it in each, alternately (a worktree, or git stash), a few times.
"""

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BACKEND = Path(__file__).resolve().parent.parent / "backend"
KINDS = ("hold", "loser", "404", "304", "layout", "best")


def make_database(server_url: str) -> str:
    name = f"boxoffice_webtier_{os.getpid()}"
    with psycopg.connect(server_url, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(server_url: str, url: str) -> None:
    with psycopg.connect(server_url, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}" WITH (FORCE)')


class App:
    """The WSGI application with a seeded showtime, five users with tokens, and one seat held by user 0."""

    def __init__(self, rows: int, seats_per_row: int):
        from django.core.management import call_command
        from django.core.wsgi import get_wsgi_application
        from rest_framework.authtoken.models import Token

        from booking.tests.conftest import make_showtime, seat_ids_of
        from booking.tests.factories import UserFactory

        call_command("migrate", verbosity=0)
        self.wsgi = self.full = get_wsgi_application()
        self.show = make_showtime(rows=rows, seats_per_row=seats_per_row)
        self.seats = seat_ids_of(self.show)
        self.tokens = [Token.objects.create(user=UserFactory()).key for _ in range(5)]
        self.layout = f"/api/hall-layout/{self.show.pk}/"
        self.call("POST", "/api/hold-seat/", {"show_id": self.show.pk, "seat_ids": [self.seats[0]]}, self.tokens[0])
        self.etags: dict[str, str] = {}
        self.bare = None

    def without_observability(self):
        """The same application without the request log and metrics middleware (settings are read when a
        handler loads its middleware)."""
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler

        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = [m for m in full if not m.endswith(".ObservabilityMiddleware")]
        try:
            return WSGIHandler()
        finally:
            settings.MIDDLEWARE = full

    def read_etags(self) -> None:
        """Each caller's current ETag (holds and releases move them)."""
        self.etags = {token: self.call("GET", self.layout, token=token)[1]["ETag"] for token in self.tokens}

    def call(self, method: str, path: str, body=None, token: str | None = None, etag: str | None = None):
        data = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(data)),
            "wsgi.input": io.BytesIO(data),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Token {token}"
        if etag:
            environ["HTTP_IF_NONE_MATCH"] = etag
        started = []
        body = b"".join(self.wsgi(environ, lambda status, headers, exc_info=None: started.append((status, headers))))
        status, headers = started[0]
        return status, dict(headers), body

    def request(self, kind: str, i: int) -> int:
        """One step of `kind`; returns how many requests it made."""
        token = self.tokens[1 + i % 4]
        if kind == "hold":
            seat = {"show_id": self.show.pk, "seat_ids": [self.seats[1 + i % (len(self.seats) - 1)]]}
            self.expect("200", "POST", "/api/hold-seat/", seat, token)
            self.expect("200", "POST", "/api/release-seat/", seat, token)
            return 2
        if kind == "best":
            body = {"show_id": self.show.pk, "quantity": 2}
            seats = json.loads(self.expect("200", "POST", "/api/hold-best-available/", body, token))["seat_ids"]
            self.expect("200", "POST", "/api/release-seat/", {"show_id": self.show.pk, "seat_ids": seats}, token)
            return 2
        if kind == "loser":
            self.expect("409", "POST", "/api/hold-seat/", {"show_id": self.show.pk, "seat_ids": [self.seats[0]]}, token)
        elif kind == "404":
            self.expect("404", "GET", "/api/no-such-endpoint/")
        elif kind == "304":
            self.expect("304", "GET", self.layout, token=token, etag=self.etags[token])
        else:
            self.expect("200", "GET", self.layout, token=token)
        return 1

    def expect(self, status: str, *args, **kwargs) -> bytes:
        got, _, body = self.call(*args, **kwargs)
        if not got.startswith(status):
            raise SystemExit(f"{args[0]} {args[1]}: expected {status}, got {got}")
        return body


def measure(app: App, kind: str, requests: int, rounds: int, handlers: tuple) -> list[list[float]]:
    """Process CPU per request (ms) of each round, per handler (the handlers take turns, round by round)."""
    if kind == "304":
        app.read_etags()
    for app.wsgi in handlers:
        for i in range(100):  # warm up: prepared statements, caches, the layout board
            app.request(kind, i)
    per_request, i = [[] for _ in handlers], 0
    for n in range(rounds):
        turns = list(zip(per_request, handlers, strict=True))
        for runs, app.wsgi in turns if n % 2 else reversed(turns):  # who goes first alternates too
            made, started = 0, time.process_time()
            while made < requests:
                made += app.request(kind, i)
                i += 1
            runs.append(1000 * (time.process_time() - started) / made)
    app.wsgi = app.full
    return per_request


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kinds", nargs="*", metavar="KIND", help=f"any of {', '.join(KINDS)} (default: all)")
    p.add_argument("--requests", type=int, default=1000, help="requests per round (default 1000)")
    p.add_argument("--rounds", type=int, default=5, help="rounds per kind (default 5)")
    p.add_argument("--hall", default="10x20", help="ROWSxSEATS of the showtime's hall (default 10x20)")
    p.add_argument(
        "--observability",
        action="store_true",
        help="also run each round without the request log and metrics middleware, and print their share",
    )
    args = p.parse_args()
    if unknown := set(args.kinds) - set(KINDS):
        p.error(f"unknown kind(s): {', '.join(sorted(unknown))}")
    args.kinds = args.kinds or list(KINDS)
    rows, seats_per_row = (int(n) for n in args.hall.lower().split("x"))

    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url = make_database(server_url)
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY", "webtier-cpu-" + "x" * 40),
        DEBUG="false",
        THROTTLES_ENABLED="true",
        THROTTLE_RATES="hold=100000000/min,book=100000000/min",
        PROMETHEUS_MULTIPROC_DIR=tempfile.mkdtemp(prefix="webtier-metrics-"),
    )
    sys.path.insert(0, str(BACKEND))
    import django
    from django.db import connections

    django.setup()
    try:
        app = App(rows, seats_per_row)
        handlers = (app.full, app.without_observability()) if args.observability else (app.full,)
        stderr = os.dup(2)
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)  # the request log, one line per request
            try:
                results = {kind: measure(app, kind, args.requests, args.rounds, handlers) for kind in args.kinds}
            finally:
                os.dup2(stderr, 2)
        hall = f"{rows}x{seats_per_row}"
        for kind, (runs, *bare) in results.items():
            print(
                f"{kind:7} least {min(runs):.3f} ms of CPU per request (hall {hall}); "
                f"rounds: {', '.join(f'{r:.3f}' for r in runs)}"
            )
            if bare:
                (bare,) = bare
                # Each round's pair ran back to back: the median of their ratios is what drift and noise
                # disturb least.
                share = 1 - statistics.median(b / f for b, f in zip(bare, runs, strict=True))
                print(
                    f"{'':7} without the request log and metrics: least {min(bare):.3f} ms; their share "
                    f"{100 * share:.1f} % (median of the rounds' pairs); rounds: {', '.join(f'{r:.3f}' for r in bare)}"
                )
    finally:
        connections.close_all()
        drop_database(server_url, url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
