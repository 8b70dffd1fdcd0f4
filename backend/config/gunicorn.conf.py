"""Gunicorn settings for `make run` and `make bench`; every value can be overridden from the environment."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Threads overlap the waits on PostgreSQL; processes use the cores.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
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

# --- Prometheus multiprocess mode (booking/observability/metrics.py) ---------------------------------------
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


# Malformed HTTP that gunicorn refuses itself is answered in the API's JSON error shape (config/http_errors.py).
# Installed here, in the master, so every forked worker has it.
from config.http_errors import install as _install_json_errors  # noqa: E402

_install_json_errors()
