"""Work that request threads hand to a background thread of their process, applied a batch at a time.

A request thread only appends an item to a deque (one C call); the thread applies what came every
`interval` seconds, in one pass with warm caches, where the same work done inside each request costs it
about twice as much (docs/benchmarks/README.md, "The request log and metrics off the request thread").
The thread is started lazily in each process (gunicorn forks workers after the settings are loaded); a
forked child never applies what its parent had queued; what is queued when a process exits is applied
at exit, and what another exit handler adds after that is applied at once.
"""

import atexit
import collections
import logging
import os
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Batches:
    def __init__(self, apply: Callable[[list], None], *, name: str, interval: float = 0.1):
        self.apply, self.name, self.interval = apply, name, interval
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._items: collections.deque = collections.deque()
        self._flush_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._started = False
        self._stopped = False

    def add(self, item) -> None:
        if not self._started:
            self._start()
        self._items.append(item)
        if self._stopped:  # added by another exit handler after the last batch
            self.flush()

    def flush(self) -> None:
        """Apply everything added so far (the thread does it every interval; a scrape or a test, at once)."""
        with self._flush_lock:
            items, pop = [], self._items.popleft
            while True:
                try:
                    items.append(pop())
                except IndexError:
                    break
            if items:
                self.apply(items)

    def _start(self) -> None:
        with self._start_lock:
            if self._started:
                return
            threading.Thread(target=self._run, name=self.name, daemon=True).start()
            atexit.register(self.stop)
            self._started = True

    def stop(self) -> None:
        """Apply what is left; from now on an item is applied as it is added (at exit: nothing waits after)."""
        self._stopped = True
        self.flush()

    def _run(self) -> None:
        # The thread lives as long as its process; `stop` (atexit) applies the last batch.
        while not self._stopped:
            time.sleep(self.interval)
            try:
                self.flush()
            except Exception:  # one bad batch must not stop the ones after it
                logger.exception("%s: a batch could not be applied", self.name)
