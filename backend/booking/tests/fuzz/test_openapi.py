"""The OpenAPI schema (/api/schema/) and Swagger UI (/api/docs/): valid, complete, served without a CDN."""

import json

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

from booking.tests.fuzz.conftest import openapi_schema
from booking.tests.fuzz.links import with_links

SEAT_WRITES = ["/api/hold-seat/", "/api/book-seat/", "/api/release-seat/"]
ERROR_REFS = {"#/components/schemas/Error", "#/components/schemas/SeatConflict"}


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_schema_validates_as_openapi_3_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert yaml.safe_load(out.read_text())["openapi"].startswith("3.")


def test_schema_endpoint_serves_the_generated_schema(api, db):
    response = api.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    served = json.loads(response.content)
    assert served["openapi"].startswith("3.")
    assert served["paths"].keys() == openapi_schema()["paths"].keys()


def test_every_api_endpoint_is_documented():
    paths = set(openapi_schema()["paths"])
    assert paths == {
        "/api/health/",
        "/api/auth/register/",
        "/api/auth/login/",
        "/api/auth/logout/",
        "/api/auth/me/",
        "/api/auth/csrf/",
        "/api/shows/",
        "/api/hall-layout/{show_id}/",
        "/api/hold-seat/",
        "/api/hold-best-available/",
        "/api/book-seat/",
        "/api/release-seat/",
        "/api/bookings/",
        "/api/bookings/{reference}/cancel/",
        "/api/orders/",
        "/api/orders/{reference}/",
        "/api/orders/{reference}/pay/",
        "/api/payments/webhook/{provider}/",
        "/api/staff/halls/",
        "/api/staff/showtimes/",
        "/api/staff/audit/",
    }


def test_every_error_response_uses_the_one_error_shape():
    schema = openapi_schema()
    for path, method, operation in operations(schema):
        for status, response in operation["responses"].items():
            if int(status) >= 400 and path != "/api/health/":
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref in ERROR_REFS, (path, method, status)
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}
    assert set(error["properties"]) == {"detail", "code", "seat_ids", "errors", "suggestion", "largest_block"}


def test_writes_document_their_request_body_and_errors():
    for path, method, operation in operations(openapi_schema()):
        if method != "post" or path == "/api/auth/logout/":
            continue
        optional = path.endswith("/cancel/")  # cancelling names some seats or none (the whole booking)
        assert operation["requestBody"].get("required", False) is not optional, path
        assert {"400", "413"} <= operation["responses"].keys(), path
        if operation.get("security") and {} not in operation["security"]:
            assert {"401", "403"} <= operation["responses"].keys(), path


@pytest.mark.parametrize("path", SEAT_WRITES)
def test_seat_writes_document_conflicts_with_seat_ids_and_exactly_one_of_seat_id_or_seat_ids(path):
    schema = openapi_schema()
    operation = schema["paths"][path]["post"]
    assert {"200", "201"} & operation["responses"].keys()
    assert {"400", "401", "403", "404", "409", "413"} <= operation["responses"].keys()
    conflict = operation["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    assert conflict == "#/components/schemas/SeatConflict"
    assert "seat_ids" in schema["components"]["schemas"]["SeatConflict"]["required"]
    body = schema["components"]["schemas"]["SeatSelectionRequest"]
    assert body["oneOf"] == [{"required": ["seat_id"]}, {"required": ["seat_ids"]}]
    assert body["properties"]["seat_ids"]["uniqueItems"] is True


def test_book_documents_422_and_the_idempotency_key():
    operation = openapi_schema()["paths"]["/api/book-seat/"]["post"]
    assert "422" in operation["responses"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation["parameters"])


def test_hall_layout_documents_its_body_304_and_etag():
    operation = openapi_schema()["paths"]["/api/hall-layout/{show_id}/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/HallLayout")
    assert "content" not in operation["responses"]["304"]
    assert "ETag" in operation["responses"]["304"]["headers"]
    assert {"401", "404"} <= operation["responses"].keys()
    assert any(p["name"] == "If-None-Match" for p in operation["parameters"])


def test_booking_flow_links():
    paths = with_links(openapi_schema())["paths"]
    assert "GetLayout" in paths["/api/shows/"]["get"]["responses"]["200"]["links"]
    assert "HoldSeat0" in paths["/api/hall-layout/{show_id}/"]["get"]["responses"]["200"]["links"]
    assert {"BookHeldSeats", "ReleaseHeldSeats"} <= paths["/api/hold-seat/"]["post"]["responses"]["200"]["links"].keys()


def test_swagger_ui_is_served_with_local_assets(api, db, settings):
    # The page's {% static %} tags need no collected manifest here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    response = api.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "unpkg" not in page.lower()
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
