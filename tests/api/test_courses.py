"""Course rules (docs/api.md, Resources) through the API."""

import pytest

from academics import messages as msg
from academics.api import messages as api_msg
from academics.models import Course
from tests.api.helpers import assert_conflict, assert_invalid
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    InstitutionFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.usefixtures("in_tenant_a")
URL = "/api/courses"


def test_course_defaults_to_draft_without_organization(api_client):
    # given
    institution = InstitutionFactory()

    # when
    response = api_client.post(
        URL, {"name": "Nursing", "institution_uuid": str(institution.uuid)}, format="json"
    )

    # then
    assert response.status_code == 201
    data = response.json()["data"]
    assert (data["status"], data["organization"], data["code"]) == ("draft", None, None)
    assert (data["description"], data["area"], data["version"]) == ("", "", "")
    assert data["workload_hours"] is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("workload_hours", -1, msg.WORKLOAD_NEGATIVE),
        ("workload_hours", "many", api_msg.INTEGER.format(attribute="workload hours")),
        ("workload_hours", 1.5, api_msg.INTEGER.format(attribute="workload hours")),
        ("status", "published", api_msg.SELECTED_INVALID.format(attribute="status")),
        ("name", "x" * 256, api_msg.MAX_STRING.format(attribute="name", max=255)),
        ("institution_uuid", None, api_msg.REQUIRED.format(attribute="institution uuid")),
    ],
)
def test_course_bad_input_is_rejected(api_client, field, value, message):
    # given
    body = {"name": "Nursing", "institution_uuid": str(InstitutionFactory().uuid), field: value}

    # when
    response = api_client.post(URL, body, format="json")

    # then
    assert_invalid(response, field, message)
    assert not Course.objects.exists()


def test_course_organization_must_belong_to_its_institution(api_client):
    # given an organization of another institution
    institution = InstitutionFactory()
    foreign_organization = OrganizationFactory()

    # when
    response = api_client.post(
        URL,
        {
            "name": "Nursing",
            "institution_uuid": str(institution.uuid),
            "organization_uuid": str(foreign_organization.uuid),
        },
        format="json",
    )

    # then
    assert_invalid(response, "organization_uuid", msg.ORGANIZATION_NOT_OF_INSTITUTION)
    assert not Course.objects.exists()


def test_course_code_is_unique_in_the_tenant_among_live_courses(api_client):
    # given a live course and a deleted one
    live = CourseFactory(code="BCS-2024")
    deleted = CourseFactory(code="MED-2024")
    api_client.delete(f"{URL}/{deleted.uuid}")
    body = {"name": "Other", "institution_uuid": str(InstitutionFactory().uuid)}

    # when
    taken = api_client.post(URL, {**body, "code": live.code}, format="json")
    freed = api_client.post(URL, {**body, "code": deleted.code}, format="json")

    # then
    assert_invalid(taken, "code", msg.COURSE_CODE_TAKEN)
    assert freed.status_code == 201


def test_course_patch_to_a_taken_code_changes_nothing(api_client):
    # given
    CourseFactory(code="A")
    course = CourseFactory(code="B")

    # when
    response = api_client.patch(f"{URL}/{course.uuid}", {"code": "A"}, format="json")

    # then
    assert_invalid(response, "code", msg.COURSE_CODE_TAKEN)
    course.refresh_from_db()
    assert course.code == "B"


def test_course_with_enrollments_cannot_be_deleted(api_client):
    # given a course three students are enrolled in (no cohort)
    course = CourseFactory()
    EnrollmentFactory.create_batch(3, course=course, cohort=None)

    # when
    response = api_client.delete(f"{URL}/{course.uuid}")

    # then
    assert_conflict(response, "The course cannot be deleted: 3 enrollments reference it.")
    assert Course.objects.filter(pk=course.pk).exists()


def test_courses_filter_null_organization(api_client):
    # given
    organization = OrganizationFactory()
    with_organization = CourseFactory(
        institution=organization.institution, organization=organization
    )
    without = CourseFactory()

    # when
    response = api_client.get(URL, {"where[organization_uuid]": "null"})

    # then
    found = [item["uuid"] for item in response.json()["data"]]
    assert found == [str(without.uuid)]
    assert str(with_organization.uuid) not in found


def test_course_put_keeps_optional_fields_it_leaves_out(api_client):
    # given a course with a description
    course = CourseFactory(description="Four years.")

    # when the full body leaves the description out
    response = api_client.put(
        f"{URL}/{course.uuid}",
        {"name": "Renamed", "institution_uuid": str(course.institution.uuid)},
        format="json",
    )

    # then
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Renamed"
    assert response.json()["data"]["description"] == "Four years."
