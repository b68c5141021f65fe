"""DokStamp's two documentation pages (on courses and on enrollments), as a client would use
them: the same paths, headers, bodies and query strings, with base URL http://HOST/api."""

from datetime import date

import pytest

from tests.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    InstitutionFactory,
    StudentFactory,
)

pytestmark = pytest.mark.usefixtures("in_tenant_a")
HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


def test_create_a_course(api_client):
    # given the institution the page names
    institution = InstitutionFactory(name="Federal University of Technology")

    # when
    response = api_client.generic(
        "POST",
        "/api/courses",
        f"""{{
"name": "Bachelor of Computer Science",
"code": "BCS-2024",
"institution_uuid": "{institution.uuid}",
"workload_hours": 3200,
"area": "Technology",
"version": "2024.1",
"status": "active"
}}""",
        headers=HEADERS,
    )

    # then
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["name"] == "Bachelor of Computer Science"
    assert data["status"] == "active"
    assert {key: data[key] for key in ("code", "workload_hours", "area", "version")} == {
        "code": "BCS-2024",
        "workload_hours": 3200,
        "area": "Technology",
        "version": "2024.1",
    }
    assert data["institution"] == {
        "uuid": str(institution.uuid),
        "name": "Federal University of Technology",
    }
    assert data["organization"] is None


def test_list_active_courses_sorted_by_name(api_client):
    # given
    CourseFactory(name="Medicine", status="active")
    CourseFactory(name="Architecture", status="active")
    CourseFactory(name="Biology", status="draft")

    # when
    response = api_client.get(
        "/api/courses?where[status]=active&sort[column]=name",
        headers={"Accept": "application/json"},
    )

    # then
    assert [course["name"] for course in response.json()["data"]] == ["Architecture", "Medicine"]


def test_create_an_enrollment(api_client):
    # given the student, course and cohort the page names
    student = StudentFactory(name="Maria Fernanda Silva")
    cohort = CohortFactory(
        code="BCS-2024-EVE", course=CourseFactory(name="Bachelor of Computer Science")
    )

    # when
    response = api_client.generic(
        "POST",
        "/api/enrollments",
        f"""{{
"student_uuid": "{student.uuid}",
"course_uuid": "{cohort.course.uuid}",
"cohort_uuid": "{cohort.uuid}",
"enrolled_at": "2024-02-01",
"completion_status": "completed",
"grade": 8.75,
"completed_at": "2027-12-20"
}}""",
        headers=HEADERS,
    )

    # then: the object as the page shows it
    assert response.status_code == 201
    data = response.json()["data"]
    shown = {
        key: value for key, value in data.items() if key not in ("uuid", "created_at", "updated_at")
    }
    assert shown == {
        "completion_status": "completed",
        "grade": 8.75,
        "enrolled_at": "2024-02-01T00:00:00.000000Z",
        "completed_at": "2027-12-20T00:00:00.000000Z",
        "finalized_at": None,
        "student": {"uuid": str(student.uuid), "name": "Maria Fernanda Silva"},
        "course": {"uuid": str(cohort.course.uuid), "name": "Bachelor of Computer Science"},
        "cohort": {"uuid": str(cohort.uuid), "code": "BCS-2024-EVE"},
    }
    assert b'"grade":8.75' in response.content


def test_list_completed_enrollments_of_a_course(api_client):
    # given
    cohort = CohortFactory()
    completed = EnrollmentFactory(
        cohort=cohort, completion_status="completed", completed_at=date(2024, 12, 1)
    )
    EnrollmentFactory(cohort=cohort)
    EnrollmentFactory(completion_status="completed", completed_at=date(2024, 12, 1))

    # when
    response = api_client.get(
        f"/api/enrollments?where[completion_status]=completed&where[course_uuid]={cohort.course.uuid}",
        headers={"Accept": "application/json"},
    )

    # then
    assert [item["uuid"] for item in response.json()["data"]] == [str(completed.uuid)]
