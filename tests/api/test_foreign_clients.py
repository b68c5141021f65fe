"""What a DokStamp-style client and a generated client rely on (docs/api.md; contract §7, §8):
cohort dates as timestamps, strict types and numbers, every problem of a 422 at once."""

import pytest

from academics import messages as msg
from academics.api import messages as api_msg
from academics.models import Cohort, Enrollment, Institution
from tests.api.helpers import assert_invalid
from tests.factories import CourseFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")


# --- Cohort dates (contract §7) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("2024-02-01T00:00:00Z", "2024-02-01"),
        ("2024-02-01", "2024-02-01"),
        ("2024-02-01T23:30:00-05:00", "2024-02-02"),  # its UTC calendar date
        ("2024-02-01T10:00:00.123456+00:00", "2024-02-01"),
    ],
)
def test_cohort_dates_take_a_date_or_a_timestamp_and_show_a_timestamp(api_client, sent, kept):
    # when DokStamp's own example is sent
    response = api_client.post(
        "/api/cohorts",
        {"course_uuid": str(CourseFactory().uuid), "code": "C1", "start_date": sent},
        format="json",
    )

    # then
    assert response.status_code == 201, response.json()
    assert response.json()["data"]["start_date"] == f"{kept}T00:00:00.000000Z"
    assert str(Cohort.objects.get().start_date) == kept
    listed = api_client.get("/api/cohorts").json()["data"][0]
    assert listed["start_date"] == f"{kept}T00:00:00.000000Z"
    assert listed["end_date"] is None


# --- Strict values (contract §8) ---------------------------------------------------------------


@pytest.mark.parametrize("value", [False, True, 5, 1.5, ["00000000-0000-0000-0000-000000000001"]])
def test_a_uuid_field_takes_no_boolean_or_number(api_client, value):
    # when
    response = api_client.post(
        "/api/institutions",
        {"name": "Uni", "country": "BR", "badge_image_uuid": value},
        format="json",
    )

    # then
    assert_invalid(response, "badge_image_uuid", api_msg.UUID.format(attribute="badge image uuid"))
    assert not Institution.objects.exists()


@pytest.mark.parametrize("value", [False, 5])
def test_a_reference_takes_no_boolean_or_number(api_client, value):
    response = api_client.post("/api/cohorts", {"course_uuid": value, "code": "C"}, format="json")
    assert_invalid(
        response, "course_uuid", api_msg.SELECTED_INVALID.format(attribute="course uuid")
    )


@pytest.mark.parametrize(
    "value",
    ["2024-W01-1", "20240101", "\uff12\uff10\uff12\uff14-\uff10\uff11-\uff10\uff11", "2024-1-01"],
)
@pytest.mark.parametrize(
    ("url", "field"), [("/api/students", "date_of_birth"), ("/api/cohorts", "start_date")]
)
def test_both_kinds_of_date_field_refuse_the_same_lenient_forms(api_client, url, field, value):
    # given
    body = {
        "/api/students": {"name": "A", "email": "a@example.com", "date_of_birth": "2000-01-01"},
        "/api/cohorts": {"course_uuid": str(CourseFactory().uuid), "code": "C"},
    }[url]

    # when
    response = api_client.post(url, {**body, field: value}, format="json")

    # then
    assert_invalid(response, field, api_msg.DATE.format(attribute=field.replace("_", " ")))


@pytest.fixture
def enrollment_body():
    course = CourseFactory(status="active")
    return {
        "student_uuid": str(StudentFactory().uuid),
        "course_uuid": str(course.uuid),
        "enrolled_at": "2024-02-01",
    }


@pytest.mark.parametrize(
    ("grade", "message"),
    [
        ("1_0", api_msg.NUMERIC.format(attribute="grade")),
        ("+5", api_msg.NUMERIC.format(attribute="grade")),
        ("\uff18", api_msg.NUMERIC.format(attribute="grade")),
        (True, api_msg.NUMERIC.format(attribute="grade")),
        (1e-7, msg.GRADE_DECIMALS),
        ("0.0000001", msg.GRADE_DECIMALS),
    ],
)
def test_grade_is_a_plain_number_with_two_decimals(api_client, enrollment_body, grade, message):
    response = api_client.post(
        "/api/enrollments", {**enrollment_body, "grade": grade}, format="json"
    )
    assert_invalid(response, "grade", message)
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("hours", ["1_0", "+5", "\uff15", False])
def test_an_integer_field_takes_plain_digits(api_client, hours):
    response = api_client.post(
        "/api/courses",
        {
            "name": "C",
            "institution_uuid": str(CourseFactory().institution.uuid),
            "workload_hours": hours,
        },
        format="json",
    )
    assert_invalid(response, "workload_hours", api_msg.INTEGER.format(attribute="workload hours"))
