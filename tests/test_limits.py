"""Bounded requests with contract errors (docs/api.md, Errors; academics/limits.py)."""

import json

import pytest
from django.db import OperationalError
from rest_framework.test import APIClient

from academics import limits
from academics.api import messages as api_msg
from academics.api.transport import DATABASE_RETRY_AFTER_SECONDS
from tests.factories import CourseFactory, StudentFactory

OVERFLOWING_TIMESTAMP = "9999-12-31T23:59:59-05:00"  # past year 9999 once in UTC


def envelope(message):
    return {"success": False, "message": message}


def post_json(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_a_json_body_over_the_api_limit_is_a_413(api_client, in_tenant_a, settings):
    # given a limit of 1,000 bytes and a course description longer than that
    settings.API_MAX_BODY_BYTES = 1000
    course = CourseFactory()

    # when
    response = api_client.patch(
        f"/api/courses/{course.uuid}",
        json.dumps({"description": "x" * 2000}),
        content_type="application/json",
    )

    # then
    assert response.status_code == 413
    assert response.json() == envelope(limits.MSG_BODY_TOO_LARGE)
    course.refresh_from_db()
    assert course.description != "x" * 2000


def test_the_default_api_limit_is_a_few_megabytes(api_client, in_tenant_a):
    course = CourseFactory()
    response = api_client.patch(
        f"/api/courses/{course.uuid}",
        json.dumps({"description": "x" * (5 * 1024 * 1024)}),
        content_type="application/json",
    )
    assert response.status_code == 413


def test_admin_uploads_have_their_own_larger_limit(settings, tenant_a):
    # given an API limit smaller than the body, and the upload limit larger
    settings.API_MAX_BODY_BYTES, settings.UPLOAD_MAX_BODY_BYTES = 100, 10_000
    client = APIClient(raise_request_exception=False)
    body = "x" * 5_000

    # then a non-API path takes the body; above the upload limit it is refused
    assert client.post("/admin/login/", body, content_type="text/plain").status_code != 413
    settings.UPLOAD_MAX_BODY_BYTES = 1_000
    response = client.post("/admin/login/", body, content_type="text/plain")
    assert response.status_code == 413


def test_a_token_request_over_the_limit_is_a_json_413(client, settings, db):
    settings.API_MAX_BODY_BYTES = 1000
    response = client.post(
        "/api/oauth/token", {"grant_type": "client_credentials", "client_id": "x" * 2000}
    )
    assert response.status_code == 413
    assert response.json() == envelope(limits.MSG_BODY_TOO_LARGE)


def test_a_token_request_with_too_many_fields_is_a_json_400(client, db):
    response = client.post("/api/oauth/token", {f"field{n}": "1" for n in range(1100)})
    assert response.status_code == 400
    assert response.json() == envelope(limits.MSG_TOO_MANY_PARAMETERS)


def test_too_many_query_parameters_is_a_json_400(api_client):
    query = "&".join(f"p{n}=1" for n in range(1100))
    response = api_client.get(f"/api/students?{query}")
    assert response.status_code == 400
    assert response.json() == envelope(limits.MSG_TOO_MANY_PARAMETERS)


@pytest.mark.parametrize("depth", [limits.MAX_JSON_DEPTH + 1, 1000])
def test_json_nested_too_deeply_is_a_400(api_client, depth):
    body = '{"name": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"
    response = api_client.post("/api/students", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == envelope(limits.MSG_JSON_TOO_DEEP)


def test_json_as_deep_as_allowed_is_read(api_client):
    body = '{"name": ' + "[" * (limits.MAX_JSON_DEPTH - 1) + "]" * (limits.MAX_JSON_DEPTH - 1) + "}"
    response = api_client.post("/api/students", body, content_type="application/json")
    assert response.status_code == 422  # a list is no name, but the body was read


@pytest.mark.parametrize("field", ["enrolled_at", "completed_at"])
def test_a_timestamp_past_year_9999_in_utc_is_a_422(api_client, in_tenant_a, field):
    student, course = StudentFactory(), CourseFactory(status="active")
    body = {
        "student_uuid": str(student.uuid),
        "course_uuid": str(course.uuid),
        "enrolled_at": "2024-01-01",
        "completion_status": "completed",
        "completed_at": "2024-06-01",
        field: OVERFLOWING_TIMESTAMP,
    }
    response = post_json(api_client, "/api/enrollments", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_a_disallowed_host_gets_json_on_api_paths(client, db):
    client.raise_request_exception = False
    response = client.get("/api/courses", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json() == envelope(limits.MSG_BAD_REQUEST)


def test_an_unreachable_database_is_a_503_with_retry_after(tenant_a, monkeypatch):
    # given a database that refuses connections, noticed while routing the request
    from academics.tenancy import middleware

    def unreachable(identifier):
        raise OperationalError("connection refused")

    monkeypatch.setattr(middleware, "tenant_for_identifier", unreachable)
    client = APIClient(raise_request_exception=False)

    # when
    response = client.get("/api/courses", HTTP_X_TENANT="tenant-a")

    # then
    assert response.status_code == 503
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)
    assert response.json() == envelope(api_msg.SERVICE_UNAVAILABLE)


def test_a_database_failure_inside_a_view_is_a_503_too(api_client, monkeypatch):
    from academics.api.views import VIEWSETS

    CourseViewSet = VIEWSETS["courses"]

    def unreachable(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CourseViewSet, "list", unreachable)
    api_client.raise_request_exception = False
    response = api_client.get("/api/courses")
    assert response.status_code == 503
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)
