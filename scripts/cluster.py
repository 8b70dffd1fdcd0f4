#!/usr/bin/env python3
"""Run Boxoffice the way production scales it: several app servers on one PostgreSQL, plus the sweeper.

    cluster.py                         2 gunicorn servers on 127.0.0.1:8000 and :8001 + the hold sweeper
    cluster.py --servers 3 --port 9000 3 servers on :9000, :9001, :9002
    cluster.py --ports 8100,8200       servers on exactly these ports
    cluster.py --no-seed               skip the demo data (migrations always run, once, before any server)
    cluster.py --no-collectstatic      skip collectstatic (when it has run already, as in the tests)

The database is DATABASE_URL, or the embedded PostgreSQL of scripts/devstack.py when it is unset. It is
migrated (and seeded) once, then every server and the sweeper (`manage.py release_expired_holds --every 5`)
start; each server gets its own fresh Prometheus multiprocess directory (gunicorn.conf.py makes one). The
servers' and the sweeper's output is printed with a [web1]/[web2]/[sweeper] prefix. Once every server
answers /api/ready/ the URLs are printed. Ctrl-C or SIGTERM stops everything (and the embedded database);
if any process exits on its own, the others are stopped too and the exit status is non-zero.

Spread a stress run over the servers: BASE_URL=http://127.0.0.1:8000,http://127.0.0.1:8001 make stress
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devstack  # the embedded database and SECRET_KEY handling live there

BACKEND = devstack.BACKEND
STOP_GRACE = 15.0  # seconds between SIGTERM and SIGKILL (gunicorn's graceful_timeout is 10)


def log(message: str) -> None:
    print(f"[cluster] {message}", flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="N gunicorn app servers + the hold sweeper on one PostgreSQL.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    p.add_argument("--servers", type=int, default=2, help="number of app servers (default 2)")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="bind address of every server")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)), help="first port (default 8000)")
    p.add_argument("--ports", help="comma-separated ports, one per server (overrides --servers and --port)")
    p.add_argument("--workers", type=int, help="WEB_CONCURRENCY per server (default: gunicorn.conf.py's)")
    p.add_argument("--threads", type=int, help="WEB_THREADS per server (default: gunicorn.conf.py's)")
    p.add_argument("--no-seed", action="store_true", help="do not load the demo data")
    p.add_argument(
        "--no-collectstatic", action="store_true", help="skip collectstatic (it must have run: the admin needs it)"
    )
    p.add_argument("--no-sweeper", action="store_true", help="do not run the expired-hold sweeper")
    p.add_argument("--sweep-every", type=float, default=5.0, help="sweeper interval in seconds (default 5)")
    p.add_argument("--ready-timeout", type=float, default=60.0, help="seconds to wait for the servers")
    args = p.parse_args(argv)
    if args.ports:
        args.port_list = [int(port) for port in args.ports.split(",") if port.strip()]
    else:
        args.port_list = [args.port + i for i in range(args.servers)]
    if not args.port_list or len(set(args.port_list)) != len(args.port_list):
        p.error("need at least one server and distinct ports")
    return args


class Cluster:
    def __init__(self) -> None:
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = threading.Event()

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        """Start a child in its own process group, its output prefixed with [name]."""
        child = subprocess.Popen(
            argv,
            env=env,
            cwd=BACKEND,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.children[name] = child
        threading.Thread(target=self._pump, args=(name, child), daemon=True).start()
        return child

    @staticmethod
    def _pump(name: str, child: subprocess.Popen) -> None:
        prefix = f"[{name}] ".encode()
        out = sys.stdout.buffer
        for line in iter(child.stdout.readline, b""):
            out.write(prefix + line)
            out.flush()

    def exited(self) -> list[tuple[str, int]]:
        return [(name, child.returncode) for name, child in self.children.items() if child.poll() is not None]

    def stop(self) -> None:
        self.stopping.set()
        for child in self.children.values():
            if child.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for name, child in self.children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{name} did not stop within {STOP_GRACE:.0f}s: killing it")
                with suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def run_step(argv: list[str], env: dict) -> int:
    """A setup step (migrate, seed) in the foreground; its output goes straight through."""
    return subprocess.run(argv, env=env, cwd=BACKEND, check=False).returncode


def wait_ready(url: str, cluster: Cluster, deadline: float) -> bool:
    while time.monotonic() < deadline and not cluster.exited() and not cluster.stopping.is_set():
        with suppress(urllib.error.URLError, OSError), urllib.request.urlopen(f"{url}/api/ready/", timeout=2) as r:
            if r.status == 200:
                return True
        time.sleep(0.2)
    return False


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    python = sys.executable
    cluster = Cluster()
    stop_requested = threading.Event()

    def on_signal(signum, _frame):
        stop_requested.set()

    # Ctrl-C in a terminal reaches the whole foreground group, children included; they run in their own
    # sessions, so only this process sees it and stops them in order.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)

    with devstack.database() as url:
        base_env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": devstack.secret_key(), "PYTHONUNBUFFERED": "1"}
        # Like `make run`: a local cluster is the stress run's target, so rate limits are off unless asked for.
        base_env.setdefault("THROTTLES_ENABLED", "false")
        # Every server makes its own multiprocess directory: a shared one would mix their counters.
        base_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        base_env.pop("prometheus_multiproc_dir", None)

        steps = [["migrate", "--noinput"]]
        if not args.no_collectstatic:
            steps.append(["collectstatic", "--noinput", "-v", "0"])
        if not args.no_seed:
            steps.append(["seed_demo"])
        for step in steps:
            if stop_requested.is_set():
                return 130
            log("manage.py " + " ".join(step))
            code = run_step([python, "manage.py", *step], base_env)
            if code:
                log(f"manage.py {step[0]} failed ({code})")
                return code

        urls = []
        try:
            for i, port in enumerate(args.port_list, start=1):
                env = {**base_env, "HOST": args.host, "PORT": str(port)}
                if args.workers:
                    env["WEB_CONCURRENCY"] = str(args.workers)
                if args.threads:
                    env["WEB_THREADS"] = str(args.threads)
                cluster.start(
                    f"web{i}", [python, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"], env
                )
                host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
                urls.append(f"http://{host}:{port}")
            if not args.no_sweeper:
                cluster.start(
                    "sweeper",
                    [python, "manage.py", "release_expired_holds", "--every", str(args.sweep_every)],
                    base_env,
                )

            deadline = time.monotonic() + args.ready_timeout
            for url in urls:
                if not wait_ready(url, cluster, deadline):
                    if not stop_requested.is_set():
                        log(f"{url} did not become ready: stopping ({cluster.exited() or 'timeout'})")
                        return 1
                    return 130
            log(f"{len(urls)} app servers ready on one database" + ("" if args.no_sweeper else " + the sweeper"))
            for i, url in enumerate(urls, start=1):
                log(f"  web{i}: {url}/   (readiness {url}/api/ready/, metrics {url}/metrics)")
            log(f"stress all of them: BASE_URL={','.join(urls)} make stress")
            log("Ctrl-C stops everything")

            while not stop_requested.is_set():
                gone = cluster.exited()
                if gone:
                    log(f"{', '.join(f'{name} exited ({code})' for name, code in gone)}: stopping the rest")
                    return 1
                stop_requested.wait(0.5)
            return 0
        finally:
            log("stopping")
            cluster.stop()
            log("stopped")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
