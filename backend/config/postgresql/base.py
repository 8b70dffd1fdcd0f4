"""Django's PostgreSQL backend, with a connection health check that costs no round trip.

Django's CONN_HEALTH_CHECKS runs `SELECT 1` on a reused connection before each request's first query:
a whole round trip per request, a third of a hold's. An idle connection between requests has nothing to
read; one the server has closed (a restart, an idle timeout, pg_terminate_backend) has its FATAL message
and then EOF waiting on the socket. So a zero-timeout poll of the socket tells the two apart without
asking the server: readable means gone, and the connection is replaced before it is used. (A
connection that dies after the check fails its first statement as it would have after SELECT 1.)
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        conn = self.connection
        if conn is None or conn.closed or conn.broken:
            return False
        try:
            readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
        except (OSError, ValueError):  # the socket is already gone
            return False
        return not readable
