"""The envelope on every /api path (docs/api.md, Formats and Errors): JSON always, never HTML
or a trace."""

import pytest
from rest_framework.test import APIClient

from academics.api import messages as api_msg
from academics.api.views import VIEWSETS
from academics.errors import MSG_TENANT_HEADER_REQUIRED
from tests.factories import CourseFactory

CourseViewSet = VIEWSETS["courses"]

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def error(message):
    return {"success": False, "message": message}


def test_both_with_and_without_trailing_slash(api_client):
    # given
    course = CourseFactory()

    # when
    responses = [
        api_client.get("/api/courses"),
        api_client.get("/api/courses/"),
        api_client.get(f"/api/courses/{course.uuid}"),
        api_client.get(f"/api/courses/{course.uuid}/"),
    ]

    # then
    assert [r.status_code for r in responses] == [200, 200, 200, 200]


@pytest.mark.parametrize(
    "path", ["/api/nothing", "/api/courses/not-a-uuid", "/api/courses/1", "/api", "/api/"]
)
def test_unknown_api_paths_are_a_json_404(api_client, path):
    # when
    response = api_client.post(path, {}, format="json")

    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == error(api_msg.NOT_FOUND)


def test_wrong_method_is_a_json_405(api_client):
    # when
    response = api_client.put("/api/courses", {}, format="json")

    # then
    assert response.status_code == 405
    assert response.json() == error(api_msg.METHOD_NOT_ALLOWED.format(method="PUT"))


def test_malformed_json_is_a_400(api_client):
    # when
    response = api_client.post("/api/courses", '{"name": ', content_type="application/json")

    # then
    assert response.status_code == 400
    assert response.json() == error(api_msg.MALFORMED_JSON)


def test_a_body_that_is_not_an_object_is_a_422(api_client):
    # when
    response = api_client.post("/api/courses", [1, 2], format="json")

    # then
    assert response.status_code == 422
    assert response.json()["errors"] == {"non_field_errors": [api_msg.OBJECT]}


def test_a_form_body_is_refused_with_json(api_client):
    # when
    response = api_client.post("/api/courses", {"name": "x"}, format="multipart")

    # then
    assert response.status_code == 415
    assert response.json() == error(api_msg.UNSUPPORTED_MEDIA_TYPE)


def test_any_accept_header_gets_json(api_client):
    # when
    response = api_client.get("/api/courses", HTTP_ACCEPT="text/html")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_unexpected_failure_is_a_json_500_without_trace(api_client, monkeypatch):
    # given a list that breaks
    def broken(self, *args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(CourseViewSet, "list", broken)

    # when
    response = api_client.get("/api/courses")

    # then
    assert response.status_code == 500
    assert response.json() == error(api_msg.SERVER_ERROR)
    assert b"secret" not in response.content


def test_read_only_client_cannot_write(make_api_client, tenant_a):
    # given
    reader = make_api_client(tenant_a, read_only=True)

    # when
    response = reader.post("/api/courses", {"name": "x"}, format="json")

    # then
    assert response.status_code == 403
    assert response.json()["success"] is False


@pytest.mark.parametrize(
    "path",
    [
        "/api/courses",
        "/api/enrollments/batch/destroy",
        "/api/students/0f8fad5b-d9cb-469f-a165-70867728950e",
    ],
)
def test_resource_paths_without_x_tenant_ask_for_it(path):
    # when
    response = APIClient().get(path, HTTP_HOST="localhost")

    # then
    assert response.status_code == 401
    assert response.json() == error(MSG_TENANT_HEADER_REQUIRED)


def test_other_api_paths_without_x_tenant_are_a_json_404():
    # when
    response = APIClient().get("/api/whatever", HTTP_HOST="localhost")

    # then
    assert response.status_code == 404
    assert response.json() == error(api_msg.NOT_FOUND)


def test_timestamps_have_six_digit_fractions_and_z(api_client):
    # given
    course = CourseFactory()
    course.created_at = course.created_at.replace(microsecond=0)
    course.save()

    # when
    data = api_client.get(f"/api/courses/{course.uuid}").json()["data"]

    # then
    assert data["created_at"] == course.created_at.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def test_a_failure_outside_the_views_is_json_on_api_paths(tenant_a, monkeypatch):
    # given a tenant lookup that breaks, before any view runs
    from academics.tenancy import middleware

    def broken(identifier):
        raise RuntimeError("database is down")

    monkeypatch.setattr(middleware, "tenant_for_identifier", broken)
    client = APIClient(raise_request_exception=False)

    # when
    response = client.get("/api/courses", HTTP_X_TENANT="tenant-a")

    # then
    assert response.status_code == 500
    assert response.json() == error(api_msg.SERVER_ERROR)


def test_throttled_requests_get_the_envelope_and_retry_after(api_client, settings):
    # given a limit of one request a minute
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "1/min", "token": "1000/min"},
    }
    api_client.get("/api/courses")

    # when
    response = api_client.get("/api/courses")

    # then
    assert response.status_code == 429
    assert response.json() == error(api_msg.TOO_MANY_REQUESTS)
    assert int(response["Retry-After"]) > 0
