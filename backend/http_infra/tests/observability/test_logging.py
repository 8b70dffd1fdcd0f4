"""The background log handler: every record written, formatted, in order, a batch per write; what is
queued at exit is written too."""

import io
import logging
import time

from http_infra.observability.logging import FLUSH_INTERVAL, BackgroundStreamHandler, PlainFormatter, log_line


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
    handler.stop()

    assert stream.getvalue().splitlines() == [f"INFO request {n}" for n in range(200)]
    assert stream.writes < 20  # 200 records in a few batches, not a write each


def test_what_is_queued_at_exit_is_written():
    stream = CountingStream()
    handler = _handler(stream)
    handler.handle(_record("first"))
    handler.handle(_record("last words"))
    handler.stop()  # what atexit calls
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
    handler.stop()
    assert stream.getvalue().splitlines() == ["INFO before", "INFO after"]
    assert "cannot format this one" in capsys.readouterr().err  # logging's own report of a failed record


# --- the request log line, queued without a LogRecord ---------------------------------------------------------


def test_plain_formatter_writes_what_the_standard_formatter_writes():
    standard = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    plain = PlainFormatter()
    for created in (1796660092.0, 1796660092.0009, 1796660092.5, 1796660092.999, 1796660093.25):
        record = _record("request %d", 7)
        record.created, record.msecs = created, int((created - int(created)) * 1000) + 0.0
        assert plain.format(record) == standard.format(record)


def _logger(name: str, *handlers, propagate=False) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.handlers[:] = list(handlers)
    logger.setLevel(logging.INFO)
    logger.propagate = propagate
    return logger


def test_log_line_queues_on_a_background_handler_and_gives_others_a_record():
    plain_stream, other_stream, parent_stream, quiet_stream = (CountingStream() for _ in range(4))
    plain = BackgroundStreamHandler(plain_stream)
    plain.setFormatter(PlainFormatter())
    custom = _handler(other_stream)  # a background handler with another format: a record is made for it
    parent = logging.StreamHandler(parent_stream)  # any other handler is called with a record, as logging would
    parent.setFormatter(logging.Formatter("%(name)s|%(levelname)s|%(message)s"))
    quiet = _handler(quiet_stream)
    quiet.setLevel(logging.ERROR)
    _logger("test_log_line", parent)
    logger = _logger("test_log_line.request", plain, custom, quiet, propagate=True)

    log_line(logger, logging.INFO, "method=GET status=200")
    log_line(logger, logging.DEBUG, "not written: below the logger's level")
    for handler in (plain, custom, quiet):
        handler.stop()

    (line,) = plain_stream.getvalue().splitlines()
    assert line.endswith(" INFO test_log_line.request method=GET status=200")
    assert other_stream.getvalue() == "INFO method=GET status=200\n"
    assert parent_stream.getvalue() == "test_log_line.request|INFO|method=GET status=200\n"
    assert quiet_stream.getvalue() == ""  # its level is ERROR


def test_log_line_on_a_logger_with_filters_goes_through_logging(caplog):
    logger = _logger("test_log_line_filtered", propagate=True)
    logger.addFilter(lambda record: "secret" not in record.getMessage())
    with caplog.at_level(logging.INFO, logger="test_log_line_filtered"):
        log_line(logger, logging.INFO, "a secret line")
        log_line(logger, logging.INFO, "a plain line")
    assert [r.getMessage() for r in caplog.records if r.name == "test_log_line_filtered"] == ["a plain line"]
