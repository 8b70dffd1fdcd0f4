"""One middleware for the request log line and the per-request metrics.

It is the outermost middleware, so its clock covers every other middleware (the 413 of the body limit and
WhiteNoise's static files included). Per request it reads what the request and response already carry —
the resolved URL's name, the status, DRF's `response.data["code"]`, the user the authentication set — and
touches the database never. A request thread only takes those values (an answer); a background thread of
its process turns each batch of answers into metrics and log lines (`apply_answers`), so a line is written
and a scrape of another worker sees a request at most ~0.2 s after it was answered.
"""

import collections
import functools
import logging
import re
import time

import orjson
from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty

from http_infra.observability import metrics
from http_infra.observability.batches import Batches
from http_infra.observability.logging import log_line

logger = logging.getLogger("boxoffice.request")

# Probes and scrapes: logged at DEBUG when they succeed, so they do not drown the INFO log.
QUIET_ENDPOINTS = frozenset({"health", "ready", "metrics"})
SEAT_WRITES = {"hold-seat": "held", "book-seat": "booked", "release-seat": "released"}


def endpoint_of(request, response) -> str:
    """A bounded label for the request: the URL pattern's name, never the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        # Answered before (or without) URL routing: WhiteNoise's files, a path no pattern matches, or a
        # middleware's own answer (413 body limit, HTTPS redirect).
        if response.streaming or response.status_code == 304:
            return "static"
        return "unresolved" if response.status_code == 404 else "middleware"
    if match.app_name == "admin" or "admin" in match.namespaces:
        return "admin"
    return match.url_name or ("api-not-found" if request.path.startswith("/api/") else "unnamed")


def user_id_of(request) -> int | None:
    """The authenticated user's id, only if something already looked the user up (no query here)."""
    user = request.__dict__.get("user")  # DRF's token authentication sets it on the Django request too
    if isinstance(user, SimpleLazyObject):
        user = user._wrapped
        if user is empty:
            return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def error_code_of(response) -> str:
    """The API error code of a 4xx: DRF responses keep `.data`; JsonResponse errors are parsed (small)."""
    data = getattr(response, "data", None)
    if data is None and not response.streaming and response.get("Content-Type", "").startswith("application/json"):
        try:
            data = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            data = None
    code = data.get("code") if isinstance(data, dict) else None
    return str(code)[:64] if code else "none"


_LOGFMT_BARE = re.compile(r"[A-Za-z0-9_\-./:]+")


def _logfmt_value(value) -> str:
    text = str(value)
    if _LOGFMT_BARE.fullmatch(text):
        return text
    return orjson.dumps(text).decode()  # quoted and escaped: no newline or quote can forge a field


@functools.lru_cache(maxsize=4096)
def _child(metric, *labels: str):
    """A labelled child looked up once per process (labels are bounded: route names, methods, statuses,
    error codes), not per request."""
    return metric.labels(*labels)


METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})

# The open-connections gauge changes only when a thread connects or a connection is closed: counting
# them once a second per process is as current as a scrape every few seconds can tell.
_CONNECTIONS_EVERY = 1.0


# What one request's metrics and log line need, taken from the request and its response, as a plain tuple:
#   (at: time.time() at the answer, duration: seconds from the first middleware to the response, method,
#    path, endpoint, status, user_id: int | None, code: a 4xx's API error code | None,
#    replayed: a booking replayed by its Idempotency-Key, seats: a successful seat write's seats | None,
#    log: settings.REQUEST_LOG when the middleware was made)
# A plain tuple of str, number, bool and None, not a NamedTuple: the collector stops tracking such a tuple at its
# first pass, so the ~1,000 waiting for their batch do not weigh on every collection meanwhile (with NamedTuples
# observability took 5.8 % of a full layout read's CPU, which allocates much, against 1.8-1.9 % now).
Answer = tuple


def seat_write_of(endpoint: str, response) -> tuple[bool, int]:
    """(replayed, seats changed) of a successful seat write."""
    data = getattr(response, "data", None) or {}
    if endpoint == "book-seat":
        replayed = response.get("Idempotent-Replayed") == "true"
        return replayed, 0 if replayed else len((data.get("booking") or {}).get("seat_ids") or ())
    return False, len(data.get("seat_ids") or ())


class ObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.log_requests = getattr(settings, "REQUEST_LOG", True)

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration = time.perf_counter() - started
        try:
            ANSWERS.add(self.answer(request, response, duration))
        except Exception:  # observing must never turn an answer into a 500
            logger.exception("request metrics failed")
        return response

    def answer(self, request, response, duration: float) -> Answer:
        """Only what must be read while the request and response are at hand; the rest is `apply_answers`'."""
        status = response.status_code
        endpoint = endpoint_of(request, response)
        code = error_code_of(response) if 400 <= status < 500 else None
        replayed, seats = (
            seat_write_of(endpoint, response) if status < 300 and endpoint in SEAT_WRITES else (False, None)
        )
        return (
            time.time(), duration, request.method, request.path, endpoint, status, user_id_of(request), code,
            replayed, seats, self.log_requests,
        )  # fmt: skip


def apply_answers(answers: list[Answer]) -> None:
    """A batch of answers into the metrics (one increment per labelled child) and the request log."""
    counts: collections.Counter = collections.Counter()
    durations: dict = collections.defaultdict(list)
    for at, duration, method, path, endpoint, status, user_id, code, replayed, seats, log in answers:
        label = method if method in METHODS else "other"
        counts[_child(metrics.REQUESTS, endpoint, label, str(status))] += 1
        durations[_child(metrics.LATENCY, endpoint, label, f"{status // 100}xx")].append(duration)
        if status == 409:
            counts[_child(metrics.CONFLICTS, endpoint, code)] += 1
            if code == "lock_timeout":
                counts[_child(metrics.LOCK_TIMEOUTS, endpoint)] += 1
        elif code is not None:
            counts[_child(metrics.REJECTIONS, endpoint, str(status), code)] += 1
        elif seats is not None:
            count_seat_write(counts, endpoint, replayed, seats)
        if log:
            log_answer(at, duration, method, path, endpoint, status, user_id, code)
    for child, n in counts.items():
        child.inc(n)
    for child, values in durations.items():
        metrics.observe_all(child, values)
    count_connections()


def count_seat_write(counts, endpoint: str, replayed: bool, seats: int) -> None:
    if endpoint == "hold-seat":
        counts[metrics.HOLDS] += 1
    elif endpoint == "release-seat":
        counts[metrics.RELEASES] += 1
    else:
        counts[_child(metrics.BOOKINGS, "true" if replayed else "false")] += 1
    if seats:
        counts[_child(metrics.SEATS, SEAT_WRITES[endpoint])] += seats


_connections_counted_at = float("-inf")


def count_connections() -> None:
    global _connections_counted_at
    now = time.monotonic()
    if now - _connections_counted_at >= _CONNECTIONS_EVERY:
        _connections_counted_at = now
        metrics.DB_CONNECTIONS.set(metrics.open_connections())


def log_answer(at, duration, method, path, endpoint, status, user_id, code) -> None:
    # A 5xx is a bug: ERROR (what the stress run's server-log check looks for). Everything else is INFO,
    # successful probes and scrapes DEBUG.
    if status >= 500:
        level = logging.ERROR
    elif endpoint in QUIET_ENDPOINTS and status < 400:
        level = logging.DEBUG
    else:
        level = logging.INFO
    if not logger.isEnabledFor(level):
        return
    # Method and path come from the client: quoted where needed. The rest are this server's own words.
    method = method if method in METHODS else _logfmt_value(method)
    line = (
        f"method={method} path={_logfmt_value(path[:200])} endpoint={endpoint} "
        f"status={status} duration_ms={duration * 1000:.1f}"
    )
    if user_id is not None:
        line += f" user={user_id}"
    if code is not None:
        line += f" code={_logfmt_value(code)}"
    log_line(logger, level, line, created=at)


# Each process's answers, applied every 0.1 s by a thread of its own; /metrics applies its process's first.
ANSWERS = Batches(apply_answers, name="observability")
