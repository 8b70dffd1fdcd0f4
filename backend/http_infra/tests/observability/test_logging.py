"""The background log handler: every record written, formatted, in order, a batch per write; what is
queued at exit is written too."""

import io
import logging
import time

from http_infra.observability.logging import FLUSH_INTERVAL, BackgroundStreamHandler


class CountingStream(io.StringIO):
    def __init__(self):
        super().__init__()
        self.writes = 0

    def write(self, text):
        self.writes += 1
        return super().write(text)


def _handler(stream) -> BackgroundStreamHandler:
    handler = BackgroundStreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    return handler


def _record(message: str, *args) -> logging.LogRecord:
    return logging.LogRecord("boxoffice.request", logging.INFO, __file__, 0, message, args, None)


def test_records_are_written_formatted_in_order_a_batch_per_write():
    stream = CountingStream()
    handler = _handler(stream)
    for n in range(200):
        handler.handle(_record("request %d", n))

    deadline = time.monotonic() + 5
    while stream.getvalue().count("\n") < 200 and time.monotonic() < deadline:
        time.sleep(FLUSH_INTERVAL / 4)
    handler._stop_within(2.0)

    assert stream.getvalue().splitlines() == [f"INFO request {n}" for n in range(200)]
    assert stream.writes < 20  # 200 records in a few batches, not a write each


def test_what_is_queued_at_exit_is_written():
    stream = CountingStream()
    handler = _handler(stream)
    handler.handle(_record("first"))
    handler.handle(_record("last words"))
    handler._stop_within(2.0)  # what atexit calls
    assert stream.getvalue().splitlines() == ["INFO first", "INFO last words"]


class RefusesBad(logging.Formatter):
    def format(self, record):
        if record.getMessage() == "bad":
            raise ValueError("cannot format this one")
        return super().format(record)


def test_a_record_that_cannot_be_formatted_does_not_lose_the_others(capsys):
    stream = CountingStream()
    handler = BackgroundStreamHandler(stream)
    handler.setFormatter(RefusesBad("%(levelname)s %(message)s"))
    for message in ("before", "bad", "after"):
        handler.handle(_record(message))
    handler._stop_within(2.0)
    assert stream.getvalue().splitlines() == ["INFO before", "INFO after"]
    assert "cannot format this one" in capsys.readouterr().err  # logging's own report of a failed record
