"""A stream handler whose writes happen on a background thread of each process.

Request threads only format the record and put it on a queue: with one log line per request, eight
threads per worker queueing on the stream's lock (and on the GIL around each write) halved the rate of
the cheapest requests. The listener thread is started lazily in each process (gunicorn forks workers
after settings are loaded) and flushes what is queued when the process exits.
"""

import atexit
import logging
import logging.handlers
import os
import queue
import sys
import threading


class BackgroundStreamHandler(logging.handlers.QueueHandler):
    def __init__(self, stream=None):
        super().__init__(queue.SimpleQueue())
        self._target = logging.StreamHandler(stream or sys.stderr)
        self._pid = None
        self._start_lock = threading.Lock()

    def setFormatter(self, fmt):
        # Formatting happens on the listener thread, through the target handler.
        self._target.setFormatter(fmt)

    def prepare(self, record):
        # Resolve the message now (arguments may change later), keep the rest for the formatter.
        record.message = record.getMessage()
        record.msg, record.args = record.message, None
        return record

    def emit(self, record):
        if self._pid != os.getpid():
            self._start_listener()
        super().emit(record)

    def _start_listener(self) -> None:
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self.queue = queue.SimpleQueue()  # a forked child must not share its parent's queue state
            listener = logging.handlers.QueueListener(self.queue, self._target, respect_handler_level=False)
            listener.start()
            atexit.register(_stop_within, listener, 2.0)
            self._pid = os.getpid()


def _stop_within(listener: logging.handlers.QueueListener, seconds: float) -> None:
    """Flush what is queued at exit, but never hold a worker's shutdown hostage to it."""
    listener.enqueue_sentinel()
    if listener._thread is not None:
        listener._thread.join(timeout=seconds)
