"""No broken links: every admin page reachable from the index within two clicks answers."""

import re
from collections import deque

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.admin.conftest import tenant_client
from tests.factories import EnrollmentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
HREF = re.compile(r'href="(/[^"#]*)"')
CHANGE_PAGE = re.compile(r"/admin/\w+/(\w+)/\d+/change/$")
SKIPPED = ("/admin/logout/", "/delete/", "/static/")


def crawl(client: Client, depth: int = 2) -> dict[str, int]:
    seen = {"/admin/": 0}
    queue = deque(["/admin/"])
    statuses = {}
    while queue:
        url = queue.popleft()
        response = client.get(url.replace("&amp;", "&"))
        statuses[url] = response.status_code
        if seen[url] == depth or response.status_code != 200:
            continue
        for link in HREF.findall(response.content.decode()):
            if link not in seen and not any(part in link for part in SKIPPED):
                seen[link] = seen[url] + 1
                queue.append(link)
    return statuses


def change_pages(statuses: dict[str, int]) -> set[str]:
    """Models whose change page of some row was visited."""
    return {match[1] for url in statuses if (match := CHANGE_PAGE.search(url))}


def broken(statuses: dict[str, int]) -> dict[str, int]:
    return {url: status for url, status in statuses.items() if status not in (200, 302)}


@pytest.mark.parametrize("role", ["registrar", "viewer"])
def test_registrar_site_has_no_broken_links(request, role):
    user = request.getfixturevalue(role)
    OrganizationFactory()
    EnrollmentFactory()

    statuses = crawl(tenant_client(user))

    assert {"course", "cohort", "student", "enrollment"} <= change_pages(statuses)
    assert broken(statuses) == {}


def test_platform_site_has_no_broken_links(tenant_a):
    operator = User.objects.create_superuser("operator", password="x")
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)

    statuses = crawl(client)

    assert {"tenant", "user"} <= change_pages(statuses)
    assert broken(statuses) == {}
