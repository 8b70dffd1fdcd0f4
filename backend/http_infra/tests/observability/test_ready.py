"""GET /api/ready/: the database answers and every migration is applied (liveness stays /api/health/)."""

import pytest

from http_infra.observability import views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uncached():
    views._migrations_checked.clear()
    yield
    views._migrations_checked.clear()


def test_ready_when_migrated(api):
    response = api.get("/api/ready/")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}
    assert views._migrations_checked.is_set()


def test_not_ready_while_migrations_are_pending(api, monkeypatch):
    monkeypatch.setattr(views, "unapplied_migrations", lambda: ["booking.9999_future"])
    response = api.get("/api/ready/")
    assert response.status_code == 503
    assert response.json() == {"status": "migrations_pending", "pending": ["booking.9999_future"], "count": 1}
    assert not views._migrations_checked.is_set()


def test_migration_check_is_cached_after_success(api, monkeypatch):
    assert api.get("/api/ready/").status_code == 200
    monkeypatch.setattr(views, "unapplied_migrations", lambda: pytest.fail("checked again"))
    assert api.get("/api/ready/").status_code == 200


def test_not_ready_without_database(api, monkeypatch):
    class Broken:
        def cursor(self):
            raise RuntimeError("connection refused")

    monkeypatch.setattr(views, "connections", {"default": Broken()})
    response = api.get("/api/ready/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_health_is_unchanged(api):
    assert api.get("/api/health/").json() == {"status": "ok"}
