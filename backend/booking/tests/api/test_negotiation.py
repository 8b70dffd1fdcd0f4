"""A JSON-only API answers JSON whatever Accept says; the schema still offers YAML or JSON."""

from .helpers import SHOWS_URL, assert_error, hold


def test_a_json_only_endpoint_answers_json_to_any_accept(api, user_api, showtime, seats):
    for accept in ("text/html", "application/xml", "*/*", "application/json; q=0.1, text/plain"):
        response = api.get(SHOWS_URL, HTTP_ACCEPT=accept)
        assert response.status_code == 200, accept
        assert response["Content-Type"] == "application/json"
        assert isinstance(response.json(), list)
    user_api.credentials(HTTP_ACCEPT="text/html")
    assert hold(user_api, showtime, seats[:1]).json()["seat_ids"] == seats[:1]
    assert_error(hold(user_api, showtime, [0]), 400, "min_value")


def test_the_schema_still_negotiates_yaml_or_json(api):
    assert api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi").content.startswith(b"openapi:")
    assert api.get("/api/schema/?format=json")["Content-Type"].startswith("application/vnd.oai.openapi+json")
