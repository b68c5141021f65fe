import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import tenant_context

from academics.choices import CompletionStatus, InstitutionStatus
from academics.models import Student
from academics.selectors import MSG_UNKNOWN_TENANT
from academics.transfer import messages as msg
from academics.transfer.specs import SPECS
from tests.conftest import TENANT_A, TENANT_B
from tests.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    InstitutionFactory,
    OrganizationFactory,
    StudentFactory,
)

STUDENT_HEADER = ["email", "name", "date_of_birth", "gender", "social_name"]


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_command_writes_rows_and_prints_a_summary(tenant_a, write_csv):
    path = write_csv([STUDENT_HEADER, ["ana@example.edu", "Ana", "2001-01-01", "", ""]])

    out, err = run("import_records", TENANT_A, "students", str(path))

    assert "students: 1 created, 0 updated, 0 unchanged, 0 rejected." in out
    # Not a terminal: progress comes as plain lines.
    assert "Importing students: 1/1 rows" in err
    with tenant_context(tenant_a):
        assert Student.objects.filter(email="ana@example.edu").exists()


def test_import_command_dry_run_lists_rows_and_writes_nothing(tenant_a, write_csv):
    path = write_csv([STUDENT_HEADER, ["ana@example.edu", "Ana", "2001-01-01", "", ""]])

    out, _ = run("import_records", TENANT_A, "students", str(path), "--dry-run")

    assert "line 2: create ana@example.edu" in out
    assert "(dry run: nothing was written)" in out
    with tenant_context(tenant_a):
        assert not Student.objects.exists()


def test_import_command_with_bad_rows_fails_listing_them_and_writes_nothing(tenant_a, write_csv):
    path = write_csv(
        [
            STUDENT_HEADER,
            ["ana@example.edu", "Ana", "2001-01-01", "", ""],
            ["not-an-email", "Bo", "2001-01-01", "", ""],
        ]
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"1 rejected\. Nothing was written"):
        call_command("import_records", TENANT_A, "students", str(path), stderr=err)

    assert "line 3, email: The email must be a valid email address." in err.getvalue()
    with tenant_context(tenant_a):
        assert not Student.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nowhere", "students"], MSG_UNKNOWN_TENANT.format(identifier="nowhere")),
        (
            [TENANT_A, "teachers"],
            msg.UNKNOWN_RESOURCE.format(name="teachers", choices=", ".join(SPECS)),
        ),
    ],
)
def test_import_command_rejects_unknown_tenant_or_model(db, write_csv, arguments, message):
    path = write_csv([STUDENT_HEADER])

    with pytest.raises(CommandError) as raised:
        call_command("import_records", *arguments, str(path))

    assert str(raised.value) == message


def test_import_command_rejects_a_missing_file(tenant_a, tmp_path):
    path = tmp_path / "absent.csv"

    with pytest.raises(CommandError) as raised:
        call_command("import_records", TENANT_A, "students", str(path))

    assert str(raised.value) == msg.FILE_MISSING.format(path=path)


def test_import_command_rejects_wrong_columns(tenant_a, write_csv):
    path = write_csv([["mail", "name"], ["ana@example.edu", "Ana"]])

    with pytest.raises(CommandError) as raised:
        call_command("import_records", TENANT_A, "students", str(path))

    assert msg.UNKNOWN_COLUMNS.format(
        columns="mail", resource="students", expected=", ".join(SPECS["students"].columns)
    ) in str(raised.value)
    missing = msg.MISSING_COLUMNS.format(columns="uuid or email", resource="students")
    assert missing in str(raised.value)


def test_import_command_rejects_a_file_that_is_not_utf8(tenant_a, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "email,name,date_of_birth\nana@example.edu,Ana Conceição,2000-01-01\n".encode("latin-1")
    )

    with pytest.raises(CommandError) as raised:
        call_command("import_records", TENANT_A, "students", str(path))

    assert str(raised.value) == msg.FILE_NOT_UTF8.format(path=path, line=2)
    with tenant_context(tenant_a):
        assert not Student.objects.exists()


