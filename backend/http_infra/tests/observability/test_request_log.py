"""One structured (logfmt) line per request on the "boxoffice.request" logger, written from the process's
batch of answers (`ANSWERS.flush()` is what its thread does every 0.1 s)."""

import logging

import pytest
from django.http import HttpResponse
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from http_infra.observability.middleware import ANSWERS, ObservabilityMiddleware

pytestmark = pytest.mark.django_db


def lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "boxoffice.request"]


def fields(record) -> dict[str, str]:
    return dict(part.split("=", 1) for part in record.getMessage().split(" "))


def test_a_hold_is_logged_with_user_and_duration_never_the_token(caplog, user, showtime, seats):
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with caplog.at_level(logging.INFO, logger="boxoffice.request"):
        response = client.post("/api/hold-seat/", {"show_id": showtime.id, "seat_id": seats[0]}, format="json")
        ANSWERS.flush()
    assert response.status_code == 200
    (record,) = lines(caplog)
    assert record.levelno == logging.INFO
    line = fields(record)
    assert line["method"] == "POST"
    assert line["path"] == "/api/hold-seat/"
    assert line["endpoint"] == "hold-seat"
    assert line["status"] == "200"
    assert float(line["duration_ms"]) > 0
    assert line["user"] == str(user.pk)
    assert token.key not in caplog.text


def test_a_conflict_is_info_with_its_code(caplog, user_api, other_api, showtime, seats):
    body = {"show_id": showtime.id, "seat_id": seats[0]}
    assert user_api.post("/api/hold-seat/", body, format="json").status_code == 200
    ANSWERS.flush()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="boxoffice.request"):
        assert other_api.post("/api/hold-seat/", body, format="json").status_code == 409
        ANSWERS.flush()
    (record,) = lines(caplog)
    assert record.levelno == logging.INFO
    assert fields(record)["code"] == "seat_unavailable"
    assert "ERROR" not in record.getMessage()  # the stress run's server-log check must not fire on 4xx


def test_anonymous_request_has_no_user_and_quoted_odd_paths(caplog, api):
    with caplog.at_level(logging.INFO, logger="boxoffice.request"):
        api.get('/api/x y"%0Aforged=1/')
        ANSWERS.flush()
    (record,) = lines(caplog)
    message = record.getMessage()
    assert "\n" not in message
    assert "user=" not in message
    assert 'path="/api/x y\\"\\nforged=1/"' in message


def test_probes_are_debug(caplog, api):
    with caplog.at_level(logging.INFO, logger="boxoffice.request"):
        assert api.get("/api/health/").status_code == 200
        assert api.get("/api/ready/").status_code == 200
        ANSWERS.flush()
    assert lines(caplog) == []


def test_a_5xx_is_an_error(caplog, rf):
    with caplog.at_level(logging.INFO, logger="boxoffice.request"):
        ObservabilityMiddleware(lambda r: HttpResponse(status=502))(rf.get("/api/shows/"))
        ANSWERS.flush()
    (record,) = lines(caplog)
    assert record.levelno == logging.ERROR
    assert "status=502" in record.getMessage()


@override_settings(REQUEST_LOG=False)
def test_request_log_can_be_turned_off(caplog, api):
    with caplog.at_level(logging.DEBUG, logger="boxoffice.request"):
        api.get("/api/shows/")
        ANSWERS.flush()
    assert lines(caplog) == []
