"""The enrollment lifecycle through imports and commands (docs/api.md, Enrollment lifecycle):
the rules reported per row, a finalized enrollment refused per row, records_check."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from academics import messages
from academics.choices import CompletionStatus
from academics.models import Course, Enrollment
from academics.services import enrollment_finalize
from academics.transfer.rows import RowError
from academics.transfer.services import records_import_file
from tests.conftest import TENANT_A
from tests.factories import CohortFactory, CourseFactory, EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")
HEADER = [
    "student_email",
    "course_code",
    "cohort_code",
    "completion_status",
    "grade",
    "enrolled_at",
    "completed_at",
]


def test_each_lifecycle_rule_is_reported_on_its_row_and_column(write_csv):
    StudentFactory(email="ana@example.edu")
    StudentFactory(email="bia@example.edu")
    StudentFactory(email="caio@example.edu")
    CohortFactory(code="K1", course__code="CK")
    path = write_csv(
        [
            HEADER,
            ["ana@example.edu", "CK", "K1", "completed", "9", "2024-02-01", ""],
            ["bia@example.edu", "CK", "K1", "dropped", "", "2024-02-01", "2024-05-01"],
            ["caio@example.edu", "CK", "K1", "enrolled", "7", "2024-02-01", ""],
        ]
    )

    report = records_import_file(resource="enrollments", path=path)

    assert report.errors == [
        RowError(2, "completed_at", messages.COMPLETED_AT_REQUIRED),
        RowError(3, "completed_at", messages.COMPLETED_AT_PROHIBITED),
        RowError(4, "grade", messages.GRADE_PROHIBITED),
    ]
    assert not Enrollment.objects.exists()


def finalized_enrollment() -> Enrollment:
    cohort = CohortFactory(code="K1", course__code="CK")
    enrollment = EnrollmentFactory(
        student=StudentFactory(email="ana@example.edu"),
        cohort=cohort,
        completion_status=CompletionStatus.COMPLETED,
        completed_at=date(2024, 12, 1),
        grade=Decimal("8.50"),
    )
    return enrollment_finalize(enrollment=enrollment)


def test_a_row_changing_a_finalized_enrollment_is_refused(write_csv):
    # given
    enrollment = finalized_enrollment()
    row = ["ana@example.edu", "CK", "K1", "completed", "8.50", "2024-02-01", "2024-12-01"]

    # when the same values come back, then a new grade
    same = records_import_file(resource="enrollments", path=write_csv([HEADER, row]))
    row[4] = "10"
    changed = records_import_file(resource="enrollments", path=write_csv([HEADER, row]))

    # then
    assert same.errors == [] and same.counts == {"unchanged": 1}
    assert changed.errors == [RowError(2, "", messages.ENROLLMENT_FINALIZED)]
    enrollment.refresh_from_db()
    assert enrollment.grade == Decimal("8.50")


def test_a_row_changing_the_workload_of_a_course_with_finalized_enrollments_is_refused(write_csv):
    finalized_enrollment()
    course = Course.objects.get(code="CK")
    path = write_csv(
        [
            ["uuid", "code", "name", "institution_name", "workload_hours"],
            [str(course.uuid), "CK", course.name, course.institution.name, "999"],
        ]
    )

    report = records_import_file(resource="courses", path=path)

    assert report.errors == [
        RowError(
            2,
            "workload_hours",
            messages.FINALIZED_PARENT_FIELD.format(
                attribute="workload hours", count=1, enrollments="enrollment"
            ),
        )
    ]
    course.refresh_from_db()
    assert course.workload_hours == 120


def test_records_check_prints_each_count_and_fails_when_something_is_found(capsys):
    # given an active course nobody is enrolled in
    CourseFactory()

    # when
    with pytest.raises(CommandError) as failed:
        call_command("records_check", TENANT_A)

    # then
    out = capsys.readouterr().out
    assert (
        "1  Active courses without enrollments  /admin/academics/course/?quality=idle_courses"
        in out
    )
    assert "0  Cohorts whose dates do not cover their enrollments" in out
    assert failed.value.returncode == 1


def test_records_check_passes_on_clean_records(capsys):
    EnrollmentFactory()

    call_command("records_check", TENANT_A)

    assert "No findings." in capsys.readouterr().out
