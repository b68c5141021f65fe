"""Organization rules (docs/api.md, Resources) through the API."""

import pytest

from academics import messages as msg
from academics.models import Organization
from tests.api.helpers import assert_conflict, assert_invalid
from tests.factories import CourseFactory, InstitutionFactory, OrganizationFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")
URL = "/api/organizations"


def test_organization_shows_its_institution(api_client):
    # given
    institution = InstitutionFactory(name="Federal University")

    # when
    response = api_client.post(
        URL, {"name": "Faculty of Law", "institution_uuid": str(institution.uuid)}, format="json"
    )

    # then
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["institution"] == {"uuid": str(institution.uuid), "name": "Federal University"}
    assert data["code"] is None


def test_organization_code_is_unique_within_its_institution(api_client):
    # given
    existing = OrganizationFactory(code="LAW")

    # when
    same = api_client.post(
        URL,
        {"name": "Law 2", "code": "LAW", "institution_uuid": str(existing.institution.uuid)},
        format="json",
    )
    elsewhere = api_client.post(
        URL,
        {"name": "Law", "code": "LAW", "institution_uuid": str(InstitutionFactory().uuid)},
        format="json",
    )

    # then
    assert_invalid(same, "code", msg.ORGANIZATION_CODE_TAKEN)
    assert elsewhere.status_code == 201
    assert Organization.objects.filter(code="LAW").count() == 2


def test_organizations_without_code_do_not_collide(api_client):
    # given
    institution = InstitutionFactory()
    body = {"name": "Campus", "code": "", "institution_uuid": str(institution.uuid)}

    # when
    first = api_client.post(URL, body, format="json")
    second = api_client.post(URL, body, format="json")

    # then: a blank code is no code
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["data"]["code"] is None


def test_organization_with_courses_cannot_be_deleted(api_client):
    # given
    organization = OrganizationFactory()
    CourseFactory.create_batch(2, institution=organization.institution, organization=organization)

    # when
    response = api_client.delete(f"{URL}/{organization.uuid}")

    # then
    assert_conflict(response, "The organization cannot be deleted: 2 courses reference it.")
    assert Organization.objects.filter(pk=organization.pk).exists()
