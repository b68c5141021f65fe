"""The bulk importer reports what `record_save` (full_clean) reports for the same record."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from academics.choices import CourseStatus
from academics.models import Cohort, Course, Enrollment, Student
from academics.services import record_save
from academics.transfer.services import records_import_file
from tests.factories import CohortFactory, CourseFactory, InstitutionFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def _world():
    institution = InstitutionFactory(name="Tech")
    active = CohortFactory(code="K1", course__code="CK", course__institution=institution)
    draft = CourseFactory(code="DRAFT", status=CourseStatus.DRAFT, institution=institution)
    other = CohortFactory(code="OTHER", course__code="CX", course__institution=institution)
    student = StudentFactory(email="ana@example.edu")
    return {"tech": institution, "k1": active, "draft": draft, "other": other, "ana": student}


CASES = [
    (
        "students",
        {"email": "not-an-email", "name": "x" * 256, "date_of_birth": "2999-01-01"},
        lambda w: Student(email="not-an-email", name="x" * 256, date_of_birth=date(2999, 1, 1)),
    ),
    (
        "students",
        {"email": "bo@example.edu", "name": "", "date_of_birth": "2000-01-01"},
        lambda w: Student(email="bo@example.edu", name="", date_of_birth=date(2000, 1, 1)),
    ),
    (
        "cohorts",
        {"course_code": "CK", "code": "K9", "start_date": "2024-05-01", "end_date": "2024-01-01"},
        lambda w: Cohort(
            course=w["k1"].course,
            code="K9",
            start_date=date(2024, 5, 1),
            end_date=date(2024, 1, 1),
        ),
    ),
    (
        "courses",
        {"institution_name": "Tech", "code": "N1", "name": "N", "workload_hours": "-5"},
        lambda w: Course(institution=w["tech"], code="N1", name="N", workload_hours=-5),
    ),
    (
        "courses",
        {"institution_name": "Tech", "code": "N2", "name": "N", "status": "paused"},
        lambda w: Course(institution=w["tech"], code="N2", name="N", status="paused"),
    ),
    (
        "enrollments",
        {
            "student_email": "ana@example.edu",
            "course_code": "CK",
            "cohort_code": "OTHER",
            "grade": "10.555",
            "enrolled_at": "2024-02-01",
            "completed_at": "2024-01-01",
            "completion_status": "finished",
        },
        lambda w: Enrollment(
            student=w["ana"],
            course=w["k1"].course,
            cohort=w["other"],
            grade=Decimal("10.555"),
            enrolled_at=date(2024, 2, 1),
            completed_at=date(2024, 1, 1),
            completion_status="finished",
        ),
    ),
    (
        "enrollments",
        {
            "student_email": "ana@example.edu",
            "course_code": "DRAFT",
            "grade": "11",
            "enrolled_at": "2024-02-01",
        },
        lambda w: Enrollment(
            student=w["ana"], course=w["draft"], grade=Decimal("11"), enrolled_at=date(2024, 2, 1)
        ),
    ),
]
COLUMN_OF = {"student": "student_email", "course": "course_code", "cohort": "cohort_code"}


@pytest.mark.parametrize(("resource", "cells", "build"), CASES)
def test_import_errors_are_those_of_record_save(write_csv, resource, cells, build):
    world = _world()
    with pytest.raises(ValidationError) as raised:
        record_save(record=build(world))
    expected = {
        COLUMN_OF.get(field, "" if field == "__all__" else field): sorted(messages)
        for field, messages in raised.value.message_dict.items()
    }

    report = records_import_file(
        resource=resource, path=write_csv([list(cells), list(cells.values())])
    )

    reported: dict[str, list[str]] = {}
    for error in report.errors:
        reported.setdefault(error.column, []).append(error.message)
    assert {column: sorted(messages) for column, messages in reported.items()} == expected
