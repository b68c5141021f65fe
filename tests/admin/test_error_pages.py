"""What a browser gets at a host's root and on a refused or missing page: the right admin, and
pages in the admin's look instead of a bare "403 Forbidden" or Django's debug 404."""

import pytest
from django.test import Client

from tests.admin.conftest import TENANT_A_HOST

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["localhost", TENANT_A_HOST])
def test_a_hosts_root_leads_to_its_admin(tenant_a, host):
    response = Client(HTTP_HOST=host).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("host", ["localhost", TENANT_A_HOST])
def test_a_missing_page_is_the_styled_404_even_with_debug_on(tenant_a, settings, host, debug):
    settings.DEBUG = debug
    client = Client(HTTP_HOST=host)

    response = client.get("/no/such/page/")
    slashless = client.get("/no-such-page", follow=True)

    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    assert b"Page not found" in response.content
    assert b"URLconf" not in response.content
    assert slashless.status_code == 404 and b"URLconf" not in slashless.content


def test_admin_without_its_slash_still_reaches_the_admin(tenant_a):
    response = Client(HTTP_HOST=TENANT_A_HOST).get("/admin")

    assert response.status_code == 301
    assert response["Location"] == "/admin/"


def test_api_paths_stay_json(tenant_a):
    response = Client(HTTP_HOST=TENANT_A_HOST).get("/api/no-such-resource/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_a_page_a_viewer_may_not_see_is_the_styled_403(viewer_client):
    response = viewer_client.get("/admin/data-quality/")

    assert response.status_code == 403
    assert response.templates[0].name == "403.html"
    assert b"Not allowed" in response.content
    assert b'href="/admin/"' in response.content
