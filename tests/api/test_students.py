"""Student rules (docs/api.md, Resources) through the API."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from academics import messages as msg
from academics.api import messages as api_msg
from academics.models import Student
from tests.api.helpers import assert_conflict, assert_invalid
from tests.factories import EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")
URL = "/api/students"
VALID = {
    "name": "Maria Fernanda Silva",
    "email": "maria@example.edu",
    "date_of_birth": "2001-03-04",
}


def tomorrow() -> str:
    return str(timezone.localdate() + timedelta(days=1))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", api_msg.EMAIL.format(attribute="email")),
        ("email", None, api_msg.REQUIRED.format(attribute="email")),
        ("date_of_birth", "04/03/2001", api_msg.DATE.format(attribute="date of birth")),
        ("date_of_birth", None, api_msg.REQUIRED.format(attribute="date of birth")),
        ("date_of_birth", "tomorrow", api_msg.DATE.format(attribute="date of birth")),
        ("name", "x" * 256, api_msg.MAX_STRING.format(attribute="name", max=255)),
    ],
)
def test_student_bad_input_is_rejected(api_client, field, value, message):
    # when
    response = api_client.post(URL, {**VALID, field: value}, format="json")

    # then
    assert_invalid(response, field, message)
    assert not Student.objects.exists()


def test_student_born_in_the_future_is_rejected(api_client):
    # when
    response = api_client.post(URL, {**VALID, "date_of_birth": tomorrow()}, format="json")

    # then
    assert_invalid(response, "date_of_birth", msg.BIRTH_DATE_IN_FUTURE)
    assert not Student.objects.exists()


def test_student_email_is_unique_whatever_its_case(api_client):
    # given
    StudentFactory(email="maria@example.edu")

    # when
    response = api_client.post(URL, {**VALID, "email": "Maria@EXAMPLE.edu"}, format="json")

    # then
    assert_invalid(response, "email", msg.EMAIL_TAKEN)
    assert Student.objects.count() == 1


def test_student_email_of_another_tenant_or_a_deleted_student_is_free(api_client, tenant_b):
    # given the same email in tenant B, and on a deleted student of tenant A
    with tenant_context(tenant_b):
        StudentFactory(email="maria@example.edu")
    gone = StudentFactory(email="maria@example.edu")
    api_client.delete(f"{URL}/{gone.uuid}")

    # when
    response = api_client.post(URL, VALID, format="json")

    # then
    assert response.status_code == 201


def test_student_optional_text_is_null_when_empty(api_client):
    # when
    response = api_client.post(URL, {**VALID, "gender": "  ", "social_name": ""}, format="json")

    # then
    data = response.json()["data"]
    assert (data["gender"], data["social_name"]) == (None, None)
    assert data["date_of_birth"] == "2001-03-04"


def test_student_with_enrollments_cannot_be_deleted(api_client):
    # given
    enrollment = EnrollmentFactory()

    # when
    response = api_client.delete(f"{URL}/{enrollment.student.uuid}")

    # then
    assert_conflict(response, "The student cannot be deleted: 1 enrollment references it.")


def test_students_are_found_by_email_whatever_its_case(api_client):
    # given
    maria = StudentFactory(email="Maria@Example.edu")
    StudentFactory(email="joao@example.edu")

    # when
    response = api_client.get(URL, {"where[email]": "maria@example.EDU"})

    # then
    assert [item["uuid"] for item in response.json()["data"]] == [str(maria.uuid)]
