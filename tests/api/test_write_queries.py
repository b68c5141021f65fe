"""A write costs a small, fixed number of statements (docs/api.md, Safe writes): what it reads
to resolve the records it names, the locks of those records in one statement, the write (with
its history row, in one statement). Rules that need no data (check constraints) are decided in
Python; unique rules are left to the unique indexes, and asked only when another rule fails, to
list every problem at once. Counted: every message sent through Django's cursor (the lookups of
a body's references share one), but django-tenants' `SET search_path`."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academics import messages as msg
from academics.models import Cohort
from tests import factories as f
from tests.api.resources import RESOURCES

pytestmark = pytest.mark.usefixtures("in_tenant_a")
CARRIED_PATH = re.compile(r"^SET LOCAL search_path = [^;]*; ")

# POST: the records named in the body (one message, their lookups together: one round trip),
# then SAVEPOINT, the references' locks (one statement, when there are any), the INSERT that
# also writes the history row (academics/models/writes.py), RELEASE. The unique rules are not
# asked: the unique indexes refuse a taken value, as the rule's own error
# (RecordModel.full_clean_but_uniques), and a new record's uuid is fresh.
CREATE_STATEMENTS = {
    "institutions": 3,  # no reference: no lock
    "organizations": 5,  # institution; lock
    "courses": 5,  # institution and organization; lock
    "cohorts": 5,  # course; lock
    "students": 3,
    "enrollments": 5,  # student, course and cohort; lock
}
# PATCH: SAVEPOINT, the record read with its row locked (one statement), the UPDATE that also
# writes the history row, RELEASE.
CHANGE_STATEMENTS = {
    "institutions": 4,
    "organizations": 4,
    "courses": 5,  # a new workload: are finalized enrollments counting it? (lifecycle)
    "cohorts": 4,
    "students": 4,
    "enrollments": 4,
}


def _statements(queries) -> list[str]:
    """The statements sent, without the search path: django-tenants' own `SET` statements, or
    the `SET LOCAL` each statement carries under DATABASE_POOLER=transaction."""
    sent = (CARRIED_PATH.sub("", q["sql"]) for q in queries.captured_queries)
    return [sql for sql in sent if not sql.startswith("SET search_path")]


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_a_create_costs_a_fixed_number_of_statements(api_client, resource):
    # given a body naming its records, and a warm client
    body = resource.payload()
    api_client.get(f"/api/{resource.path}")

    # when
    with CaptureQueriesContext(connection) as queries:
        response = api_client.post(f"/api/{resource.path}", body, format="json")

    # then
    assert response.status_code == 201, response.content
    assert len(_statements(queries)) == CREATE_STATEMENTS[resource.path], _statements(queries)


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_a_change_costs_a_fixed_number_of_statements(api_client, resource):
    # given a record, and a warm client
    created = api_client.post(f"/api/{resource.path}", resource.payload(), format="json")
    uuid = created.json()["data"]["uuid"]
    # The created enrollment is completed: a new grade is a change its rules allow.
    body = {"grade": 9.5} if resource.path == "enrollments" else resource.change

    # when
    with CaptureQueriesContext(connection) as queries:
        response = api_client.patch(f"/api/{resource.path}/{uuid}", body, format="json")

    # then
    assert response.status_code == 200, response.content
    statements = _statements(queries)
    assert len(statements) == CHANGE_STATEMENTS[resource.path], statements
    # the record's own row locked by the read itself, in the write's transaction
    assert statements[0].startswith("SAVEPOINT"), statements
    assert statements[1].startswith("SELECT"), statements
    assert re.search(r'FOR NO KEY UPDATE OF "academics_\w+"$', statements[1]), statements[1]


def test_a_new_record_with_a_uuid_already_taken_is_a_validation_error(in_tenant_a):
    # given a student, and a new one given the same uuid (no API client can: a program might)
    from django.core.exceptions import ValidationError

    from academics.models import Student
    from academics.services import record_save
    from tests.factories import StudentFactory

    taken = StudentFactory()
    twin = Student(
        uuid=taken.uuid, name="Twin", email="twin@example.edu", date_of_birth=taken.date_of_birth
    )

    # when / then: the unique index refuses it, reported on the field, nothing saved
    with pytest.raises(ValidationError) as refused:
        record_save(record=twin)
    assert refused.value.message_dict == {"uuid": ["The uuid has already been taken."]}
    assert Student.objects.filter(uuid=taken.uuid).count() == 1


def test_a_taken_value_is_refused_by_the_index_with_the_rules_own_error(api_client):
    # given a cohort whose code is taken
    taken = f.CohortFactory(code="TAKEN")
    body = {"course_uuid": str(taken.course.uuid), "code": "TAKEN", "start_date": "2024-02-01"}

    # when it is sent alone, then with another rule broken (dates out of order)
    with CaptureQueriesContext(connection) as queries:
        alone = api_client.post("/api/cohorts", body, format="json")
    # (the body's reference is a course: a SELECT of cohorts could only be the rule's question)
    probes = [
        sql
        for sql in _statements(queries)
        if sql.startswith("SELECT") and '"academics_cohort"' in sql
    ]
    both = api_client.post("/api/cohorts", {**body, "end_date": "2024-01-01"}, format="json")

    # then the first is refused by the unique index (no question asked before the INSERT) with
    # the rule's error, the second lists both problems; nothing was written
    assert alone.status_code == 422 and alone.json()["errors"] == {"code": [msg.COHORT_CODE_TAKEN]}
    assert probes == []
    assert both.status_code == 422
    assert both.json()["errors"] == {
        "code": [msg.COHORT_CODE_TAKEN],
        "end_date": [msg.COHORT_DATES_ORDER],
    }
    assert Cohort.objects.count() == 1
