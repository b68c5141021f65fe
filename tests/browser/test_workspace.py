"""The registrar's workspace in headless Chromium (docs/admin.md): the grade sheet typed with the
keyboard, a bad grade shown on its row with nothing saved, the student record, the dashboard's
links. Screenshots go to $SCREENSHOTS (default: a temporary folder), to be looked at."""

import os
import re
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from academics import messages as msg
from academics.choices import CompletionStatus
from academics.models import Enrollment
from tests.browser.conftest import log_in
from tests.factories import CohortFactory, CourseFactory, EnrollmentFactory, StudentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
NAMES = ("Ana Sheet", "Bruno Sheet", "Clara Sheet")


@pytest.fixture(scope="module")
def shots() -> Path:
    return Path(os.environ.get("SCREENSHOTS") or tempfile.mkdtemp(prefix="workspace-shots-"))


@pytest.fixture(scope="module")
def term(live_tenant, django_db_blocker):
    """A running cohort of three students (committed: the server thread reads it); one of them
    also completed another course. live_tenant empties the tables again at the end."""
    today = timezone.localdate()
    with django_db_blocker.unblock(), tenant_context(live_tenant.tenant):
        cohort = CohortFactory(
            code="SHEET-1",
            course__name="Sheet Course",
            course__workload_hours=100,
            start_date=today - timedelta(days=60),
            end_date=today + timedelta(days=30),
        )
        students = [StudentFactory(name=name) for name in NAMES]
        for student in students:
            EnrollmentFactory(
                student=student, cohort=cohort, course=cohort.course, enrolled_at=cohort.start_date
            )
        other = CohortFactory(course=CourseFactory(name="Earlier Course", workload_hours=300))
        EnrollmentFactory(
            student=students[0],
            cohort=other,
            course=other.course,
            completion_status=CompletionStatus.COMPLETED,
            completed_at=other.end_date,
            grade=Decimal("9"),
        )
    connection.set_schema_to_public()
    return cohort


def stored(live_tenant, name: str) -> Enrollment:
    with tenant_context(live_tenant.tenant):
        return Enrollment.objects.select_related("student").get(
            student__name=name, cohort__code="SHEET-1"
        )


def open_sheet(page, live_tenant, term) -> None:
    page.goto(f"{live_tenant.url}/admin/academics/cohort/{term.pk}/change/")
    page.click("a.gradesheetlink")
    expect(page.locator("#grade-sheet tbody tr")).to_have_count(len(NAMES))


def test_an_invalid_grade_is_shown_on_its_row_and_nothing_is_saved(page, live_tenant, term, shots):
    log_in(page, live_tenant, "registrar")
    open_sheet(page, live_tenant, term)
    day = timezone.localdate().isoformat()

    for row, grade in ((0, "7"), (1, "12")):
        page.select_option(f"[name=rows-{row}-completion_status]", "completed")
        page.fill(f"[name=rows-{row}-grade]", grade)
        page.fill(f"[name=rows-{row}-completed_at]", day)
    page.click("input[name=_save]")

    expect(page.locator(".messagelist .error")).to_contain_text("Nothing was saved")
    bruno = stored(live_tenant, "Bruno Sheet")
    expect(page.locator(f"#errors-{bruno.pk}")).to_have_text(msg.GRADE_RANGE)
    expect(page.locator("[name=rows-1-grade]")).to_have_value("12")
    page.screenshot(path=shots / "grade-sheet-error.png", full_page=True)
    assert stored(live_tenant, "Ana Sheet").completion_status == CompletionStatus.ENROLLED
    assert bruno.completion_status == CompletionStatus.ENROLLED


def test_a_registrar_types_the_cohorts_grades_with_the_keyboard_and_saves(
    page, live_tenant, term, shots
):
    log_in(page, live_tenant, "registrar")
    open_sheet(page, live_tenant, term)
    day = timezone.localdate().isoformat()
    for row in range(len(NAMES)):
        page.select_option(f"[name=rows-{row}-completion_status]", "completed")
        page.fill(f"[name=rows-{row}-completed_at]", day)

    page.click("[name=rows-0-grade]")
    for grade in ("8.5", "6", "9.75"):
        page.keyboard.press("Control+A")
        page.keyboard.type(grade)
        page.keyboard.press("Enter")  # next row's grade, not a submit
    expect(page.locator("[name=rows-2-grade]")).to_have_value("9.75")
    page.keyboard.press("ArrowUp")
    expect(page.locator("[name=rows-1-grade]")).to_be_focused()
    page.screenshot(path=shots / "grade-sheet-typed.png", full_page=True)
    page.click("input[name=_save]")

    expect(page.locator(".messagelist .success")).to_contain_text("Saved 3 enrollment(s).")
    page.screenshot(path=shots / "grade-sheet-saved.png", full_page=True)
    grades = [stored(live_tenant, name).grade for name in NAMES]
    assert grades == [Decimal("8.5"), Decimal("6"), Decimal("9.75")]


def test_the_student_record_shows_totals_and_the_transcript_link(page, live_tenant, term, shots):
    log_in(page, live_tenant, "registrar")
    page.goto(f"{live_tenant.url}/admin/academics/student/?q=Ana+Sheet")
    page.click("#result_list a:text-is('Record')")

    expect(page.locator("#student-record tbody tr")).to_have_count(2)
    expect(page.locator("#total-courses")).to_have_text("2")
    expect(page.locator("#student-record .badge").first).to_be_visible()
    expect(page.locator("a.transcriptlink")).to_have_attribute("href", re.compile("/transcript/$"))
    page.screenshot(path=shots / "student-record.png", full_page=True)


def test_the_dashboard_links_lead_to_lists_of_as_many_records(page, live_tenant, term, shots):
    log_in(page, live_tenant, "registrar")
    page.screenshot(path=shots / "dashboard.png", full_page=True)

    page.click("#dashboard dt:text-is('Cohorts in progress') + dd a")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("SHEET-1")

    page.goto(f"{live_tenant.url}/admin/")
    readiness = page.locator("#readiness tr:has-text('SHEET-1') td.num a")
    enrollments = readiness.nth(0).inner_text()
    readiness.nth(0).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(int(enrollments))
