"""Enrollment rules (docs/api.md, Resources) through the API."""

import pytest

from academics import messages as msg
from academics.api import messages as api_msg
from academics.choices import CourseStatus
from academics.models import Enrollment
from tests.api.helpers import assert_invalid
from tests.factories import CohortFactory, CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")
URL = "/api/enrollments"


@pytest.fixture
def body(enrollment_body):
    return enrollment_body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"grade": 10.01, "completion_status": "dropped"}, "grade", msg.GRADE_RANGE),
        ({"grade": 11, "completion_status": "dropped"}, "grade", msg.GRADE_RANGE),
        ({"grade": 100, "completion_status": "dropped"}, "grade", msg.GRADE_RANGE),
        ({"grade": -0.5, "completion_status": "dropped"}, "grade", msg.GRADE_RANGE),
        ({"grade": 8.755, "completion_status": "dropped"}, "grade", msg.GRADE_DECIMALS),
        ({"grade": "eight"}, "grade", api_msg.NUMERIC.format(attribute="grade")),
        (
            {"completed_at": "2024-01-31", "completion_status": "completed"},
            "completed_at",
            msg.COMPLETED_BEFORE_ENROLLED,
        ),
        (
            {"enrolled_at": "2024-13-01"},
            "enrolled_at",
            api_msg.DATE.format(attribute="enrolled at"),
        ),
        ({"enrolled_at": None}, "enrolled_at", api_msg.REQUIRED.format(attribute="enrolled at")),
        (
            {"completion_status": "graduated"},
            "completion_status",
            api_msg.SELECTED_INVALID.format(attribute="completion status"),
        ),
    ],
)
def test_enrollment_bad_input_is_rejected(api_client, body, changes, field, message):
    # when
    response = api_client.post(URL, {**body, **changes}, format="json")

    # then
    assert_invalid(response, field, message)
    assert not Enrollment.objects.exists()


def test_enrollment_grade_bounds_are_accepted(api_client, body):
    # when
    low = api_client.post(URL, {**body, "grade": 0, "completion_status": "dropped"}, format="json")
    high = api_client.patch(
        f"{URL}/{low.json()['data']['uuid']}", {"grade": "10.00"}, format="json"
    )

    # then
    assert (low.status_code, high.status_code) == (201, 200)
    assert high.json()["data"]["grade"] == 10


def test_enrollment_cohort_must_belong_to_the_course(api_client, body):
    # when
    response = api_client.post(
        URL, {**body, "cohort_uuid": str(CohortFactory().uuid)}, format="json"
    )

    # then
    assert_invalid(response, "cohort_uuid", msg.COHORT_NOT_OF_COURSE)
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("status", [CourseStatus.DRAFT, CourseStatus.ARCHIVED])
def test_enrollment_in_a_course_that_is_not_active_is_rejected(api_client, body, status):
    # given
    course = CourseFactory(status=status)

    # when
    response = api_client.post(
        URL, {**body, "course_uuid": str(course.uuid), "cohort_uuid": None}, format="json"
    )

    # then
    assert_invalid(response, "course_uuid", msg.COURSE_NOT_ACTIVE)
    assert not Enrollment.objects.exists()


def test_enrollment_of_an_archived_course_can_still_be_changed(api_client):
    # given an enrollment made while the course was active
    enrollment = EnrollmentFactory()
    enrollment.course.status = CourseStatus.ARCHIVED
    enrollment.course.save()

    # when
    response = api_client.patch(
        f"{URL}/{enrollment.uuid}", {"completion_status": "dropped", "grade": 7}, format="json"
    )

    # then
    assert response.status_code == 200


@pytest.mark.parametrize("with_cohort", [True, False])
def test_enrollment_twice_in_the_same_course_and_cohort_is_rejected(api_client, body, with_cohort):
    # given
    if not with_cohort:
        body["cohort_uuid"] = None
    assert api_client.post(URL, body, format="json").status_code == 201

    # when
    response = api_client.post(URL, body, format="json")

    # then
    assert_invalid(response, "student_uuid", msg.ENROLLMENT_DUPLICATE)
    assert Enrollment.objects.count() == 1


def test_enrollment_dates_are_shown_as_timestamps_and_accepted_as_either(api_client, body):
    # when a date is sent, and a timestamp read from the API is sent back
    created = api_client.post(
        URL, {**body, "completed_at": "2024-12-20", "completion_status": "completed"}, format="json"
    )
    data = created.json()["data"]
    echoed = api_client.put(
        f"{URL}/{data['uuid']}",
        {**body, "enrolled_at": data["enrolled_at"], "completed_at": data["completed_at"]},
        format="json",
    )

    # then
    assert data["enrolled_at"] == "2024-02-01T00:00:00.000000Z"
    assert data["completed_at"] == "2024-12-20T00:00:00.000000Z"
    assert echoed.status_code == 200
    enrollment = Enrollment.objects.get(uuid=data["uuid"])
    assert (str(enrollment.enrolled_at), str(enrollment.completed_at)) == (
        "2024-02-01",
        "2024-12-20",
    )


def test_enrollment_list_shows_null_cohort(api_client):
    # given
    EnrollmentFactory(cohort=None, course=CourseFactory())

    # when
    data = api_client.get(URL).json()["data"]

    # then
    assert data[0]["cohort"] is None
    assert data[0]["grade"] is None
