"""The deployment files (Dockerfile, docker-compose.yml, deploy/) say what docs/operations.md promises.

No Docker engine is needed: the files are parsed. `docker compose config` runs too where it works.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
COMPOSE = REPO / "docker-compose.yml"
NGINX = REPO / "deploy" / "nginx.conf"
PGBOUNCER = REPO / "deploy" / "pgbouncer" / "pgbouncer.ini"
ENTRYPOINT = REPO / "deploy" / "entrypoint.sh"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _command(service: dict) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else [str(part) for part in command]


def _depends_on(service: dict) -> dict:
    depends = service.get("depends_on", {})
    return {name: {} for name in depends} if isinstance(depends, list) else depends


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    return [
        (parts[0].upper(), parts[1] if len(parts) > 1 else "")
        for parts in (line.strip().split(None, 1) for line in joined.splitlines())
        if parts
    ]


# --- docker-compose.yml -------------------------------------------------------------------------


def test_compose_has_db_app_and_sweeper_outside_any_profile(services):
    for name in ("db", "app", "sweeper"):
        assert name in services, name
        assert not services[name].get("profiles"), f"{name} must start with a plain `docker compose up`"


def test_db_is_postgres_16_with_healthcheck_and_named_volume(compose, services):
    db = services["db"]
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume_names = [volume.split(":", 1)[0] for volume in db["volumes"]]
    assert any(name in (compose.get("volumes") or {}) for name in volume_names), "db data needs a named volume"


def test_app_waits_for_healthy_db_and_migrates(services):
    app = services["app"]
    assert _depends_on(app)["db"]["condition"] == "service_healthy"
    env = app["environment"]
    assert str(env["RUN_MIGRATIONS"]) == "1"
    assert "@db:5432/" in env["DATABASE_URL"]
    for name in ("SECRET_KEY", "ALLOWED_HOSTS"):
        assert name in env
    assert "${SECRET_KEY:?" in COMPOSE.read_text(), "SECRET_KEY must come from the environment, no default"


def test_sweeper_loops_and_never_migrates(services):
    sweeper = services["sweeper"]
    command = _command(sweeper)
    assert "release_expired_holds" in command
    assert "--every" in command
    assert str(sweeper["environment"].get("RUN_MIGRATIONS", "0")) == "0"
    assert sweeper.get("healthcheck", {}).get("disable") is True, "it runs no gunicorn to probe"
    assert _depends_on(sweeper)["app"]["condition"] == "service_healthy", "starts after migrations"


def test_scale_profile_has_nginx_pgbouncer_and_two_app_replicas(services):
    scale = {name: s for name, s in services.items() if "scale" in (s.get("profiles") or [])}
    assert scale["nginx"]["image"].startswith("nginx:")
    assert "pgbouncer" in scale["pgbouncer"]["image"]
    replicas = [name for name, s in scale.items() if s.get("image") == services["app"]["image"]]
    assert sorted(replicas) == ["web1", "web2"]
    for name in replicas:
        env = scale[name]["environment"]
        assert "@pgbouncer:6432/" in env["DATABASE_URL"]
        assert "disable_server_side_cursors=True" in env["DATABASE_URL"]
        assert str(env["RUN_MIGRATIONS"]) == "0"
        assert _depends_on(scale[name])["pgbouncer"]["condition"] == "service_healthy"
    assert set(_depends_on(scale["nginx"])) == {"web1", "web2"}


def test_pgbouncer_pools_transactions_and_keeps_prepared_statements():
    text = PGBOUNCER.read_text()
    settings = {
        key.strip(): value.strip()
        for key, _, value in (
            line.partition("=") for line in text.splitlines() if not line.lstrip().startswith((";", "#", "["))
        )
        if value
    }
    assert settings["pool_mode"] == "transaction"
    assert int(settings["max_prepared_statements"]) >= 100  # psycopg's prepared_max
    assert "options" in settings["ignore_startup_parameters"]
    assert "lock_timeout" in text  # set on server connections instead of the ignored startup option


def test_compose_config_is_valid_for_docker_compose():
    if shutil.which("docker") is None:
        pytest.skip("no docker CLI on this machine")
    env = {**os.environ, "SECRET_KEY": "test-only", "POSTGRES_PASSWORD": "test-only"}
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, env=env)
    if probe.returncode != 0:
        first_line = ((probe.stderr or probe.stdout).strip().splitlines() or ["no output"])[0]
        pytest.skip(f"`docker compose` (the Compose plugin) is not available here: {first_line}")
    for profile in ([], ["--profile", "scale"]):
        result = subprocess.run(
            ["docker", "compose", "-f", str(COMPOSE), *profile, "config", "-q"],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
        )
        assert result.returncode == 0, result.stderr


# --- Dockerfile ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return _instructions(DOCKERFILE.read_text())


def test_dockerfile_is_multi_stage_node_then_python(dockerfile):
    images = [args.split()[0] for op, args in dockerfile if op == "FROM"]
    assert len(images) >= 2
    assert images[0].startswith("node:20")
    assert images[-1].startswith("python:3.11-slim")
    runs = " ".join(args for op, args in dockerfile if op == "RUN")
    assert "npm ci" in runs
    assert "npm run build" in runs
    assert "pip install -r requirements.txt" in runs
    assert "requirements-dev" not in runs
    assert any(op == "COPY" and "--from=frontend" in args and "/app/frontend/dist" in args for op, args in dockerfile)


def test_dockerfile_collects_static_files_at_build_time(dockerfile):
    collect = [args for op, args in dockerfile if op == "RUN" and "collectstatic" in args]
    assert collect, "collectstatic must run at build time"
    assert "SECRET_KEY=" in collect[0]
    assert "DATABASE_URL=" in collect[0]


def test_dockerfile_runs_gunicorn_as_non_root_with_healthcheck(dockerfile):
    users = [args.strip() for op, args in dockerfile if op == "USER"]
    assert users
    assert users[-1] not in ("root", "0", "0:0")
    assert any(op == "EXPOSE" and "8000" in args.split() for op, args in dockerfile)
    healthcheck = [args for op, args in dockerfile if op == "HEALTHCHECK"]
    assert healthcheck
    assert "healthcheck.py" in healthcheck[0]
    assert "/api/health/" in (REPO / "deploy" / "healthcheck.py").read_text()
    cmd = [args for op, args in dockerfile if op == "CMD"][-1]
    assert "gunicorn" in cmd
    assert "config/gunicorn.conf.py" in cmd
    env = " ".join(args for op, args in dockerfile if op == "ENV")
    assert "HOST=0.0.0.0" in env


def test_entrypoint_migrates_only_when_asked():
    text = ENTRYPOINT.read_text()
    assert os.access(ENTRYPOINT, os.X_OK)
    assert "RUN_MIGRATIONS" in text
    assert "migrate --noinput" in text
    assert text.rstrip().endswith('exec "$@"')


def test_dockerignore_keeps_local_state_out_of_the_build():
    ignored = set((REPO / ".dockerignore").read_text().split())
    for entry in (".git", ".venv", ".pgdata", ".secret_key", "frontend/node_modules", "frontend/dist", ".env"):
        assert entry in ignored, entry


# --- deploy/nginx.conf --------------------------------------------------------------------------


def test_nginx_balances_two_app_servers_with_forwarding_headers_and_gzip():
    text = NGINX.read_text()
    upstream = re.search(r"upstream\s+(\w+)\s*\{(.*?)\}", text, re.S)
    assert upstream, "an upstream block"
    name, body = upstream.groups()
    servers = re.findall(r"^\s*server\s+(\S+)", body, re.M)
    assert [s.split(":")[0] for s in servers] == ["web1", "web2"]
    assert re.search(r"location\s+/\s*\{[^}]*proxy_pass\s+http://" + name + r"\s*;", text, re.S)
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "Host"):
        assert re.search(rf"proxy_set_header\s+{header}\s", text), header
    assert re.search(r"^\s*gzip\s+on;", text, re.M)


def test_gunicorn_config_sizes_workers_from_the_cpu_count_and_env(monkeypatch):
    import multiprocessing
    import runpy

    conf = REPO / "backend" / "config" / "gunicorn.conf.py"
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    defaults = runpy.run_path(str(conf))
    assert defaults["workers"] == multiprocessing.cpu_count() * 2
    from gunicorn.workers.gthread import ThreadWorker

    assert issubclass(defaults["worker_class"], ThreadWorker)  # gthread, with a stop that ends cleanly
    assert defaults["timeout"] > 0
    assert defaults["graceful_timeout"] > 0
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("ACCESS_LOG", "-")
    tuned = runpy.run_path(str(conf))
    assert (tuned["workers"], tuned["accesslog"]) == (3, "-")


def test_gunicorn_accepts_the_config_and_loads_the_app():
    env = {
        **os.environ,
        "SECRET_KEY": "deploy-check-" + "x" * 40,
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=REPO / "backend",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_nginx_accepts_its_config_where_nginx_is_installed(tmp_path):
    nginx = shutil.which("nginx")
    if nginx is None:
        pytest.skip("nginx is not installed here; the structure is checked by the test above")
    # The upstream hosts (web1, web2) only resolve inside compose: point them at loopback for the check.
    conf = (REPO / "deploy" / "nginx.conf").read_text()
    conf = re.sub(r"\bweb[12]:", "127.0.0.1:", conf)
    wrapper = tmp_path / "nginx.conf"
    wrapper.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {tmp_path};\n{conf}\n}}\n"
    )
    result = subprocess.run([nginx, "-t", "-c", str(wrapper)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