def test_import_command_reads_the_byte_order_mark_spreadsheets_write(tenant_a, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffemail,name,date_of_birth\nana@example.edu,Ana,2000-01-01\n".encode())

    run("import_records", TENANT_A, "students", str(path))

    with tenant_context(tenant_a):
        assert Student.objects.filter(email="ana@example.edu").exists()


def test_export_command_writes_the_columns_import_reads(tenant_a, tmp_path):
    with tenant_context(tenant_a):
        enrollment = EnrollmentFactory(
            grade=Decimal("8.50"),
            completion_status=CompletionStatus.COMPLETED,
            completed_at=date(2024, 12, 1),
        )
        enrollment.completed_at = enrollment.enrolled_at
        enrollment.save()
        EnrollmentFactory(deleted_at="2024-01-01T00:00:00Z")  # soft-deleted: not exported
    output = tmp_path / "enrollments.csv"

    _, err = run("export_records", TENANT_A, "enrollments", "--output", str(output))

    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert rows == [
        {
            "student_email": enrollment.student.email,
            "course_code": enrollment.course.code,
            "course_uuid": str(enrollment.course.uuid),
            "cohort_code": enrollment.cohort.code,
            "uuid": str(enrollment.uuid),
            "completion_status": "completed",
            "grade": "8.50",
            "enrolled_at": "2024-02-01",
            "completed_at": "2024-02-01",
            "student_name": enrollment.student.name,
            "course_name": enrollment.course.name,
        }
    ]
    assert f"Exported 1 enrollments to {output}." in err


def test_export_command_writes_json_to_standard_output(tenant_a):
    with tenant_context(tenant_a):
        InstitutionFactory(name="Tech", country="BR", is_badges_enabled=True)

    out, _ = run("export_records", TENANT_A, "institutions", "--format", "json")

    [record] = json.loads(out)
    assert record["name"] == "Tech"
    assert record["is_badges_enabled"] is True
    assert list(record) == list(SPECS["institutions"].columns)


def test_export_command_rejects_unknown_model(db):
    with pytest.raises(CommandError, match="Unknown model 'teachers'"):
        call_command("export_records", TENANT_A, "teachers")


def _seed_every_resource():
    institution = InstitutionFactory(
        name="Tech", legal_name="Tech Ltd", status=InstitutionStatus.SUSPENDED, website=""
    )
    faculty = OrganizationFactory(institution=institution, code="FC")
    OrganizationFactory(institution=institution, code=None, name="Campus North")
    course = CourseFactory(institution=institution, organization=faculty, workload_hours=None)
    cohort = CohortFactory(course=course, modality="remote", end_date=None)
    student = StudentFactory(gender="female", social_name="Bia")
    EnrollmentFactory(
        student=student,
        cohort=cohort,
        course=course,
        grade=Decimal("7.25"),
        completion_status=CompletionStatus.DROPPED,
    )
    EnrollmentFactory(student=student, course=course, cohort=None)
    EnrollmentFactory()


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_exported_files_import_again_as_no_change_and_move_a_tenant(
    tenant_a, tenant_b, tmp_path, file_format
):
    with tenant_context(tenant_a):
        _seed_every_resource()
    files = {}
    for resource in SPECS:
        files[resource] = tmp_path / f"{resource}.{file_format}"
        export = ("--output", str(files[resource]), "--format", file_format)
        run("export_records", TENANT_A, resource, *export)

    for resource in SPECS:
        out, _ = run("import_records", TENANT_A, resource, str(files[resource]))
        assert ": 0 created, 0 updated," in out, resource
        out, _ = run("import_records", TENANT_B, resource, str(files[resource]))
        assert " 0 updated, 0 unchanged, 0 rejected" in out, resource

    for resource in SPECS:
        again = tmp_path / f"{resource}-b.{file_format}"
        run("export_records", TENANT_B, resource, "--output", str(again), "--format", file_format)
        assert again.read_text() == files[resource].read_text(), resource
    models = [spec.model for spec in SPECS.values()]
    with tenant_context(tenant_a):
        in_a = [model.objects.count() for model in models]
    with tenant_context(tenant_b):
        assert [model.objects.count() for model in models] == in_a == [2, 2, 2, 2, 2, 3]
    connection.set_schema_to_public()


def test_a_json_file_reports_its_bad_records_by_number(tenant_a, tmp_path):
    path = tmp_path / "students.json"
    path.write_text(
        json.dumps(
            [
                {"email": "ana@example.edu", "name": "Ana", "date_of_birth": "2001-01-01"},
                {"email": "not-an-email", "name": "Bo", "date_of_birth": "2001-01-01"},
            ]
        )
    )

    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import_records", TENANT_A, "students", str(path), stderr=err)

    assert "record 2, email: The email must be a valid email address." in err.getvalue()
    with tenant_context(tenant_a):
        assert not Student.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"email": "ana@example.edu"}', msg.JSON_NOT_ARRAY.format(path="{path}")),
        ('[{"email": "ana@example.edu"}, 7]', msg.JSON_NOT_OBJECT.format(number=2, path="{path}")),
        ('[{"email": "ana@example.edu",]', "is not valid JSON"),
    ],
)
def test_import_command_rejects_a_json_file_it_cannot_read(tenant_a, tmp_path, content, message):
    path = tmp_path / "students.json"
    path.write_text(content)

    with pytest.raises(CommandError) as raised:
        call_command("import_records", TENANT_A, "students", str(path))

    assert message.format(path=path) in str(raised.value)
    with tenant_context(tenant_a):
        assert not Student.objects.exists()
