"""`GET /{resource}/{uuid}/history` (docs/api.md, History): who changed what, newest first, for API,
admin, import and command writes; deleted records too; another tenant's uuid is a 404."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from academics.history import Actor, acting_as
from academics.models import Student
from academics.services import record_restore, record_save, record_soft_delete
from tests.conftest import TENANT_A
from tests.factories import CohortFactory, EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def history(api_client, path, uuid, **params):
    response = api_client.get(f"/api/{path}/{uuid}/history", params)
    assert response.status_code == 200, response.json()
    return response.json()


def test_api_changes_name_the_client_and_the_fields_in_api_formats(api_client):
    # given a student created and changed through the API
    created = api_client.post(
        "/api/students",
        {"name": "Ana", "email": "ana@example.edu", "date_of_birth": "2001-02-03"},
        format="json",
    ).json()["data"]
    api_client.patch(f"/api/students/{created['uuid']}", {"name": "Ana Maria"}, format="json")

    # when
    body = history(api_client, "students", created["uuid"])

    # then: newest first
    updated, made = body["data"]
    assert updated["action"] == "updated"
    assert updated["actor"] == {"type": "api_client", "name": "Test integration"}
    assert updated["changes"] == {"name": {"from": "Ana", "to": "Ana Maria"}}
    assert updated["reason"] is None
    assert updated["occurred_at"].endswith("Z")
    assert made["action"] == "created"
    assert made["changes"]["date_of_birth"] == {"from": None, "to": "2001-02-03"}
    assert body["meta"]["total"] == 2


def test_references_show_as_uuids_and_grades_as_numbers(api_client):
    enrollment = EnrollmentFactory(grade=None)
    other = CohortFactory(course=enrollment.course)
    enrollment.grade = Decimal("8.75")
    enrollment.completion_status = "dropped"  # a grade is for a completed or dropped one
    enrollment.cohort = other
    record_save(record=enrollment)

    latest = history(api_client, "enrollments", enrollment.uuid)["data"][0]

    assert latest["changes"]["grade"] == {"from": None, "to": 8.75}
    assert latest["changes"]["cohort_uuid"]["to"] == str(other.uuid)


def test_deletes_and_restores_are_actions_and_deleted_records_keep_their_history(api_client):
    student = StudentFactory()
    record_soft_delete(record=student)
    record_restore(record=Student.all_objects.get(pk=student.pk))
    record_soft_delete(record=Student.all_objects.get(pk=student.pk))

    body = history(api_client, "students", student.uuid)

    assert [entry["action"] for entry in body["data"]] == [
        "deleted",
        "restored",
        "deleted",
        "created",
    ]


def test_staff_import_and_command_writes_name_their_actor(api_client, tmp_path):
    # a registrar in the admin
    from django.contrib.auth.models import User

    staff = User.objects.create(username="registrar", is_staff=True)
    with acting_as(Actor.staff(staff)):
        student = StudentFactory(email="bo@example.edu")
    # an import
    path = tmp_path / "students.csv"
    path.write_text("email,name,date_of_birth\nbo@example.edu,Bo Imported,2000-01-01\n")
    call_command("import_records", TENANT_A, "students", str(path), stdout=io.StringIO())
    # a command
    with acting_as(Actor.command("fix_names")):
        record_save(record=_renamed(student.pk, "Bo Fixed"))

    actors = [entry["actor"] for entry in history(api_client, "students", student.uuid)["data"]]

    assert actors == [
        {"type": "system", "name": "fix_names"},
        {"type": "import", "name": "students.csv"},
        {"type": "staff", "name": "registrar"},
    ]


def _renamed(pk, name):
    student = Student.objects.get(pk=pk)
    student.name = name
    return student


def test_history_is_paginated(api_client):
    student = StudentFactory()
    for n in range(4):
        record_save(record=_renamed(student.pk, f"Name {n}"))

    first = history(api_client, "students", student.uuid, per_page=2)
    last = history(api_client, "students", student.uuid, per_page=2, page=3)

    assert [e["changes"]["name"]["to"] for e in first["data"]] == ["Name 3", "Name 2"]
    assert first["meta"]["total"] == 5 and first["meta"]["last_page"] == 3
    assert [e["action"] for e in last["data"]] == ["created"]


def test_another_tenants_record_has_no_history_here(api_client, tenant_b):
    from django_tenants.utils import tenant_context

    with tenant_context(tenant_b):
        foreign = StudentFactory()

    response = api_client.get(f"/api/students/{foreign.uuid}/history")

    assert response.status_code == 404
    assert response.json() == {"success": False, "message": "Resource not found."}


def test_history_needs_a_token(tenant_a):
    response = Client().get(
        f"/api/students/{StudentFactory().uuid}/history", HTTP_X_TENANT=tenant_a.identifier
    )

    assert response.status_code == 401
