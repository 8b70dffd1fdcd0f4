"""A stream handler whose writes happen on a background thread of each process, a batch at a time.

Request threads only resolve the record's message and put it on a queue: with one log line per request,
eight threads per worker queueing on the stream's lock (and on the GIL around each write) halved the rate
of the cheapest requests. The writer thread wakes every FLUSH_INTERVAL seconds and writes whatever came
meanwhile in one write: woken per record (logging's QueueListener), its wake-ups and GIL hand-offs cost
about a tenth of a cheap request's CPU in the web tier (loadtest/webtier_cpu.py: a hot seat's loser 0.82
vs 0.92 ms, a 304 0.30 vs 0.34). A line is written at most FLUSH_INTERVAL after its request. The thread
is started lazily in each process (gunicorn forks workers after settings are loaded) and writes what is
queued when the process exits.
"""

import atexit
import logging
import logging.handlers
import os
import queue
import sys
import threading

FLUSH_INTERVAL = 0.1  # seconds


class BackgroundStreamHandler(logging.handlers.QueueHandler):
    def __init__(self, stream=None):
        super().__init__(queue.SimpleQueue())
        self._target = logging.StreamHandler(stream or sys.stderr)
        self._pid = None
        self._start_lock = threading.Lock()
        self._stop = threading.Event()
        self._writer: threading.Thread | None = None

    def setFormatter(self, fmt):
        # Formatting happens on the writer thread, through the target handler.
        self._target.setFormatter(fmt)

    def prepare(self, record):
        # Resolve the message now (arguments may change later), keep the rest for the formatter.
        record.message = record.getMessage()
        record.msg, record.args = record.message, None
        return record

    def emit(self, record):
        if self._pid != os.getpid():
            self._start_writer()
        super().emit(record)

    def _start_writer(self) -> None:
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self.queue = queue.SimpleQueue()  # a forked child must not share its parent's queue state
            self._stop = threading.Event()
            self._writer = threading.Thread(target=self._write_batches, name="log-writer", daemon=True)
            self._writer.start()
            atexit.register(self._stop_within, 2.0)
            self._pid = os.getpid()

    def _write_batches(self) -> None:
        while not self._stop.wait(FLUSH_INTERVAL):
            self.flush_queued()
        self.flush_queued()

    def flush_queued(self) -> None:
        """Write every record queued so far, in one write."""
        lines = []
        while True:
            try:
                record = self.queue.get_nowait()
            except queue.Empty:
                break
            try:
                lines.append(self._target.format(record) + self._target.terminator)
            except Exception:  # a record that cannot be formatted must not lose the others
                self._target.handleError(record)
        if not lines:
            return
        try:
            _write(self._target.stream, "".join(lines))
        except Exception:
            self._target.handleError(record)

    def _stop_within(self, seconds: float) -> None:
        """Write what is queued at exit, but never hold a worker's shutdown hostage to it."""
        self._stop.set()
        if self._writer is not None:
            self._writer.join(timeout=seconds)


def _write(stream, text: str) -> None:
    """Write `text` in whole to the stream's file descriptor, beside the stream's own buffer: other handlers
    (gunicorn's) write to the same sys.stderr from other threads, and a text stream is not safe to share
    between threads that do not share a lock; a batch written through it could lose their lines."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a StringIO in tests)
        stream.write(text)
        stream.flush()
        return
    data = text.encode(getattr(stream, "encoding", None) or "utf-8", errors="backslashreplace")
    while data:
        data = data[os.write(fd, data) :]
