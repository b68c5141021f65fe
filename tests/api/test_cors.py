"""CORS (docs/api.md, CORS): no cross-origin access by default; an origin listed in
CORS_ALLOWED_ORIGINS may call the API from a browser with the headers the API reads."""

import pytest

from academics.errors import MSG_CORS_REFUSED
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

APP = "https://app.example.edu"
ASKED = "authorization, content-type, x-tenant, idempotency-key, if-match"


def preflight(client, path="/api/courses", origin=APP, method="PATCH"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=ASKED,
    )


def test_a_preflight_is_refused_by_default(client, settings):
    # given the default configuration
    assert settings.CORS_ALLOWED_ORIGINS == []

    # when a browser app asks
    response = preflight(client)

    # then it is not allowed: no header a browser would accept, and the envelope says why
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Headers" not in response.headers
    assert response.status_code == 403
    assert response.json() == {"success": False, "message": MSG_CORS_REFUSED}


def test_a_preflight_of_a_listed_origin_is_allowed_with_the_api_s_headers(client, settings):
    # given
    settings.CORS_ALLOWED_ORIGINS = [APP]

    # when
    response = preflight(client)

    # then
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == APP
    allowed = {h.strip() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "x-tenant", "idempotency-key", "if-match"} <= allowed
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= methods


def test_an_origin_not_listed_stays_refused(client, settings):
    # given
    settings.CORS_ALLOWED_ORIGINS = [APP]

    # when
    response = preflight(client, origin="https://evil.example.com")

    # then
    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.status_code == 403
    assert response.json() == {"success": False, "message": MSG_CORS_REFUSED}


def test_a_listed_origin_reads_an_answer_and_its_etag(api_client, settings, in_tenant_a):
    # given
    settings.CORS_ALLOWED_ORIGINS = [APP]
    course = CourseFactory()

    # when the browser app's request itself arrives
    response = api_client.get(f"/api/courses/{course.uuid}", HTTP_ORIGIN=APP)

    # then
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == APP
    assert "etag" in response.headers["Access-Control-Expose-Headers"].lower()


def test_cors_stays_off_outside_the_api(client, settings):
    # given (the admin and the docs pages are same-origin only)
    settings.CORS_ALLOWED_ORIGINS = [APP]

    # when
    response = preflight(client, path="/admin/", method="POST")

    # then
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_request_that_is_not_a_preflight_is_answered_as_usual(api_client, in_tenant_a):
    # given (a browser sends Origin on same-origin writes too; the browser, not the API, hides
    # a cross-origin answer that carries no Access-Control-Allow-Origin)
    course = CourseFactory()

    # when
    response = api_client.get(f"/api/courses/{course.uuid}", HTTP_ORIGIN="https://other.example")

    # then
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
