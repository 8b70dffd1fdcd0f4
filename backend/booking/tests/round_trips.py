"""Counting a connection's round trips from libpq's own trace: what "a seat write is N round trips" is tested with."""

import itertools
import tempfile
from contextlib import contextmanager

from django.db import connection
from psycopg import pq


class RoundTrips:
    count: int | None = None


@contextmanager
def round_trips():
    """Count the round trips on this thread's connection: each time the server answers after the client sent."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    counted = RoundTrips()
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            yield counted
        finally:
            pgconn.untrace()
        trace.seek(0)
        senders = [line.split(b"\t", 1)[0] for line in trace.read().splitlines() if line]
    counted.count = sum(1 for pair in itertools.pairwise(senders) if pair == (b"F", b"B"))
