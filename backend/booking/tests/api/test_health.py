from django.db import OperationalError


def test_health_ok(api, db):
    response = api.get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_needs_no_authentication_or_csrf(db):
    from rest_framework.test import APIClient

    assert APIClient(enforce_csrf_checks=True).get("/api/health/").status_code == 200


def test_health_unavailable_when_the_database_fails(api, db, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("database is down")

    monkeypatch.setattr("booking.api.views.connection", BrokenConnection())

    response = api.get("/api/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
