"""A student's record page (docs/admin.md, Student record): enrollments across courses, totals,
the weighted average, the transcript one click away, constant queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academics.choices import CompletionStatus
from tests.factories import CohortFactory, CourseFactory, EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db


def record_url(student) -> str:
    return f"/admin/academics/student/{student.pk}/record/"


def completed(student, *, grade: str, hours: int):
    cohort = CohortFactory(course=CourseFactory(workload_hours=hours))
    return EnrollmentFactory(
        student=student,
        cohort=cohort,
        course=cohort.course,
        completion_status=CompletionStatus.COMPLETED,
        completed_at=date(2024, 12, 1),
        grade=Decimal(grade),
    )


def test_the_record_totals_and_weights_the_average_by_workload(registrar_client):
    student = StudentFactory()
    completed(student, grade="10", hours=300)
    completed(student, grade="6", hours=100)
    EnrollmentFactory(student=student)  # still enrolled: counted as a course only
    EnrollmentFactory()  # another student's

    page = registrar_client.get(record_url(student))

    assert page.context["courses"] == 3
    summary = page.context["summary"]
    assert (summary.completed_courses, summary.completed_workload_hours) == (2, 400)
    # (10 * 300 + 6 * 100) / 400, not the plain mean 8
    assert summary.average_grade == Decimal("9.00")
    content = page.content.decode()
    assert 'id="average-grade">9.00' in content
    assert "weighted by workload" in content
    assert content.count('class="badge badge-ok">Completed<') == 2
    assert f"/admin/academics/student/{student.pk}/transcript/" in content


def test_the_student_page_and_list_link_to_the_record(registrar_client, viewer_client):
    student = StudentFactory()

    change = registrar_client.get(f"/admin/academics/student/{student.pk}/change/")
    listed = registrar_client.get("/admin/academics/student/")

    assert record_url(student).encode() in change.content
    assert record_url(student).encode() in listed.content
    assert viewer_client.get(record_url(student)).status_code == 200


def test_the_record_runs_the_same_queries_for_3_and_30_enrollments(registrar_client):
    few, many = StudentFactory(), StudentFactory()
    for _ in range(3):
        completed(few, grade="7", hours=60)
    for _ in range(30):
        completed(many, grade="7", hours=60)
    registrar_client.get(record_url(few))

    with CaptureQueriesContext(connection) as three:
        registrar_client.get(record_url(few))
    with CaptureQueriesContext(connection) as thirty:
        registrar_client.get(record_url(many))

    assert len(three) == len(thirty)
