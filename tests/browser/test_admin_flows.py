"""The registrar admin driven in headless Chromium against a live server, tenant A by host."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

# django_db: makes pytest-django create the test database (the data itself is committed by the
# live_tenant fixture and read by the server thread).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def choose(page, field: str, text: str) -> None:
    """Pick `text` in an autocomplete (select2) field, as a user types and picks."""
    page.click(f".field-{field} .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def test_registrar_creates_a_course_enrolls_a_student_filters_and_sees_history(page, live_tenant):
    log_in(page, live_tenant, "registrar")
    expect(page.locator("#site-name")).to_contain_text("Tenant A University")
    expect(page.locator("#dashboard")).to_be_visible()

    page.goto(f"{live_tenant.url}/admin/academics/course/add/")
    choose(page, "institution", "Browser Institute")
    page.fill("#id_name", "Browser Course")
    page.fill("#id_code", "BRW-1")
    page.select_option("#id_status", "active")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text("Browser Course")

    page.goto(f"{live_tenant.url}/admin/academics/enrollment/add/")
    choose(page, "student", "Beatriz Browser")
    choose(page, "course", "Browser Course")
    page.fill("#id_enrolled_at", "2026-02-01")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    page.click("#changelist-filter a:text-is('BRW-1 — Browser Course')")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Beatriz Browser")

    page.goto(f"{live_tenant.url}/admin/academics/course/?q=BRW-1")
    page.click("#result_list a:text-is('Browser Course')")
    page.fill("#id_name", "Browser Course II")
    page.click("input[name=_continue]")
    page.click("a.historylink")
    history = page.locator("#change-history")
    expect(history).to_contain_text(re.compile(r"Browser Course\s+→\s+Browser Course II"))
    expect(history).to_contain_text("registrar")


def test_viewer_finds_no_edit_controls(page, live_tenant):
    log_in(page, live_tenant, "viewer")

    page.goto(f"{live_tenant.url}/admin/academics/enrollment/")
    expect(page.locator("#result_list tbody tr").first).to_be_visible()
    expect(page.locator(".addlink")).to_have_count(0)
    for action in (
        "delete_selected",
        "restore_selected",
        "complete_enrollments",
        "drop_enrollments",
    ):
        expect(page.locator(f"select[name=action] option[value={action}]")).to_have_count(0)

    page.click("#result_list tbody tr th a")
    expect(page.locator("input[name=_save]")).to_have_count(0)
    expect(page.locator(".deletelink")).to_have_count(0)
    expect(page.locator("input#id_grade")).to_have_count(0)


def test_registrar_imports_a_spreadsheet_after_its_preview(page, live_tenant, tmp_path):
    upload = tmp_path / "students.csv"
    upload.write_text(
        "email,name,date_of_birth,gender,social_name\n"
        "beatriz@example.edu,Beatriz Imported,2001-01-01,,\n"
        "carla.import@example.edu,Carla Import,2002-02-02,,\n"
    )
    log_in(page, live_tenant, "registrar")

    page.goto(f"{live_tenant.url}/admin/academics/student/")
    page.click("a.import_link")
    page.set_input_files("#id_import_file", str(upload))
    page.select_option("#id_format", label="csv")
    page.click("input[type=submit]")
    preview = page.locator("table.import-preview")
    expect(page.locator(".import-preview-note")).to_contain_text("1 new, 1 to update")
    expect(preview.locator("tr.update ins")).to_have_text(["Beatriz Imported", "2001-01-01"])
    page.click("input[name=confirm]")

    expect(page.locator(".messagelist .success")).to_contain_text("1 new, 1 updated")
    page.goto(f"{live_tenant.url}/admin/academics/student/?q=Import")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)


def test_a_registrar_cannot_save_over_a_change_made_since_the_form_opened(browser, live_tenant):
    pages = []
    for _ in range(2):  # two registrars, each in a browser of their own
        page = browser.new_context().new_page()
        page.set_default_timeout(15_000)
        log_in(page, live_tenant, "registrar")
        page.goto(f"{live_tenant.url}/admin/academics/student/?q=Otto")
        page.click("#result_list a:text-is('Otto Other')")
        pages.append(page)
    first, second = pages

    first.fill("#id_social_name", "Otto O.")
    first.click("input[name=_continue]")
    expect(first.locator(".messagelist .success")).to_be_visible()
    second.fill("#id_name", "Otto Overwritten")
    second.click("input[name=_continue]")

    expect(second.locator(".errornote")).to_be_visible()
    expect(second.locator(".errorlist")).to_contain_text(
        re.compile(r"This record was changed by registrar at .+; reload it\.")
    )
    second.goto(second.url)  # reload the form (a GET; a browser reload would post again)
    expect(second.locator("#id_name")).to_have_value("Otto Other")
    expect(second.locator("#id_social_name")).to_have_value("Otto O.")
    for page in pages:
        page.context.close()
