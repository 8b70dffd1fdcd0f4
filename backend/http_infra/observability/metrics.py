"""The Prometheus metrics of Boxoffice and the registry /metrics exposes.

Per-request metrics are counters and a histogram updated from `ObservabilityMiddleware`'s answers a batch
at a time (one increment per labelled child per batch), no database work. Everything that needs the
database (live and expired-but-unswept holds, PostgreSQL backends) is read by `DatabaseCollector` when
/metrics is scraped, never on the request path.

Under gunicorn the workers are separate processes: gunicorn.conf.py points PROMETHEUS_MULTIPROC_DIR at a
fresh directory per server run, every worker writes its samples there (prometheus_client's multiprocess
mode) and the scrape, answered by any one worker, sums them. Without that variable (tests, runserver) the
process's own default registry is exposed.
"""

import bisect
import logging
import os
import threading
import weakref
from datetime import timedelta

from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import Count
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

logger = logging.getLogger(__name__)

# Seat writes answer in a few ms, a contended one waits up to LOCK_TIMEOUT_MS (2 s by default).
LATENCY_BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "boxoffice_http_requests",
    "HTTP requests answered, by endpoint (URL route name), method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "boxoffice_http_request_duration_seconds",
    "Time from the first middleware to the response, by endpoint, method and status class (2xx..5xx).",
    ["endpoint", "method", "status_class"],
    buckets=LATENCY_BUCKETS,
)
HOLDS = Counter("boxoffice_holds", "Successful hold requests (POST /api/hold-seat/ answered 200).")
BOOKINGS = Counter(
    "boxoffice_bookings",
    "Successful booking requests (POST /api/book-seat/ answered 201); replayed=true for an Idempotency-Key replay.",
    ["replayed"],
)
RELEASES = Counter("boxoffice_releases", "Successful release requests (POST /api/release-seat/ answered 200).")
SEATS = Counter(
    "boxoffice_seats",
    "Seats changed by successful requests, by operation (held, booked, released; replays not counted).",
    ["operation"],
)
CONFLICTS = Counter("boxoffice_conflicts", "409 answers by endpoint and error code.", ["endpoint", "code"])
LOCK_TIMEOUTS = Counter(
    "boxoffice_lock_timeouts",
    "409 lock_timeout answers: a seat's row lock (or the user's lock) was not granted within LOCK_TIMEOUT_MS.",
    ["endpoint"],
)
REJECTIONS = Counter(
    "boxoffice_rejections", "Other 4xx answers by endpoint, status and error code.", ["endpoint", "status", "code"]
)
DB_CONNECTIONS = Gauge(
    "boxoffice_db_connections_open",
    "Open Django database connections (persistent ones included), counted by each process at most once a second.",
    multiprocess_mode="livesum",
)


def observe_all(child, values: list[float]) -> None:
    """What `child.observe(value)` for each value adds up to, in one increment per bucket touched.
    prometheus_client has no public bulk observe; a histogram's child keeps `_upper_bounds` (ending in +Inf),
    `_buckets` and `_sum` (http_infra/tests/observability/test_batches.py holds the two ways equal)."""
    per_bucket = [0] * len(child._upper_bounds)
    for value in values:
        per_bucket[bisect.bisect_left(child._upper_bounds, value)] += 1  # the first bound >= value
    child._sum.inc(sum(values))
    for bucket, n in zip(child._buckets, per_bucket, strict=True):
        if n:
            bucket.inc(n)


# --- Django connections open in this process ---------------------------------------------------------------
# Connections are per thread; every wrapper that ever connected is remembered (weakly) so a request can
# count the open ones of all threads without touching the database.
_wrappers: "weakref.WeakSet" = weakref.WeakSet()
_wrappers_lock = threading.Lock()


def _remember_wrapper(sender, connection, **kwargs):
    with _wrappers_lock:
        _wrappers.add(connection)


connection_created.connect(_remember_wrapper, dispatch_uid="boxoffice-metrics-connections")


def open_connections() -> int:
    with _wrappers_lock:
        wrappers = list(_wrappers)
    return sum(1 for wrapper in wrappers if wrapper.connection is not None)


# --- read at scrape time -------------------------------------------------------------------------------------


class DatabaseCollector:
    """Gauges read from PostgreSQL when /metrics is scraped (a few index-backed queries per scrape).

    A failing database never fails the scrape: boxoffice_db_up is 0 and the other gauges are left out.
    """

    def describe(self):
        return []  # nothing read at registration time

    def collect(self):
        from booking.models import ShowSeat  # the app registry is ready by the first scrape
        from booking.seat_state import expired_hold_q, live_hold_q

        up = GaugeMetricFamily("boxoffice_db_up", "1 when the scrape's queries reached the database.")
        try:
            now = timezone.now()
            holds = ShowSeat.objects.filter(status=ShowSeat.Status.HELD).aggregate(
                live=Count("pk", filter=live_hold_q(now)),
                expired=Count("pk", filter=expired_hold_q(now)),
                stale=Count("pk", filter=expired_hold_q(now - timedelta(minutes=1))),
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() GROUP BY 1"
                )
                backends = cursor.fetchall()
                cursor.execute("SELECT current_setting('max_connections')::int")
                (max_connections,) = cursor.fetchone()
                # Every process's seat changes, the sweeper's expiries included, from the seat history.
                cursor.execute("SELECT event, count(*) FROM booking_seatevent GROUP BY 1")
                seat_events = cursor.fetchall()
        except Exception as exc:  # the database is down or slow: report that, keep the other metrics
            logger.warning("metrics: database gauges unavailable: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "boxoffice_holds_live", "Seats held right now (status held, expiry in the future).", value=holds["live"]
        )
        yield GaugeMetricFamily(
            "boxoffice_holds_expired_unswept",
            "Held rows whose expiry passed and that the sweeper has not released yet (read as available anyway).",
            value=holds["expired"],
        )
        yield GaugeMetricFamily(
            "boxoffice_holds_expired_unswept_over_1m",
            "Expired held rows older than one minute: should stay ~0 while the sweeper (every 5 s) runs.",
            value=holds["stale"],
        )
        family = GaugeMetricFamily(
            "boxoffice_db_backends", "PostgreSQL backends connected to this database, by state.", labels=["state"]
        )
        for state, count in backends:
            family.add_metric([state], count)
        yield family
        yield GaugeMetricFamily("boxoffice_db_max_connections", "PostgreSQL's max_connections.", value=max_connections)
        events = CounterMetricFamily(
            "boxoffice_seat_events",
            "Seat changes recorded in the seat history, by event (held, released, expired, booked).",
            labels=["event"],
        )
        for event, count in seat_events:
            events.add_metric([event], count)
        yield events


class _Forward:
    """Exposes another registry's metrics (the process's default one) through the scrape registry."""

    def __init__(self, source):
        self.source = source

    def describe(self):
        return []

    def collect(self):
        return self.source.collect()


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


_scrape_registry: CollectorRegistry | None = None
_scrape_registry_lock = threading.Lock()


def scrape_registry() -> CollectorRegistry:
    """What /metrics exposes: every worker's samples (multiprocess mode) or this process's, plus the DB gauges."""
    global _scrape_registry
    with _scrape_registry_lock:
        if _scrape_registry is None:
            registry = CollectorRegistry(auto_describe=False)
            if multiprocess_dir():
                from prometheus_client import multiprocess

                multiprocess.MultiProcessCollector(registry)
            else:
                registry.register(_Forward(REGISTRY))
            registry.register(DatabaseCollector())
            _scrape_registry = registry
        return _scrape_registry
