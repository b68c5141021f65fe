"""One record's read (GET one, and the locked read of a PATCH, PUT or lifecycle action) is
compiled once per viewset, lock and query string (`CompiledLookup`, RecordViewSet._record); the
answers must stay those of a freshly built query: the current row, the request's tenant, the
query's conditions, the lock."""

from datetime import date

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from academics.api.reads import CompiledLookup
from academics.models import Enrollment, Student
from tests.api.resources import RESOURCES
from tests.factories import CohortFactory, EnrollmentFactory, StudentFactory


@pytest.fixture
def compiled(monkeypatch):
    """The models whose records (all their columns) Django compiled a SELECT of, in order;
    not the checks of unique rules, which select no column of the record. Counted from no
    compiled lookup on."""
    CompiledLookup.forget()
    models = []
    original = SQLCompiler.as_sql

    def as_sql(compiler, *args, **kwargs):
        if compiler.query.default_cols:
            models.append(compiler.query.model)
        return original(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    return models


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_a_records_read_is_compiled_once(api_client, tenant_a, resource, compiled):
    # given two records, the first read once
    with tenant_context(tenant_a):
        first, second = resource.factory(), resource.factory()
    assert api_client.get(f"/api/{resource.path}/{first.uuid}").status_code == 200

    # when the second is read, then changed
    compiled.clear()
    read = api_client.get(f"/api/{resource.path}/{second.uuid}")
    changed = api_client.patch(f"/api/{resource.path}/{second.uuid}", resource.change, "json")

    # then each is answered with its own data, and the read was not compiled again (the
    # change's locked read once, as the first of its kind)
    assert read.status_code == 200 and read.json()["data"]["uuid"] == str(second.uuid)
    assert changed.status_code == 200, changed.content
    assert compiled.count(resource.model) == 1
    compiled.clear()
    again = api_client.patch(f"/api/{resource.path}/{first.uuid}", resource.change, "json")
    assert again.status_code == 200 and resource.model not in compiled


def test_a_read_answers_the_current_row(api_client, tenant_a):
    with tenant_context(tenant_a):
        student = StudentFactory(name="Before")
    assert api_client.get(f"/api/students/{student.uuid}").json()["data"]["name"] == "Before"
    with tenant_context(tenant_a):
        Student.objects.filter(pk=student.pk).update(name="After")
    assert api_client.get(f"/api/students/{student.uuid}").json()["data"]["name"] == "After"


def test_a_read_compiled_in_one_tenant_reads_the_others_own_rows(
    api_client, api_client_b, tenant_a, tenant_b
):
    with tenant_context(tenant_a):
        in_a = StudentFactory(name="Of A")
    with tenant_context(tenant_b):
        in_b = StudentFactory(name="Of B")
    assert api_client.get(f"/api/students/{in_a.uuid}").json()["data"]["name"] == "Of A"
    assert api_client_b.get(f"/api/students/{in_b.uuid}").json()["data"]["name"] == "Of B"
    assert api_client_b.get(f"/api/students/{in_a.uuid}").status_code == 404
    assert api_client.get(f"/api/students/{in_b.uuid}").status_code == 404


def test_a_reads_conditions_are_its_own_query_strings(api_client, tenant_a):
    with tenant_context(tenant_a):
        enrollment = EnrollmentFactory(
            completion_status="completed", grade=7, completed_at=date(2024, 12, 20)
        )
    url = f"/api/enrollments/{enrollment.uuid}"
    assert api_client.get(url + "?where[grade][gt]=8").status_code == 404
    assert api_client.get(url).status_code == 200
    assert api_client.get(url + "?where[grade][gt]=6").status_code == 200
    assert api_client.get(url + "?where[grade][gt]=8").status_code == 404


def test_a_deleted_record_is_not_read(api_client, tenant_a):
    with tenant_context(tenant_a):
        enrollment = EnrollmentFactory()
    url = f"/api/enrollments/{enrollment.uuid}"
    assert api_client.get(url).status_code == 200
    assert api_client.delete(url).status_code == 204
    assert api_client.get(url).status_code == 404
    assert api_client.patch(url, {"grade": 9}, "json").status_code == 404
    with tenant_context(tenant_a):
        assert Enrollment.all_objects.get(pk=enrollment.pk).deleted_at is not None


def test_a_changes_read_locks_the_row_and_a_plain_read_does_not(api_client, tenant_a):
    with tenant_context(tenant_a):
        student = StudentFactory()
    url = f"/api/students/{student.uuid}"
    for turn in range(2):  # compiled, then reused
        # (a request clears the statements logged before it: each is read before the next)
        with CaptureQueriesContext(connection) as read:
            api_client.get(url)
        read_sql = [q["sql"] for q in read.captured_queries if "academics_student" in q["sql"]]
        with CaptureQueriesContext(connection) as change:
            api_client.patch(url, {"name": f"Renamed {turn}"}, "json")
        change_sql = [q["sql"] for q in change.captured_queries if "academics_student" in q["sql"]]
        assert len(read_sql) == 1 and "FOR NO KEY UPDATE" not in read_sql[0]
        assert any("FOR NO KEY UPDATE" in sql for sql in change_sql)


def test_a_bodys_references_are_found_together_and_each_missing_one_is_named(api_client, tenant_a):
    # given a body naming a student, a course and a cohort, of which the cohort is deleted
    with tenant_context(tenant_a):
        cohort, student = CohortFactory(), StudentFactory()
        gone = CohortFactory(course=cohort.course)
        gone.delete()
    body = {
        "student_uuid": str(student.uuid),
        "course_uuid": str(cohort.course.uuid),
        "cohort_uuid": str(gone.uuid),
        "enrolled_at": "2024-02-01",
    }

    # when it is sent
    with CaptureQueriesContext(connection) as queries:
        refused = api_client.post("/api/enrollments", body, "json")

    # then the deleted one alone is refused, and the three were looked up in one message
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"cohort_uuid"}
    lookups = [q["sql"] for q in queries.captured_queries if "academics_cohort" in q["sql"]]
    assert len(lookups) == 1 and "academics_student" in lookups[0]

    # and naming the live cohort, it is created with the three
    created = api_client.post("/api/enrollments", {**body, "cohort_uuid": str(cohort.uuid)}, "json")
    assert created.status_code == 201, created.content
    data = created.json()["data"]
    assert data["student"]["uuid"] == str(student.uuid)
    assert data["cohort"]["uuid"] == str(cohort.uuid)
