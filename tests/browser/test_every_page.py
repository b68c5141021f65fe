"""Every admin page in headless Chromium at a 1,366 by 768 laptop size: no JavaScript console
error, no failed request, and no table (nor the page) wider than the window.

The crawl follows the links of both admin sites from their index, one page per kind of URL (ids
and query strings aside; but every record's change page, long names included), and adds what
no link reaches: the action pages that ask before they act. Set ADMIN_SCREENSHOTS=<dir> to
keep a screenshot of each page for a person to look at.
"""

import os
import re
from collections import deque
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.db import connection
from django_tenants.utils import tenant_context
from oauth2_provider.models import Application

from academics.choices import CompletionStatus
from academics.tenancy.clients import api_client_create
from tests.browser.conftest import PASSWORD, log_in
from tests.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    InstitutionFactory,
    OrganizationFactory,
    StudentFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

LAPTOP = {"width": 1366, "height": 768}
SKIPPED = ("/logout/", "/delete/", "/static/", "/transcript/", "/export/", "/jsi18n/", "/template/")
# Actions that answer with a page of their own before acting (the others act at once).
ASKING_ACTIONS = {
    "enrollment": ("complete_enrollments", "reopen_enrollments", "delete_selected"),
    "course": ("delete_selected",),
    "student": ("delete_selected",),
}
# Overflow, measured in the page: the document's horizontal scroll, and every visible table
# whose right edge passes its container's.
MEASURE = """() => {
  const page = document.scrollingElement;
  const tables = [...document.querySelectorAll("table")].filter(t => t.offsetParent !== null)
    .map(t => ({
      table: t.id || t.className || t.parentElement.className,
      right: Math.round(t.getBoundingClientRect().right),
      container: Math.round(t.parentElement.getBoundingClientRect().right),
    }))
    .filter(t => t.right > t.container + 1);
  return {scroll: page.scrollWidth - page.clientWidth, tables};
}"""
# Words no page shows (docs/admin.md, Wording): Python's None for an empty value (Django's own
# "None available" is a sentence), and the API's attribute names in a sentence.
NEVER_SHOWN = re.compile(r"\bNone\b(?! available)|completed at must|enrolled at\.")
LONG_NAME = "Universidade Federal de Ciências Médicas e Tecnológicas do Vale do Jequitinhonha"


@pytest.fixture(scope="module")
def records(live_tenant, django_db_blocker):
    """One record of each kind, with the long names real registrars have."""
    with django_db_blocker.unblock(), tenant_context(live_tenant.tenant):
        institution = InstitutionFactory(name=LONG_NAME, legal_name=f"Fundação {LONG_NAME}")
        OrganizationFactory(institution=institution, name=f"Faculdade de Medicina — {LONG_NAME}")
        course = CourseFactory(
            institution=institution, name=f"Especialização em Saúde Coletiva — {LONG_NAME}"
        )
        cohort = CohortFactory(course=course, code="2026-1-NOITE-PRESENCIAL-TURMA-A")
        student = StudentFactory(
            name="Maria Aparecida dos Santos Oliveira de Albuquerque Cavalcanti",
            email="maria.aparecida.santos.oliveira.albuquerque@estudante.example.edu.br",
        )
        EnrollmentFactory(
            student=student,
            cohort=cohort,
            course=course,
            completion_status=CompletionStatus.COMPLETED,
            grade="9.50",
            completed_at=date(2026, 7, 1),
        )
        CourseFactory(institution=institution)  # no enrollments: a data-quality finding
    connection.set_schema_to_public()


@pytest.fixture(scope="module")
def platform_url(live_tenant, django_db_blocker):
    """The platform admin (public host), an operator who can log in and an API client to look
    at; removed at the end (a user by SQL: deleting it through the ORM follows references into
    tenant-only tables, docs/admin.md)."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        operator = User.objects.create_superuser("crawl-operator", password=PASSWORD)
        client = api_client_create(tenant=live_tenant.tenant, name="Crawled client")
        try:
            yield live_tenant.url.replace(urlsplit(live_tenant.url).hostname, "localhost")
        finally:
            connection.set_schema_to_public()
            Application.objects.filter(client_id=client.client_id).delete()
            LogEntry.objects.filter(user_id=operator.pk).delete()
            User.objects.filter(pk=operator.pk)._raw_delete(connection.alias)


@pytest.fixture
def laptop(browser):
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"javascript: {error}"))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url} {r.failure}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and page.problems.append(f"HTTP {r.status}: {r.url}"),
    )
    yield page
    context.close()


def kind(path: str) -> str:
    """Pages of one kind share a template: the URL with its ids replaced."""
    return re.sub(r"/\d+/", "/N/", path)


def crawled(path: str) -> str:
    """What the crawl visits once: a kind of page, or a record's change page."""
    return path if path.endswith("/change/") else kind(path)


