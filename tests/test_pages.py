"""The browser's layers (academics/pages.py): the admins keep sessions, CSRF, the signed-in user
and messages; API requests pass by them, even when the caller's browser holds a session."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from academics.roles import REGISTRAR, staff_user_save
from tests.admin.conftest import PASSWORD, TENANT_A_HOST
from tests.factories import CourseFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")


@pytest.fixture
def registrar():
    return staff_user_save(username="registrar", role=REGISTRAR, password=PASSWORD)


def touches_sessions(queries) -> bool:
    return any("django_session" in query["sql"] for query in queries)


def test_an_api_request_with_a_session_cookie_reads_no_session(api_client, registrar):
    # given: the caller's browser is signed in to the admin as well
    CourseFactory()
    api_client.force_login(registrar)

    # when
    with CaptureQueriesContext(connection) as queries:
        listed = api_client.get("/api/courses")
        created = api_client.post(
            "/api/institutions", {"name": "Cookie University", "country": "BR"}, format="json"
        )

    # then: answered by the token alone; nothing in them depends on the cookie
    assert (listed.status_code, created.status_code) == (200, 201)
    assert not touches_sessions(queries.captured_queries)
    for response in (listed, created):
        assert "Cookie" not in response["Vary"]
        assert not response.cookies


def test_a_session_does_not_stand_in_for_a_token(client, registrar):
    # given
    client.force_login(registrar)

    # when
    response = client.get("/api/courses", headers={"X-Tenant": "tenant-a"})

    # then
    assert response.status_code == 401


def test_the_admin_keeps_its_session_and_csrf_layers(registrar):
    # given
    browser = Client(HTTP_HOST=TENANT_A_HOST, enforce_csrf_checks=True)

    # when: a login without the form's CSRF token, then with it
    forged = browser.post("/admin/login/", {"username": "registrar", "password": PASSWORD})
    form = browser.get("/admin/login/")
    signed_in = browser.post(
        "/admin/login/?next=/admin/",
        {
            "username": "registrar",
            "password": PASSWORD,
            "csrfmiddlewaretoken": form.context["csrf_token"],
        },
    )
    page = browser.get("/admin/")

    # then
    assert forged.status_code == 403
    assert signed_in.status_code == 302
    assert page.status_code == 200
    assert page.context["user"] == registrar
    assert "Cookie" in page["Vary"]


def test_a_layer_with_a_view_hook_is_not_wrapped():
    # CSRF's process_view would still run on API paths: wrapping it would only look skipped.
    from django.middleware.csrf import CsrfViewMiddleware

    from academics.pages import pages_only

    with pytest.raises(TypeError, match="process_view"):
        pages_only(CsrfViewMiddleware)
