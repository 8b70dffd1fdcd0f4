"""A stream handler whose writes happen on a background thread of each process, a batch at a time.

Request threads only resolve the record's message and put it on a queue: with one log line per request,
eight threads per worker queueing on the stream's lock (and on the GIL around each write) halved the rate
of the cheapest requests. The writer thread wakes every FLUSH_INTERVAL seconds and writes whatever came
meanwhile in one write: woken per record (logging's QueueListener), its wake-ups and GIL hand-offs cost
about a tenth of a cheap request's CPU in the web tier (loadtest/webtier_cpu.py: a hot seat's loser 0.82
vs 0.92 ms, a 304 0.30 vs 0.34). A line is written at most FLUSH_INTERVAL after its request. The thread
and its queue are `Batches` (batches.py): started lazily in each process, and what is queued when the
process exits is written.

The request log line (one per request) skips the LogRecord: `log_line` queues (time, level, logger, text)
on this handler and `PlainFormatter` writes it in the same shape as a record: a line costs ~4 µs instead of
~12 with a LogRecord and logging's formatting (timeit), where a whole 304 costs ~130 µs of Python
(docs/benchmarks/README.md, "The request log and metrics off the request thread").
"""

import logging
import os
import sys
import time

from http_infra.observability.batches import Batches

FLUSH_INTERVAL = 0.1  # seconds


class PlainFormatter(logging.Formatter):
    """`%(asctime)s %(levelname)s %(name)s %(message)s`, the date formatted once a second, not per line."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self._second = (None, "")  # (second, its text): one tuple, so a reader never sees half an update

    def format(self, record):
        if record.exc_info or record.exc_text or record.stack_info:
            return super().format(record)
        return self.line(record.created, record.levelname, record.name, record.getMessage())

    def line(self, created: float, levelname: str, name: str, message: str) -> str:
        second = int(created)
        cached, text = self._second
        if cached != second:
            text = time.strftime(self.default_time_format, self.converter(created))
            self._second = (second, text)
        return f"{text},{int((created - second) * 1000):03d} {levelname} {name} {message}"


class BackgroundStreamHandler(logging.Handler):
    def __init__(self, stream=None):
        super().__init__()
        self._target = logging.StreamHandler(stream or sys.stderr)
        self._batches = Batches(self._write_batch, name="log-writer", interval=FLUSH_INTERVAL)

    def setFormatter(self, fmt):
        # Formatting happens on the writer thread, through the target handler.
        self._target.setFormatter(fmt)

    def emit(self, record):
        try:
            # Resolve the message now (arguments may change later), keep the rest for the formatter.
            record.message = record.getMessage()
            record.msg, record.args = record.message, None
            self._batches.add(record)
        except Exception:
            self.handleError(record)

    def enqueue_line(self, created: float, levelno: int, name: str, message: str) -> None:
        """What `emit` does for a record, for a line made without one (`log_line`)."""
        self._batches.add((created, levelno, name, message))

    def stop(self) -> None:
        """Write what is queued (what atexit does); lines logged after it are written at once."""
        self._batches.stop()

    def _write_batch(self, items: list) -> None:
        """Write a batch of records and lines, in one write."""
        lines = []
        for item in items:
            record = self._line_record(item) if isinstance(item, tuple) else item
            if isinstance(record, str):
                lines.append(record + self._target.terminator)
                continue
            try:
                lines.append(self._target.format(record) + self._target.terminator)
            except Exception:  # a record that cannot be formatted must not lose the others
                self._target.handleError(record)
        if lines:
            try:
                _write(self._target.stream, "".join(lines))
            except Exception:
                self._target.handleError(record)

    def _line_record(self, item: tuple) -> "str | logging.LogRecord":
        """A queued line: formatted directly by a PlainFormatter, made into a record for any other."""
        created, levelno, name, message = item
        levelname = logging.getLevelName(levelno)
        formatter = self._target.formatter
        if type(formatter) is PlainFormatter:
            return formatter.line(created, levelname, name, message)
        return _dated(
            logging.makeLogRecord({"name": name, "levelno": levelno, "levelname": levelname, "msg": message}), created
        )


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


def log_line(logger: logging.Logger, level: int, message: str, *, created: float | None = None) -> None:
    """`logger.log(level, message)` for a line logged on every request, dated `created` (a time.time(); now
    if None): where a handler is a BackgroundStreamHandler without filters, the line is queued on it without
    a LogRecord; any other handler (pytest's caplog, a deployment's own) gets a record, as logging would give
    it. The handlers are found as `Logger.callHandlers` finds them, so LOGGING stays the one place that says
    where lines go."""
    if not logger.isEnabledFor(level):
        return
    created = time.time() if created is None else created
    record = None
    if logger.filters or logger.disabled:
        logger.handle(_record(logger, level, message, created))
        return
    found, current = False, logger
    while current is not None:
        for handler in current.handlers:
            found = True
            if level < handler.level:
                continue
            if type(handler) is BackgroundStreamHandler and not handler.filters:
                handler.enqueue_line(created, level, logger.name, message)
                continue
            record = record or _record(logger, level, message, created)
            handler.handle(record)
        current = current.parent if current.propagate else None
    if not found and logging.lastResort is not None and level >= logging.lastResort.level:
        logging.lastResort.handle(_record(logger, level, message, created))


def _record(logger: logging.Logger, level: int, message: str, created: float) -> logging.LogRecord:
    return _dated(logger.makeRecord(logger.name, level, __file__, 0, message, None, None), created)


def _dated(record: logging.LogRecord, created: float) -> logging.LogRecord:
    """The record dated `created` (a line is made after its request was answered)."""
    record.created, record.msecs = created, int((created - int(created)) * 1000) + 0.0
    return record
