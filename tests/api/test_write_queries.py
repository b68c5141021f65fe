"""A write costs a small, fixed number of statements (docs/api.md, Safe writes): what it reads
to resolve the records it names, one check per unique rule it touches, the locks of those records
in one statement, the write and its history row. Rules that need no data (check constraints) are
decided in Python; a rule on fields the write does not change is not asked again. Counted: every
statement sent through Django's cursor, but django-tenants' `SET search_path`."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.resources import RESOURCES

pytestmark = pytest.mark.usefixtures("in_tenant_a")
CARRIED_PATH = re.compile(r"^SET LOCAL search_path = [^;]*; ")

# POST: a lookup per record named in the body, one check per unique rule the record falls
# under, then SAVEPOINT, the references' locks (one statement, when there are any), INSERT,
# history INSERT, RELEASE. A new record's uuid is fresh: the unique index alone guards it.
CREATE_STATEMENTS = {
    "institutions": 4,  # no unique rule, no reference: no lock
    "organizations": 7,  # institution; code in institution; lock
    "courses": 8,  # institution, organization; code; lock
    "cohorts": 7,  # course; code; lock
    "students": 5,  # email
    "enrollments": 9,  # student, course, cohort; live enrollment; lock
}
# PATCH: SAVEPOINT, the record read with its row locked (one statement), the unique rules of the
# changed fields, UPDATE, history INSERT, RELEASE.
CHANGE_STATEMENTS = {
    "institutions": 5,
    "organizations": 6,  # the code changes: its rule is checked
    "courses": 6,  # a new workload: are finalized enrollments counting it? (lifecycle)
    "cohorts": 5,
    "students": 5,
    "enrollments": 5,
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
