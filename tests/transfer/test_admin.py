"""Import and export in the registrar admin (django-import-export with the transfer resources)."""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from academics import messages
from academics.choices import CourseStatus
from academics.models import Course, Enrollment, Student
from academics.transfer import resources
from academics.transfer.specs import SPECS
from tests.factories import CohortFactory, EnrollmentFactory, StudentFactory

STUDENTS = "/admin/academics/student/"
CSV_FORMAT, XLSX_FORMAT, JSON_IMPORT_FORMAT = "0", "1", "2"
XLSX_EXPORT_FORMAT, JSON_EXPORT_FORMAT = "1", "2"
ENROLLMENT_COLUMNS = [
    *("student_email", "course_code", "cohort_code", "completion_status", "grade"),
    *("enrolled_at", "completed_at"),
]
STUDENT_ROWS = [
    ["email", "name", "date_of_birth", "gender", "social_name"],
    ["ana@example.edu", "Ana", "2001-01-01", "", ""],
    ["bia@example.edu", "Bia", "2002-02-02", "female", "Bia S."],
]


def csv_file(rows, name="students.csv"):
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode())


def xlsx_file(rows, name="students.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    content = io.BytesIO()
    book.save(content)
    return SimpleUploadedFile(name, content.getvalue())


def preview(client, url, upload, file_format=CSV_FORMAT):
    return client.post(f"{url}import/", {"import_file": upload, "format": file_format})


def import_types(response):
    return [row.import_type for row in response.context["result"].rows]


def test_import_shows_a_preview_and_writes_only_when_confirmed(registrar_client, registrar):
    StudentFactory(email="BIA@example.edu", name="Old Name")

    shown = preview(registrar_client, STUDENTS, csv_file(STUDENT_ROWS))

    assert import_types(shown) == ["new", "update"]
    assert Student.objects.count() == 1
    confirmed = registrar_client.post(
        f"{STUDENTS}process_import/", shown.context["confirm_form"].initial
    )
    assert confirmed.status_code == 302
    assert Student.objects.count() == 2
    bia = Student.objects.get(email__iexact="bia@example.edu")
    assert (bia.name, bia.gender) == ("Bia", "female")
    entry = bia.history.latest()
    assert entry.history_user == registrar
    assert (entry.history_actor_type, entry.history_actor_name) == ("import", "students.csv")


def test_importing_the_same_spreadsheet_again_changes_nothing(registrar_client):
    first = preview(registrar_client, STUDENTS, xlsx_file(STUDENT_ROWS), XLSX_FORMAT)
    registrar_client.post(f"{STUDENTS}process_import/", first.context["confirm_form"].initial)

    again = preview(registrar_client, STUDENTS, xlsx_file(STUDENT_ROWS), XLSX_FORMAT)

    assert Student.objects.count() == 2
    assert import_types(again) == ["skip", "skip"]


def test_invalid_rows_are_reported_and_cannot_be_confirmed(registrar_client):
    rows = [*STUDENT_ROWS, ["cid@example.edu", "Cid", "2999-01-01", "", ""]]

    shown = preview(registrar_client, STUDENTS, csv_file(rows))

    result = shown.context["result"]
    [invalid] = result.invalid_rows
    # The spreadsheet's own line number (the header is line 1) and column, as the command says.
    assert (invalid.number, invalid.error_dict) == (
        4,
        {"date_of_birth": [messages.BIRTH_DATE_IN_FUTURE]},
    )
    assert "confirm_form" not in shown.context
    assert not Student.objects.exists()
    # What the other rows would do is shown too, by line.
    assert [(row.number, row.import_type) for row in result.valid_rows()] == [
        (2, "new"),
        (3, "new"),
    ]
    assert b"1 invalid; 2 new, 0 to update, 0 unchanged." in shown.content
    assert b"The other rows, once the file is corrected" in shown.content


def test_enrollment_import_names_records_by_natural_keys(registrar_client):
    cohort = CohortFactory(code="K1", course__code="CK")
    StudentFactory(email="ana@example.edu")
    rows = [
        ["student_email", "course_code", "cohort_code", "enrolled_at"],
        ["ANA@example.edu", "CK", "K1", "2024-02-01"],
        ["ana@example.edu", "NOPE", "", "2024-02-01"],
    ]

    shown = preview(registrar_client, "/admin/academics/enrollment/", csv_file(rows))

    [invalid] = shown.context["result"].invalid_rows
    assert invalid.error_dict == {
        "course_code": [messages.SELECTED_INVALID.format(attribute="course code")]
    }
    rows.pop()
    shown = preview(registrar_client, "/admin/academics/enrollment/", csv_file(rows))
    registrar_client.post(
        "/admin/academics/enrollment/process_import/", shown.context["confirm_form"].initial
    )
    assert Enrollment.objects.get().cohort == cohort


def test_a_file_with_unknown_columns_is_refused(registrar_client):
    shown = preview(registrar_client, STUDENTS, csv_file([["mail"], ["ana@example.edu"]]))

    [error] = shown.context["result"].base_errors
    assert "Unknown column(s): mail." in str(error.error)
    assert not Student.objects.exists()


def _export(client, data, query=""):
    response = client.post(f"{STUDENTS}export/{query}", data)
    assert response.streaming, response
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_streams_the_filtered_changelist_in_the_import_columns(registrar_client):
    StudentFactory(email="ana@example.edu", name="Ana", gender="female")
    StudentFactory(email="bo@example.edu", name="Bo", gender="male")

    rows = _export(registrar_client, {"format": CSV_FORMAT}, "?gender=female")

    assert list(rows[0]) == list(SPECS["students"].columns)
    assert [row["email"] for row in rows] == ["ana@example.edu"]


def test_export_selected_rows_only(registrar_client):
    chosen, _ = StudentFactory(), StudentFactory()
    form_page = registrar_client.post(
        STUDENTS, {"action": "export_admin_action", "_selected_action": [chosen.pk]}
    )
    assert form_page.status_code == 200

    rows = _export(registrar_client, {"format": CSV_FORMAT, "export_items": [chosen.pk]})

    assert [(row["uuid"], row["email"]) for row in rows] == [(str(chosen.uuid), chosen.email)]


def test_a_viewer_may_export_but_not_import(viewer_client):
    StudentFactory()

    assert viewer_client.get(f"{STUDENTS}import/").status_code == 403
    assert len(_export(viewer_client, {"format": CSV_FORMAT})) == 1


@pytest.mark.parametrize("model", [spec.model._meta.model_name for spec in SPECS.values()])
def test_every_record_admin_offers_import_and_export(registrar_client, model):
    page = registrar_client.get(f"/admin/academics/{model}/")

    assert f"/admin/academics/{model}/import/".encode() in page.content
    assert f"/admin/academics/{model}/export/".encode() in page.content


def test_the_preview_marks_the_cells_an_update_changes(registrar_client):
    StudentFactory(email="bia@example.edu", name="Old Name", gender="female", social_name="Bia S.")

    shown = preview(registrar_client, STUDENTS, csv_file(STUDENT_ROWS))

    new, update = shown.context["result"].rows
    assert new.diff == ["ana@example.edu", "Ana", "2001-01-01", "", ""]
    assert update.diff[:3] == ["bia@example.edu", "<ins>Bia</ins>", "<ins>2002-02-02</ins>"]
    assert b"1 new, 1 to update" in shown.content


def test_spreadsheet_cells_are_read_as_their_text(registrar_client):
    """XLSX cells come typed: dates as datetimes, numbers as floats."""
    CohortFactory(code="K1", course__code="CK")
    StudentFactory(email="ana@example.edu")
    rows = [
        ENROLLMENT_COLUMNS,
        ["ana@example.edu", "CK", "K1", "completed", 8.5, datetime(2024, 2, 1), date(2024, 12, 1)],
    ]

    shown = preview(registrar_client, "/admin/academics/enrollment/", xlsx_file(rows), XLSX_FORMAT)
    registrar_client.post(
        "/admin/academics/enrollment/process_import/", shown.context["confirm_form"].initial
    )

    enrollment = Enrollment.objects.get()
    assert enrollment.grade == Decimal("8.50")
    assert enrollment.enrolled_at == date(2024, 2, 1)
    assert enrollment.completed_at == date(2024, 12, 1)


def test_a_confirmed_import_that_became_invalid_writes_nothing_and_says_why(registrar_client):
    cohort = CohortFactory(code="K1", course__code="CK")
    StudentFactory(email="ana@example.edu")
    rows = [
        ["student_email", "course_code", "cohort_code", "enrolled_at"],
        ["ana@example.edu", "CK", "K1", "2024-02-01"],
    ]
    shown = preview(registrar_client, "/admin/academics/enrollment/", csv_file(rows))
    Course.objects.filter(pk=cohort.course_id).update(status=CourseStatus.ARCHIVED)

    confirmed = registrar_client.post(
        "/admin/academics/enrollment/process_import/",
        shown.context["confirm_form"].initial,
        follow=True,
    )

    assert confirmed.redirect_chain[-1][0] == "/admin/academics/enrollment/import/"
    assert "Nothing was imported" in confirmed.content.decode()
    assert messages.COURSE_NOT_ACTIVE in confirmed.content.decode()
    assert not Enrollment.objects.exists()


def test_the_preview_of_a_large_file_shows_its_first_rows_and_counts_them_all(
    registrar_client, monkeypatch
):
    monkeypatch.setattr(resources, "PREVIEW_ROWS", 2)
    students = [[f"s{n}@example.edu", f"S{n}", "2001-01-01", "", ""] for n in range(5)]
    rows = [STUDENT_ROWS[0], *students]

    shown = preview(registrar_client, STUDENTS, csv_file(rows))

    result = shown.context["result"]
    assert (len(result.rows), result.totals["new"], result.total_rows) == (2, 5, 5)
    assert b"The first 2 of 5 rows are shown." in shown.content
    assert "confirm_form" in shown.context


def test_a_semicolon_separated_csv_is_read_as_a_spreadsheet_writes_it(registrar_client):
    upload = SimpleUploadedFile(
        "students.csv",
        "\ufeffemail;name;date_of_birth\nana@example.edu;Ana;2001-01-01\n".encode(),
    )

    shown = preview(registrar_client, STUDENTS, upload)

    assert import_types(shown) == ["new"]
    assert shown.context["result"].rows[0].diff == ["ana@example.edu", "Ana", "2001-01-01"]


def test_a_spreadsheet_with_empty_columns_past_the_named_ones_imports(registrar_client):
    rows = [[*row, None, None] for row in STUDENT_ROWS]

    shown = preview(registrar_client, STUDENTS, xlsx_file(rows), XLSX_FORMAT)

    assert import_types(shown) == ["new", "new"]


def test_a_json_export_imports_again_as_unchanged(registrar_client):
    StudentFactory(email="ana@example.edu", gender="female")
    StudentFactory(email="bo@example.edu", social_name="Bo B.")
    exported = registrar_client.post(f"{STUDENTS}export/", {"format": JSON_EXPORT_FORMAT})
    upload = SimpleUploadedFile("students.json", b"".join(exported.streaming_content))

    shown = preview(registrar_client, STUDENTS, upload, JSON_IMPORT_FORMAT)

    assert import_types(shown) == ["skip", "skip"]


def test_invalid_rows_are_a_table_of_row_column_and_message_also_as_a_csv_file(registrar_client):
    rows = [
        *STUDENT_ROWS,
        ["cid@example.edu", "Cid", "2999-01-01", "", ""],
        ["not-an-email", "", "2001-01-01", "", ""],
    ]

    shown = preview(registrar_client, STUDENTS, csv_file(rows))

    expected = [
        (4, "date_of_birth", messages.BIRTH_DATE_IN_FUTURE),
        (5, "email", messages.EMAIL.format(attribute="email")),
        (5, "name", messages.REQUIRED.format(attribute="name")),
    ]
    assert sorted(shown.context["import_errors"]) == expected
    page = shown.content.decode()
    assert "<tr><td>4</td><td>date_of_birth</td><td>" in page
    assert "validation-error-count" not in page  # no badge to hover
    url = shown.context["errors_csv_url"]
    assert url.startswith("data:text/csv;charset=utf-8,") and url in page.replace("&amp;", "&")
    downloaded = list(csv.reader(io.StringIO(unquote(url.split(",", 1)[1]))))
    assert downloaded[0] == ["row", "column", "message"]
    assert sorted(tuple(row) for row in downloaded[1:]) == [
        (str(line), column, message) for line, column, message in expected
    ]


@pytest.mark.parametrize("model", ["student", "enrollment"])
def test_each_list_offers_a_template_file_of_its_import_columns(registrar_client, model):
    spec = next(spec for spec in SPECS.values() if spec.model._meta.model_name == model)
    page = registrar_client.get(f"/admin/academics/{model}/import/").content.decode()
    url = f"/admin/academics/{model}/import/template/"

    template = registrar_client.get(url)

    assert f'href="{url}"' in page
    assert template["Content-Type"] == "text/csv"
    assert template.content.decode().splitlines() == [",".join(spec.columns)]


def test_a_viewer_gets_no_template_file(viewer_client):
    assert viewer_client.get(f"{STUDENTS}import/template/").status_code == 403


def test_an_xlsx_export_imports_again_as_unchanged(registrar_client):
    StudentFactory(email="ana@example.edu", gender="female", date_of_birth=date(2001, 1, 1))
    StudentFactory(email="bo@example.edu", social_name="=Bo")  # a formula is neutralised

    exported = registrar_client.post(f"{STUDENTS}export/", {"format": XLSX_EXPORT_FORMAT})
    upload = SimpleUploadedFile("students.xlsx", exported.content)
    shown = preview(registrar_client, STUDENTS, upload, XLSX_FORMAT)

    assert exported["Content-Disposition"].endswith('.xlsx"')
    assert import_types(shown) == ["skip", "skip"]


def test_the_export_page_says_it_exports_only_the_filtered_rows(registrar_client):
    filtered = registrar_client.get(f"{STUDENTS}export/?gender=female").content.decode()
    everything = registrar_client.get(f"{STUDENTS}export/").content.decode()

    assert "Only the rows of the list as it is filtered now" in filtered
    assert "Every row of the list is exported" in everything


def test_after_an_import_the_message_links_to_the_rows_it_wrote(registrar_client):
    StudentFactory(email="old@example.edu")
    shown = preview(registrar_client, STUDENTS, csv_file(STUDENT_ROWS))

    confirmed = registrar_client.post(
        f"{STUDENTS}process_import/", shown.context["confirm_form"].initial, follow=True
    )

    page = confirmed.content.decode()
    assert "Import finished: 2 new, 0 updated, 0 unchanged students." in page
    link = re.search(r'href="([^"]+updated_at__gte=[^"]+)">See the rows this import wrote', page)
    listed = registrar_client.get(link[1].replace("&amp;", "&"))
    assert {student.email for student in listed.context["cl"].result_list} == {
        "ana@example.edu",
        "bia@example.edu",
    }


def test_an_export_names_related_records_and_imports_again_as_unchanged(registrar_client):
    enrollment = EnrollmentFactory(student__name="Ana Souza", cohort__course__name="Anatomy")
    url = "/admin/academics/enrollment/"

    exported = registrar_client.post(f"{url}export/", {"format": CSV_FORMAT})
    text = b"".join(exported.streaming_content).decode()
    [row] = list(csv.DictReader(io.StringIO(text)))
    upload = SimpleUploadedFile("enrollments.csv", text.encode())
    shown = preview(registrar_client, url, upload)

    assert (row["student_email"], row["student_name"]) == (enrollment.student.email, "Ana Souza")
    assert (row["course_code"], row["course_name"]) == (enrollment.course.code, "Anatomy")
    assert list(row)[-2:] == ["student_name", "course_name"]  # after the import columns
    assert import_types(shown) == ["skip"]
