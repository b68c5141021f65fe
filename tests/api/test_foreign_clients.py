"""What a DokStamp-style client and a generated client rely on (docs/api.md; contract §7, §8):
cohort dates as timestamps, strict types and numbers, every problem of a 422 at once."""

import pytest

from academics import messages as msg
from academics.api import messages as api_msg
from academics.models import Cohort, Enrollment, Institution, Student
from tests.api.helpers import assert_invalid
from tests.factories import CohortFactory, CourseFactory, StudentFactory

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


# --- Every problem at once (contract §8) -------------------------------------------------------


def test_a_422_lists_type_errors_and_model_rules_together(api_client):
    # given a malformed email, a missing name and a future date of birth
    body = {"email": "not-an-email", "date_of_birth": "2999-01-01"}

    # when
    response = api_client.post("/api/students", body, format="json")

    # then
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "name": [api_msg.REQUIRED.format(attribute="name")],
        "email": [api_msg.EMAIL.format(attribute="email")],
        "date_of_birth": [msg.BIRTH_DATE_IN_FUTURE],
    }
    assert not Student.objects.exists()


def test_a_422_lists_uniqueness_and_cross_record_rules_with_type_errors(api_client):
    # given a taken code, dates out of order, and a malformed modality
    taken = CohortFactory(code="TAKEN")
    body = {
        "course_uuid": str(taken.course.uuid),
        "code": "TAKEN",
        "start_date": "2024-03-01",
        "end_date": "2024-02-01",
        "modality": "online",
    }

    # when
    response = api_client.post("/api/cohorts", body, format="json")

    # then
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "modality": [api_msg.SELECTED_INVALID.format(attribute="modality")],
        "code": [msg.COHORT_CODE_TAKEN],
        "end_date": [msg.COHORT_DATES_ORDER],
    }
    assert Cohort.objects.count() == 1


def test_a_patch_422_checks_rules_against_the_stored_record(api_client):
    # given a cohort from 2024-02-01
    cohort = CohortFactory(start_date="2024-02-01", end_date=None)

    # when the end date is before the stored start, and the modality is malformed
    response = api_client.patch(
        f"/api/cohorts/{cohort.uuid}",
        {"end_date": "2024-01-01", "modality": "online"},
        format="json",
    )

    # then
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"modality", "end_date"}
    cohort.refresh_from_db()
    assert cohort.end_date is None


def test_a_bad_page_size_is_named_next_to_a_bad_filter(api_client):
    response = api_client.get("/api/courses?per_page=101&where[code]=&page=x")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"per_page", "where[code]", "page"}


@pytest.mark.parametrize(
    "query",
    [
        "where[code]=",
        "where[institution_uuid]=",
        "where[status]=",
        "where[status][]=x",
        "where[]=x",
        "page=",
        "per_page=",
        "page=+5",
        "page=1_0",
        "page=\uff15",
    ],
)
def test_empty_or_malformed_list_parameters_are_refused(api_client, query):
    response = api_client.get(f"/api/courses?{query}")
    assert response.status_code == 422
    assert len(response.json()["errors"]) == 1
