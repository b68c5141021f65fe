"""The change form refuses to save over a change made since it was opened (docs/api.md, Safe
writes)."""

import re

import pytest

from academics.history import Actor, acting_as
from academics.models import Student
from academics.services import record_save
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

STALE = re.compile(
    r"This record was changed by (.+) at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d; reload it\."
)


def _change_form_data(response) -> dict:
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"enrollments-TOTAL_FORMS": "0", "enrollments-INITIAL_FORMS": "0"})
    return data


def test_a_form_opened_before_another_change_is_refused(registrar_client):
    student = StudentFactory(name="Ana", email="ana@example.edu")
    url = f"/admin/academics/student/{student.pk}/change/"
    opened = _change_form_data(registrar_client.get(url))
    # Another registrar (or an API client) changes the email meanwhile.
    other = Student.objects.get(pk=student.pk)
    other.email = "ana.new@example.edu"
    with acting_as(Actor.api_client("Sync")):
        record_save(record=other)

    response = registrar_client.post(url, {**opened, "name": "Ana Maria"})

    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1 and STALE.fullmatch(errors[0])
    assert "API client: Sync" in errors[0]
    after = Student.objects.get(pk=student.pk)
    assert (after.name, after.email) == ("Ana", "ana.new@example.edu")


def test_a_form_saved_without_a_change_in_between_writes_only_its_fields(registrar_client):
    student = StudentFactory(name="Ana")
    url = f"/admin/academics/student/{student.pk}/change/"
    opened = _change_form_data(registrar_client.get(url))
    assert opened["revision_seen"] == student.revision

    response = registrar_client.post(url, {**opened, "name": "Ana Maria"})

    assert response.status_code == 302
    after = Student.objects.get(pk=student.pk)
    assert (after.name, after.revision) == ("Ana Maria", student.revision + 1)
