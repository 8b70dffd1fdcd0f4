"""Gunicorn settings for `make run` and `make bench`; every value can be overridden from the environment."""

import multiprocessing
import os
import socket
import time
from contextlib import suppress

from gunicorn.workers.gthread import STOP_KEEPALIVE_LINGER, ThreadWorker


class CleanStopThreadWorker(ThreadWorker):
    """gthread, whose stop ends once the requests in flight are answered: well within graceful_timeout.

    Stock gthread kept a stopping worker until the master SIGKILLed it at graceful_timeout whenever a
    connection had no request to finish: one that never sent a request (a browser's spare connection)
    still counted as open, and a thread reading a half-sent request waits for the rest with no timeout.
    Its quick stop (SIGINT, SIGQUIT) left from inside the signal handler instead: requests already sent
    on kept-alive connections were reset, and exiting still joined every pool thread, those stuck
    reading included.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.handed_out = set()  # connections a pool thread is reading or answering
        self.stopping_since = None

    def handle_quit(self, sig, frame):
        # Quick or not, a stop lets the requests in flight finish; the master still bounds it.
        self.cfg.worker_int(self)
        self.handle_exit(sig, frame)

    def enqueue_req(self, conn):
        self.handed_out.add(conn)
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self.handed_out.discard(conn)
        super().finish_request(conn, fs)

    def murder_pending(self):
        # Called on every turn of run()'s loops; once it stops accepting, the worker is draining.
        if not self.alive and not self._accepting:
            self._drain_step()
        super().murder_pending()

    def _drain_step(self):
        now = time.monotonic()
        if self.stopping_since is None:
            self.stopping_since = now
            # New connections are refused at once rather than queued in the backlog until exit.
            for listener in self.sockets:
                listener.close()
        # A connection that never sent a request has nothing in flight: close it now.
        while self.pending_conns:
            conn = self.pending_conns.popleft()
            with suppress(OSError, KeyError, ValueError):
                self.poller.unregister(conn.sock)
            self.nr_conns -= 1
            conn.close()
        # A request still not fully sent after the kept-alive linger is not coming: end the read, so
        # its thread sees the client gone and returns (an answer being written is not affected).
        if now - self.stopping_since >= STOP_KEEPALIVE_LINGER:
            for conn in self.handed_out:
                with suppress(OSError):
                    conn.sock.shutdown(socket.SHUT_RD)


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Threads overlap the waits on PostgreSQL; processes use the cores.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = os.environ.get("WEB_WORKER_CLASS") or CleanStopThreadWorker
threads = int(os.environ.get("WEB_THREADS", 8))
backlog = 2048
keepalive = 30
timeout = 30
graceful_timeout = 10
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
# Several servers may run side by side here (make run, make bench, tests): a shared control socket
# in $HOME would make them trip over each other, and nothing here uses it.
control_socket_disable = True
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# --- Prometheus multiprocess mode (http_infra/observability/metrics.py) ---------------------------------------
# Each worker is a process with its own counters: they write them to files in PROMETHEUS_MULTIPROC_DIR and
# /metrics (answered by any worker) adds them up. The directory must start empty for every server run, so
# unless one is given a fresh temporary one is made here (and removed on exit); a given one is emptied.
_metrics_dir_created = None


def on_starting(server):
    global _metrics_dir_created
    import glob
    import tempfile

    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        os.makedirs(path, exist_ok=True)
        for stale in glob.glob(os.path.join(path, "*.db")):
            os.remove(stale)
    else:
        path = _metrics_dir_created = tempfile.mkdtemp(prefix="boxoffice-metrics-")
        # Set before any worker is forked (the app is imported in the workers, not here).
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    server.log.info("Prometheus multiprocess directory: %s", path)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    # A dead worker's counters stay in the sums; its live gauges (open connections) are dropped.
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _metrics_dir_created:
        import shutil

        shutil.rmtree(_metrics_dir_created, ignore_errors=True)


# Malformed HTTP that gunicorn refuses itself is answered in the API's JSON error shape (http_infra/server_errors.py).
# Installed here, in the master, so every forked worker has it.
from http_infra.server_errors import install as _install_json_errors  # noqa: E402

_install_json_errors()
