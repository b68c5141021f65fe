"""A record's INSERT and UPDATE are compiled once per shape, and write the record's history row
in the same statement (academics/models/writes.py): one statement per write, none compiled by
Django, and the history rows the same as simple-history's own would be."""

import pytest
from django.db import connection, models
from django.db.models import Value
from django.db.models.sql.compiler import SQLInsertCompiler, SQLUpdateCompiler
from django.forms.models import model_to_dict

from academics.models import Student
from academics.models.writes import CompiledWrites
from academics.services import record_save
from tests import factories as f
from tests.api.resources import RESOURCES

pytestmark = pytest.mark.usefixtures("in_tenant_a")
# What differs between two writes of the same body: the history row's own id and time, the
# record's, and the ids of the records the body names (each payload makes its own).
VARYING = {"history_id", "history_date", "id", "uuid", "created_at", "updated_at"}


def writes(api_client, resource) -> tuple[list[str], str]:
    """The writing statements (their first words) a create and a change of `resource` send,
    and the record's uuid."""
    body = resource.payload()  # its references are made before, not counted
    sent = []

    def record(execute, sql, params, many, context):
        if sql.startswith(("INSERT", "UPDATE", "WITH")):
            sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        created = api_client.post(f"/api/{resource.path}", body, format="json")
        assert created.status_code == 201, created.content
        uuid = created.json()["data"]["uuid"]
        change = {"grade": 9.5} if resource.path == "enrollments" else resource.change
        changed = api_client.patch(f"/api/{resource.path}/{uuid}", change, format="json")
        assert changed.status_code == 200, changed.content
    return sent, uuid


def history_of(resource, uuid) -> list[dict]:
    record = resource.model.all_objects.get(uuid=uuid)
    rows = record.history.order_by("history_id").values()
    references = {f.attname for f in resource.model._meta.concrete_fields if f.is_relation}
    return [{k: v for k, v in row.items() if k not in VARYING | references} for row in rows]


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_a_write_and_its_history_row_are_one_statement_as_simple_history_writes_it(
    api_client, resource, monkeypatch
):
    # given a create and a change as Django and simple-history make them
    with monkeypatch.context() as django_only:
        django_only.setattr(CompiledWrites, "_do_insert", models.Model._do_insert)
        django_only.setattr(CompiledWrites, "_do_update", models.Model._do_update)
        by_django, by_django_uuid = writes(api_client, resource)
    expected = history_of(resource, by_django_uuid)
    # deleted, so that its unique values are free for the next time
    assert api_client.delete(f"/api/{resource.path}/{by_django_uuid}").status_code == 204
    compiled = []
    for compiler in (SQLInsertCompiler, SQLUpdateCompiler):
        original = compiler.as_sql

        def as_sql(self, *args, original=original, **kwargs):
            compiled.append(self.query.model)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(compiler, "as_sql", as_sql)

    # when the same writes are made again
    sent, uuid = writes(api_client, resource)

    # then each write was one statement, none compiled by Django, and the history the same
    assert [sql.split(" ")[0] for sql in by_django] == ["INSERT", "INSERT", "UPDATE", "INSERT"]
    assert [sql.split(" ", 4)[:4] for sql in sent] == [
        ["WITH", "written", "AS", "(INSERT"],
        ["WITH", "written", "AS", "(UPDATE"],
    ]
    assert compiled == []
    assert [row["history_type"] for row in expected] == ["+", "~"]
    assert history_of(resource, uuid) == expected


def test_the_history_row_names_the_actor_user_and_reason():
    # given a student changed by a registrar with a reason
    from django.contrib.auth.models import User

    from academics.history import Actor, acting_as

    staff = User.objects.create(username="registrar", is_staff=True)
    student = f.StudentFactory()
    student.name = "Renamed"
    student._change_reason = "typo in the name"
    with acting_as(Actor.staff(staff)):
        record_save(record=student)

    # then its history row says who and why, and holds the record as written
    row = student.history.order_by("-history_id").first()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "~",
        staff,
        "typo in the name",
    )
    assert (row.history_actor_type, row.history_actor_name) == ("staff", "registrar")
    fields = ["name", "email", "date_of_birth"]
    assert model_to_dict(row, fields=fields) == model_to_dict(
        Student.objects.get(pk=student.pk), fields=fields
    )


def test_no_history_row_when_simple_history_is_off_or_skipped(settings):
    student = f.StudentFactory()  # its create's row
    settings.SIMPLE_HISTORY_ENABLED = False
    student.name = "Unrecorded"
    record_save(record=student)
    settings.SIMPLE_HISTORY_ENABLED = True
    student.skip_history_when_saving = True
    student.name = "Skipped"
    record_save(record=student)

    assert Student.objects.get(pk=student.pk).name == "Skipped"
    assert [row.history_type for row in student.history.all()] == ["+"]


def test_a_refused_write_leaves_no_history_and_a_later_save_writes_its_own():
    # given a student whose write is refused by a unique index (another's email)
    from django.core.exceptions import ValidationError

    taken = f.StudentFactory()
    student = f.StudentFactory()
    student.email = taken.email
    with pytest.raises(ValidationError):
        record_save(record=student)

    # when the same instance is saved again, through Django's own path (an expression)
    student.email = "own@example.edu"
    student.name = Value("Saved by Django")
    student.save(update_fields=["email", "name"])

    # then its history holds the create and that save: the refused write left nothing, and
    # simple-history wrote the last row
    rows = student.history.order_by("history_id")
    assert [(row.history_type, row.name) for row in rows] == [
        ("+", rows[0].name),
        ("~", "Saved by Django"),
    ]
