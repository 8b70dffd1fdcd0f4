"""What each showtime's seat map depends on, known in this process without asking the database.

The seat map is polled every 2 s by every open browser; nearly every poll is a conditional GET whose
answer is 304. The ETag depends only on the showtime's header, its layout version and its next hold
expiry (plus the caller's id), so once a process has read those it can answer the 304 itself, as long as
it learns of every change:

  * a watcher thread per process holds one PostgreSQL connection. Every POLL seconds it reads the layout
    version of every showtime on the board (one query) and drops the entries whose version moved (every
    seat write bumps it, from any process or host, the admin and the sweeper included) or whose showtime
    is gone. The connection also LISTENs on `boxoffice_layout`: triggers (migration 0007) NOTIFY '*' on
    the rare changes to showtimes, movies, halls, venues or a hall's seat rows, which drops everything.
    Seat writes themselves send no notification: a NOTIFY takes a database-wide lock from its commit
    until the commit is flushed, which serialised every seat write (migration 0008 removed it).
  * a write served by this process drops its showtime's entry at once and again at commit (so the
    caller's next read, if it reaches this process, never waits for the watcher).
  * time: an entry is only used before its next hold expiry (the map changes then without a write).
  * the board is trusted only while the watcher's last completed check is younger than STALE_AFTER. A
    dead or slow connection therefore turns the board off within ~1 s (every poll asks the database
    again, as without a board) until it reconnects and starts empty.

A change committed elsewhere is therefore seen within POLL plus one query (an entry stored just after a
check waits for the next one). What the board may not know is never guessed: a miss is one query,
exactly as without a board.
"""

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

logger = logging.getLogger(__name__)

CHANNEL = "boxoffice_layout"
POLL = 0.25  # seconds between the watcher's version checks
STALE_AFTER = 1.0  # seconds: a board confirmed longer ago than this is not used
RETRY_AFTER = 2.0  # seconds between reconnection attempts
APPLICATION_NAME = "boxoffice layout board"  # how its connection shows in pg_stat_activity

# The layout version of each showtime on the board: the sum the layout state query reads.
_VERSIONS_SQL = """
SELECT showtime_id, SUM(version) FROM booking_layoutversion WHERE showtime_id = ANY(%s) GROUP BY showtime_id
"""


@dataclass(frozen=True)
class LayoutHeader:
    """The part of a showtime's layout state every caller shares (the ETag is built from it)."""

    starts_at: datetime
    movie_title: str
    hall_name: str
    venue_name: str
    hold_ttl_seconds: int
    version: int
    next_expiry: datetime | None
    currency: str  # the venue's (ISO 4217)
    plan_revision: int  # the hall's seat plan (rows, numbers, categories): moves when a seat changes
    pricing_revision: int  # moves with every change to categories, ticket types or price lists
    box_office_payment: bool  # whether an order may be paid at the box office
    time_zone: str  # the venue's (IANA): showtimes are shown in it
    prevent_orphans: bool  # the showtime's no-single-seat switch


class LayoutBoard:
    def __init__(self):
        self._entries: dict[int, LayoutHeader] = {}
        self._generation = 0  # bumped by every drop: an entry read before a drop is not stored
        self._confirmed_at = -1e9  # monotonic time up to which every notification has been applied
        self._lock = threading.Lock()
        self._pid = None
        self._thread = None
        self._stopping = threading.Event()

    # --- the request path -------------------------------------------------------------------------------

    def get(self, showtime_id: int, now: datetime) -> LayoutHeader | None:
        if not settings.LAYOUT_LISTEN:
            return None
        self._ensure_watcher()
        if time.monotonic() - self._confirmed_at > STALE_AFTER:
            return None
        header = self._entries.get(showtime_id)
        if header is None or (header.next_expiry is not None and now >= header.next_expiry):
            return None
        return header

    def generation(self) -> int:
        return self._generation

    def remember(self, showtime_id: int, header: LayoutHeader, *, read_at_generation: int) -> None:
        """Store what a query read, unless something was dropped since the query began."""
        with self._lock:
            if self._generation == read_at_generation:
                self._entries[showtime_id] = header
                if len(self._entries) > 1024:
                    self._entries.clear()

    def drop(self, showtime_id: int | None = None) -> None:
        """Forget one showtime (or all): its next read asks the database."""
        with self._lock:
            self._generation += 1
            if showtime_id is None:
                self._entries.clear()
            else:
                self._entries.pop(showtime_id, None)

    # --- the watcher ------------------------------------------------------------------------------------

    def _ensure_watcher(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            # A forked child starts empty, with its own watcher (the parent's connection is not ours).
            self._pid = os.getpid()
            self._entries.clear()
            self._generation += 1
            self._confirmed_at = -1e9
            self._thread = threading.Thread(target=self._listen_forever, name="layout-board", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """End the watcher (its connection closes within POLL seconds); the next get() starts another."""
        thread = self._thread
        if thread is None or self._pid != os.getpid():
            return
        self._stopping.set()
        thread.join(timeout=5)
        with self._lock:
            self._pid, self._thread, self._confirmed_at = None, None, -1e9
            self._stopping.clear()

    def _listen_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                self._listen()
            except Exception as exc:  # a dropped connection, a restart: the board is off until we are back
                logger.warning("layout board: watcher connection lost (%s); retrying", exc.__class__.__name__)
            self._confirmed_at = -1e9
            self._stopping.wait(RETRY_AFTER)

    def _listen(self) -> None:
        import psycopg
        from django.db import connections

        if settings.LAYOUT_LISTEN_DATABASE_URL:  # PostgreSQL itself, when the app's URL is a transaction pooler
            options = {"conninfo": settings.LAYOUT_LISTEN_DATABASE_URL}
        else:
            params = connections["default"].get_connection_params()
            options = {k: v for k, v in params.items() if k not in ("cursor_factory", "context", "prepare_threshold")}
        with psycopg.connect(**options, autocommit=True, connect_timeout=5, application_name=APPLICATION_NAME) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.drop()  # anything learned before watching may have changed unseen
            while not self._stopping.is_set():
                checked_at = time.monotonic()
                with self._lock:
                    showtime_ids = list(self._entries)
                # Every change committed before this query started is in its answer.
                versions = dict(conn.execute(_VERSIONS_SQL, [showtime_ids]).fetchall())
                for notify in conn.notifies(timeout=0):
                    self._apply(notify.payload)
                self._drop_moved(showtime_ids, versions)
                self._confirmed_at = checked_at
                for notify in conn.notifies(timeout=POLL):
                    self._apply(notify.payload)

    def _drop_moved(self, showtime_ids: list[int], versions: dict[int, int]) -> None:
        """Drop the entries whose showtime's version is not the one they were read at (or is gone). An
        entry stored since the check began may be newer than the answer: dropping it only costs a query."""
        for showtime_id in showtime_ids:
            header = self._entries.get(showtime_id)
            if header is not None and header.version != versions.get(showtime_id):
                self.drop(showtime_id)

    def _apply(self, payload: str) -> None:
        self.drop()  # the only notification left is '*': a header changed somewhere (migration 0007)


board = LayoutBoard()
