"""A live server for browser tests, serving the test database with tenant A routed by host name.

pytest-django's `live_server` needs transactional tests, whose flush at the end would also wipe
the session's tenants from the public schema. Instead, the data the browser needs is committed
into tenant A, a server thread of our own serves it, and at the end every table of tenant A's
schema that was empty before is truncated again, leaving the schema as the template made it.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import override_settings
from django_tenants.utils import tenant_context

from academics.roles import REGISTRAR, VIEWER, staff_user_save
from academics.tenancy.models import Tenant
from tests.conftest import TENANT_A
from tests.factories import EnrollmentFactory, InstitutionFactory, StudentFactory
from tests.live import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "browser-pass-2026"
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@dataclass
class LiveTenant:
    url: str
    tenant: Tenant


def _empty_tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall()]
        empty = []
        for table in tables:
            cursor.execute(f'SELECT NOT EXISTS (SELECT 1 FROM "{schema}"."{table}")')
            if cursor.fetchone()[0]:
                empty.append(table)
    return empty


def _truncate(schema: str, tables: list[str]) -> None:
    names = ", ".join(f'"{schema}"."{table}"' for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="module")
def live_tenant(django_db_setup, django_db_blocker):
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls made here
    # between browser steps are ordinary synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # pytest-django creates the test database only for sessions holding a django_db test, and
    # these tests mark themselves so; never commit anything into another database.
    assert connection.settings_dict["NAME"].startswith("test_"), "not on the test database"
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(identifier=TENANT_A)
        empty = _empty_tables(tenant.schema_name)
        # Hashed with the tests' fast hasher, the only one enabled while the tests run.
        with tenant_context(tenant), override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
            staff_user_save(username="registrar", role=REGISTRAR, password=PASSWORD)
            staff_user_save(username="viewer", role=VIEWER, password=PASSWORD)
            institution = InstitutionFactory(name="Browser Institute")
            StudentFactory(name="Beatriz Browser", email="beatriz@example.edu")
            EnrollmentFactory(
                student__name="Otto Other",
                cohort__course__institution=institution,
                cohort__course__name="Other Course",
            )
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield LiveTenant(url=f"http://{TENANT_A}.localhost:{port}", tenant=tenant)
        finally:
            _truncate(tenant.schema_name, empty)
            connection.set_schema_to_public()
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE")
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(live_tenant):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright's event loop is set in this thread, asgiref treats it as async and
        # Django keeps a separate set of connections for it; close them before the loop goes,
        # or they outlive the test database.
        connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page, live_tenant: LiveTenant, username: str) -> None:
    page.goto(f"{live_tenant.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
