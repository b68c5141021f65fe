"""`GET /students/{uuid}/transcript` (docs/api.md, Transcript): JSON numbers and the PDF's text."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from academics.choices import CompletionStatus, CourseStatus
from tests.factories import CohortFactory, CourseFactory, EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def enroll(student, *, hours, grade=None, status=CompletionStatus.COMPLETED, name=None):
    course = CourseFactory(
        workload_hours=hours, status=CourseStatus.ACTIVE, **({"name": name} if name else {})
    )
    return EnrollmentFactory(
        student=student,
        cohort=CohortFactory(course=course),
        completion_status=status,
        completed_at=date(2024, 12, 1) if status == CompletionStatus.COMPLETED else None,
        grade=grade,
    )


def transcript(api_client, student):
    response = api_client.get(f"/api/students/{student.uuid}/transcript")
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def test_the_average_is_weighted_by_workload_hours(api_client):
    # given 9 over 60 hours, 6 over 30 hours; an enrolled and a dropped course do not count
    student = StudentFactory()
    enroll(student, hours=60, grade=Decimal("9"))
    enroll(student, hours=30, grade=Decimal("6"))
    enroll(student, hours=100, status=CompletionStatus.ENROLLED)
    enroll(student, hours=100, grade=Decimal("2"), status=CompletionStatus.DROPPED)

    # when
    data = transcript(api_client, student)

    # then (9*60 + 6*30) / 90 = 8
    assert data["summary"] == {
        "completed_courses": 2,
        "completed_workload_hours": 90,
        "average_grade": 8.0,
    }
    assert len(data["enrollments"]) == 4
    assert data["student"]["uuid"] == str(student.uuid)


def test_the_average_is_rounded_to_two_decimals(api_client):
    # (7*10 + 8.33*20) / 30 = 236.6 / 30 = 7.8866... -> 7.89
    student = StudentFactory()
    enroll(student, hours=10, grade=Decimal("7"))
    enroll(student, hours=20, grade=Decimal("8.33"))

    assert transcript(api_client, student)["summary"]["average_grade"] == 7.89


def test_the_average_is_unweighted_when_a_course_states_no_hours(api_client):
    # given one course without hours
    student = StudentFactory()
    enroll(student, hours=60, grade=Decimal("9"))
    enroll(student, hours=None, grade=Decimal("6.5"))

    # when
    summary = transcript(api_client, student)["summary"]

    # then (9 + 6.5) / 2
    assert summary["average_grade"] == 7.75
    assert summary["completed_workload_hours"] == 60


def test_no_completed_enrollment_gives_no_average(api_client):
    student = StudentFactory()
    enroll(student, hours=40, status=CompletionStatus.ENROLLED)

    summary = transcript(api_client, student)["summary"]

    assert summary == {"completed_courses": 0, "completed_workload_hours": 0, "average_grade": None}


def test_an_enrollment_shows_its_course_cohort_and_dates(api_client):
    student = StudentFactory()
    enrollment = enroll(student, hours=40, grade=Decimal("8.75"))

    (row,) = transcript(api_client, student)["enrollments"]

    assert row == {
        "uuid": str(enrollment.uuid),
        "course": {
            "uuid": str(enrollment.course.uuid),
            "code": enrollment.course.code,
            "name": enrollment.course.name,
            "workload_hours": 40,
        },
        "cohort": {"uuid": str(enrollment.cohort.uuid), "code": enrollment.cohort.code},
        "completion_status": "completed",
        "grade": 8.75,
        "enrolled_at": "2024-02-01T00:00:00.000000Z",
        "completed_at": "2024-12-01T00:00:00.000000Z",
        "finalized_at": None,
    }


def test_another_tenants_student_has_no_transcript(api_client_b):
    student = StudentFactory()

    response = api_client_b.get(f"/api/students/{student.uuid}/transcript")

    assert response.status_code == 404


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)


def test_the_pdf_shows_the_student_each_course_and_the_average(api_client):
    # given
    student = StudentFactory(name="Beatriz Calderón")
    enroll(student, hours=60, grade=Decimal("9"), name="Organic Chemistry")
    enroll(student, hours=30, grade=Decimal("6"), name="Statistics & Data")
    enroll(student, hours=20, status=CompletionStatus.ENROLLED, name="Thesis Seminar")

    # when
    response = api_client.get(
        f"/api/students/{student.uuid}/transcript", HTTP_ACCEPT="application/pdf"
    )

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    for expected in (
        "Beatriz Calderón",
        student.email,
        "Organic Chemistry",
        "Statistics & Data",
        "Thesis Seminar",
        "8.00",
        "Tenant A University",
    ):
        assert expected in text
