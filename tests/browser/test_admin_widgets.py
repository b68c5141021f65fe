"""The admin's widgets in headless Chromium: the date picker of "Mark completed", the cohort
picker narrowed by the chosen course, and pickers without the related record's delete ✕
(the calendar in a tenant's date style: test_date_style.py)."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_admin_flows import choose
from tests.factories import CohortFactory, CourseFactory, EnrollmentFactory, StudentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def two_courses(live_tenant, django_db_blocker):
    """Two courses, each with cohorts of its own."""
    with django_db_blocker.unblock(), tenant_context(live_tenant.tenant):
        anatomy = CourseFactory(name="Anatomy", code="ANA")
        botany = CourseFactory(name="Botany", code="BOT")
        CohortFactory(course=anatomy, code="ANA-2026-A")
        CohortFactory(course=anatomy, code="ANA-2026-B")
        bot = CohortFactory(course=botany, code="BOT-2026-A")
        StudentFactory(name="Pia Picker", email="pia@example.edu")
        EnrollmentFactory(student__name="Saul Saved", student__email="saul@example.edu", cohort=bot)
    connection.set_schema_to_public()


def test_mark_completed_has_its_calendar_and_today_without_script_errors(page, live_tenant):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_tenant, "registrar")
    page.goto(f"{live_tenant.url}/admin/academics/enrollment/")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "complete_enrollments")
    page.click("button[name=index]")

    page.fill("#id_completed_at", "")
    page.click(".datetimeshortcuts a:text-is('Today')")

    expect(page.locator("#id_completed_at")).not_to_have_value("")
    expect(page.locator(".datetimeshortcuts .date-icon")).to_be_visible()
    assert errors == []


def test_the_cohort_picker_offers_only_the_chosen_courses_cohorts(page, live_tenant, two_courses):
    log_in(page, live_tenant, "registrar")
    page.goto(f"{live_tenant.url}/admin/academics/enrollment/add/")
    choose(page, "course", "Anatomy")

    page.click(".field-cohort .select2-selection")
    options = page.locator(".select2-results__option")
    expect(options).to_have_text(["ANA-2026-A", "ANA-2026-B"])
    page.keyboard.press("Escape")

    choose(page, "course", "Botany")
    page.click(".field-cohort .select2-selection")
    expect(options).to_have_text(["BOT-2026-A"])


def test_the_cohort_picker_of_a_students_enrollment_row_follows_its_course(
    page, live_tenant, two_courses
):
    log_in(page, live_tenant, "registrar")
    page.goto(f"{live_tenant.url}/admin/academics/student/?q=Pia")
    page.click("#result_list a:has-text('Pia Picker')")
    page.click(".add-row a")
    row = page.locator(".dynamic-enrollments").last
    row.locator(".field-course .select2-selection").click()
    page.fill(".select2-container--open .select2-search__field", "Botany")
    page.click(".select2-results__option:has-text('Botany')")

    row.locator(".field-cohort .select2-selection").click()

    expect(page.locator(".select2-results__option")).to_have_text(["BOT-2026-A"])


def test_a_saved_cohort_stays_chosen_when_the_page_loads(page, live_tenant, two_courses):
    log_in(page, live_tenant, "registrar")
    page.goto(f"{live_tenant.url}/admin/academics/student/?q=Saul")
    page.click("#result_list a:has-text('Saul Saved')")

    row = page.locator(".dynamic-enrollments").first
    expect(row.locator(".field-cohort .select2-selection__rendered")).to_have_attribute(
        "title", "BOT-2026-A"
    )


def test_pickers_have_no_delete_of_the_related_record(page, live_tenant):
    log_in(page, live_tenant, "registrar")
    page.goto(f"{live_tenant.url}/admin/academics/enrollment/add/")

    expect(page.locator(".field-course .related-widget-wrapper")).to_be_visible()
    expect(page.locator(".related-widget-wrapper-link.delete-related")).to_have_count(0)
