"""Cohort rules (docs/api.md, Resources) through the API."""

import pytest

from academics import messages as msg
from academics.api import messages as api_msg
from academics.models import Cohort
from tests.api.helpers import assert_conflict, assert_invalid
from tests.factories import CohortFactory, CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")
URL = "/api/cohorts"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"start_date": "2024-03-01", "end_date": "2024-02-01"},
            "end_date",
            msg.COHORT_DATES_ORDER,
        ),
        ({"start_date": "2024-02-30"}, "start_date", api_msg.DATE.format(attribute="start date")),
        ({"modality": "online"}, "modality", api_msg.SELECTED_INVALID.format(attribute="modality")),
        ({"code": ""}, "code", api_msg.REQUIRED.format(attribute="code")),
        ({"course_uuid": None}, "course_uuid", api_msg.REQUIRED.format(attribute="course uuid")),
    ],
)
def test_cohort_bad_input_is_rejected(api_client, changes, field, message):
    # given
    body = {"course_uuid": str(CourseFactory().uuid), "code": "EVE", **changes}

    # when
    response = api_client.post(URL, body, format="json")

    # then
    assert_invalid(response, field, message)
    assert not Cohort.objects.exists()


def test_cohort_code_is_unique_in_the_tenant(api_client):
    # given
    existing = CohortFactory(code="BCS-2024-EVE")

    # when
    response = api_client.post(
        URL, {"course_uuid": str(CourseFactory().uuid), "code": existing.code}, format="json"
    )

    # then
    assert_invalid(response, "code", msg.COHORT_CODE_TAKEN)


def test_cohort_patch_checks_dates_against_the_stored_ones(api_client):
    # given a cohort from 2024-02-01 to 2024-12-20
    cohort = CohortFactory()

    # when only the end date is sent, and it is before the stored start
    response = api_client.patch(f"{URL}/{cohort.uuid}", {"end_date": "2024-01-01"}, format="json")

    # then
    assert_invalid(response, "end_date", msg.COHORT_DATES_ORDER)
    cohort.refresh_from_db()
    assert str(cohort.end_date) == "2024-12-20"


def test_cohort_shows_dates_and_its_course(api_client):
    # given
    cohort = CohortFactory(modality="hybrid")

    # when
    data = api_client.get(f"{URL}/{cohort.uuid}").json()["data"]

    # then
    assert (data["start_date"], data["end_date"]) == (
        "2024-02-01T00:00:00.000000Z",
        "2024-12-20T00:00:00.000000Z",
    )
    assert data["course"] == {"uuid": str(cohort.course.uuid), "name": cohort.course.name}


def test_cohort_with_enrollments_cannot_be_deleted(api_client):
    # given
    enrollment = EnrollmentFactory()

    # when
    response = api_client.delete(f"{URL}/{enrollment.cohort.uuid}")

    # then
    assert_conflict(response, "The cohort cannot be deleted: 1 enrollment references it.")


def test_cohort_without_modality_shows_null_and_is_found_by_null(api_client):
    # given
    course = CourseFactory()

    # when
    created = api_client.post(
        URL, {"course_uuid": str(course.uuid), "code": "EVE", "modality": ""}, format="json"
    )
    found = api_client.get(URL, {"where[modality]": "null"})

    # then
    assert created.json()["data"]["modality"] is None
    assert [item["uuid"] for item in found.json()["data"]] == [created.json()["data"]["uuid"]]