def visit(page, url: str, findings: dict[str, list[str]]) -> None:
    """Open (or, when already opened by a form, examine) `url` and note what went wrong."""
    if page.url != url:
        page.goto(url)
    page.wait_for_load_state("load")
    measured = page.evaluate(MEASURE)
    problems = list(page.problems)
    problems += [f"shows {word!r}" for word in NEVER_SHOWN.findall(page.inner_text("body"))]
    if measured["scroll"] > 0:
        problems.append(f"page scrolls sideways by {measured['scroll']} px")
    problems += [
        f"table {t['table']!r} ends at {t['right']} px, its container at {t['container']} px"
        for t in measured["tables"]
    ]
    if problems:
        findings[urlsplit(url).path] = problems
    page.problems.clear()
    shots = os.environ.get("ADMIN_SCREENSHOTS")
    if shots:
        name = re.sub(r"\W+", "_", urlsplit(url).path).strip("_")
        number = len(list(Path(shots).glob("*.png")))
        page.screenshot(path=str(Path(shots) / f"{number:03}_{name}.png"), full_page=True)


def report(findings: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}: {problem}" for path, found in findings.items() for problem in found)


def crawl(page, base: str, findings: dict[str, list[str]]) -> set[str]:
    """Every admin page linked from the index, one of each kind; returns the kinds."""
    seen = {"/admin/"}
    queue = deque([f"{base}/admin/"])
    while queue:
        url = queue.popleft()
        visit(page, url, findings)
        # Resolved from the attribute: an SVG link's `href` (the dashboard's chart) is no string.
        hrefs = page.eval_on_selector_all(
            "a[href]",
            "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)",
        )
        for href in hrefs:
            parts = urlsplit(href)
            path = parts.path
            if (
                f"{parts.scheme}://{parts.netloc}" != base
                or not path.startswith("/admin/")
                or any(part in path for part in SKIPPED)
                or crawled(path) in seen
            ):
                continue
            seen.add(crawled(path))
            queue.append(f"{base}{path}")
    return {kind(path) for path in seen}


def asking_action_pages(page, base: str, findings: dict[str, list[str]]) -> None:
    for model, actions in ASKING_ACTIONS.items():
        for action in actions:
            page.goto(f"{base}/admin/academics/{model}/")
            page.check("#action-toggle")
            page.select_option("select[name=action]", action)
            page.click("button[name=index]")
            visit(page, page.url, findings)


def test_every_registrar_page_is_error_free_and_fits_a_laptop(laptop, live_tenant, records):
    findings = {}
    log_in(laptop, live_tenant, "registrar")

    kinds = crawl(laptop, live_tenant.url, findings)
    asking_action_pages(laptop, live_tenant.url, findings)

    for model in ("institution", "organization", "course", "cohort", "student", "enrollment"):
        for page_kind in ("", "add/", "N/change/", "N/history/", "N/history/N/", "import/"):
            assert f"/admin/academics/{model}/{page_kind}" in kinds
    assert "/admin/data-quality/" in kinds
    assert findings == {}, report(findings)


def test_every_platform_page_is_error_free_and_fits_a_laptop(laptop, platform_url):
    findings = {}
    laptop.goto(f"{platform_url}/admin/login/")
    laptop.fill("#id_username", "crawl-operator")
    laptop.fill("#id_password", PASSWORD)
    laptop.click("input[type=submit]")

    kinds = crawl(laptop, platform_url, findings)

    for model in ("tenancy/tenant", "tenancy/apiclient", "auth/user"):
        assert {f"/admin/{model}/", f"/admin/{model}/add/", f"/admin/{model}/N/change/"} <= kinds
    assert findings == {}, report(findings)
