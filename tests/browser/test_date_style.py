"""A day-first tenant's calendar in headless Chromium: "Today" types the date day first, as the
tenant's lists show it (docs/admin.md, Dates)."""

from datetime import date

import pytest
from django.db import connection

from academics.tenancy.models import DateStyle
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def day_first(live_tenant, django_db_blocker):
    """Committed, as the server thread reads it; ISO again at the end."""
    tenant = live_tenant.tenant
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        tenant.date_style = DateStyle.DAY_FIRST
        tenant.save()
        try:
            yield tenant
        finally:
            connection.set_schema_to_public()
            tenant.date_style = DateStyle.ISO
            tenant.save()


def test_a_day_first_tenants_calendar_types_day_first(page, live_tenant, day_first):
    log_in(page, live_tenant, "registrar")
    page.goto(f"{live_tenant.url}/admin/academics/enrollment/add/")

    page.click(".field-enrolled_at .datetimeshortcuts a:text-is('Today')")

    typed = page.locator("#id_enrolled_at").input_value()
    assert typed == date.today().strftime("%d/%m/%Y")
