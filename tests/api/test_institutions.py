"""Institution rules (docs/api.md, Resources) through the API."""

import pytest

from academics import messages as msg
from academics.api import messages as api_msg
from academics.models import Institution
from tests.api.helpers import assert_conflict, assert_invalid
from tests.factories import InstitutionFactory, OrganizationFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")
URL = "/api/institutions"


def test_institution_defaults_and_trimming(api_client):
    # when
    response = api_client.post(
        URL, {"name": "  Federal University  ", "country": "BR"}, format="json"
    )

    # then
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["name"] == "Federal University"
    assert data["status"] == "active"
    assert data["is_badges_enabled"] is False
    assert data["badge_image_uuid"] is None
    assert data["legal_name"] == ""


def test_institution_optional_text_sent_as_null_is_empty(api_client):
    # when
    response = api_client.post(
        URL, {"name": "Uni", "country": "BR", "website": None, "tax_id": None}, format="json"
    )

    # then
    assert response.status_code == 201
    assert (response.json()["data"]["website"], response.json()["data"]["tax_id"]) == ("", "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", api_msg.REQUIRED.format(attribute="name")),
        ("name", None, api_msg.REQUIRED.format(attribute="name")),
        ("name", "   ", api_msg.REQUIRED.format(attribute="name")),
        ("name", "x" * 256, api_msg.MAX_STRING.format(attribute="name", max=255)),
        ("name", 12, api_msg.STRING.format(attribute="name")),
        ("name", "a\x00b", api_msg.NULL_CHARACTERS.format(attribute="name")),
        ("country", "", api_msg.REQUIRED.format(attribute="country")),
        ("status", "closed", api_msg.SELECTED_INVALID.format(attribute="status")),
        ("website", "not a url", api_msg.URL.format(attribute="website")),
        ("is_badges_enabled", "maybe", api_msg.BOOLEAN.format(attribute="is badges enabled")),
        ("badge_image_uuid", "abc", api_msg.UUID.format(attribute="badge image uuid")),
    ],
)
def test_institution_bad_input_is_rejected(api_client, field, value, message):
    # given
    body = {"name": "Federal University", "country": "BR", field: value}

    # when
    response = api_client.post(URL, body, format="json")

    # then
    assert_invalid(response, field, message)
    assert not Institution.objects.exists()


def test_institution_with_organizations_cannot_be_deleted(api_client):
    # given
    organization = OrganizationFactory()
    institution = organization.institution

    # when
    response = api_client.delete(f"{URL}/{institution.uuid}")

    # then
    assert_conflict(response, "The institution cannot be deleted: 1 organization references it.")
    assert Institution.objects.filter(pk=institution.pk).exists()


def test_institution_batch_destroy_with_a_protected_record_deletes_nothing(api_client):
    # given one free institution and one an organization depends on
    free = InstitutionFactory()
    protected = OrganizationFactory().institution

    # when
    response = api_client.delete(
        f"{URL}/batch/destroy", {"uuids": [str(free.uuid), str(protected.uuid)]}, format="json"
    )

    # then
    assert response.status_code == 409
    assert response.json()["message"] == msg.DELETE_PROTECTED.format(
        model="institution", dependents="1 organization", verb="references"
    )
    assert Institution.objects.count() == 2


def test_institution_search_is_case_insensitive(api_client):
    # given
    wanted = InstitutionFactory(name="Federal University of Technology")
    InstitutionFactory(name="State College")

    # when
    response = api_client.get(URL, {"search": "federal"})

    # then
    assert [item["uuid"] for item in response.json()["data"]] == [str(wanted.uuid)]
