"""A record's INSERT and UPDATE and its history row's INSERT are compiled once per shape
(academics/models/writes.py): the statements sent are Django's own, without compiling them for
every save."""

import pytest
from django.db import connection, models
from django.db.models.sql.compiler import SQLInsertCompiler, SQLUpdateCompiler

from academics.models.writes import CompiledWrites
from tests.api.resources import RESOURCES

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def writes(api_client, resource) -> tuple[list[tuple[str, int]], str]:
    """The INSERT and UPDATE statements (SQL with its placeholders, and its parameters' number)
    a create and a change of `resource` send, and the record's uuid."""
    body = resource.payload()  # its references are made before, not counted
    sent = []

    def record(execute, sql, params, many, context):
        if sql.startswith(("INSERT", "UPDATE")):
            sent.append((sql, len(params)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        created = api_client.post(f"/api/{resource.path}", body, format="json")
        assert created.status_code == 201, created.content
        uuid = created.json()["data"]["uuid"]
        change = {"grade": 9.5} if resource.path == "enrollments" else resource.change
        changed = api_client.patch(f"/api/{resource.path}/{uuid}", change, format="json")
        assert changed.status_code == 200, changed.content
    return sent, uuid


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_the_statements_are_djangos_own_compiled_once(api_client, resource, monkeypatch):
    # given the statements Django's compiler makes for a create and a change
    with monkeypatch.context() as django_only:
        django_only.setattr(CompiledWrites, "_do_insert", models.Model._do_insert)
        django_only.setattr(CompiledWrites, "_do_update", models.Model._do_update)
        by_django, uuid = writes(api_client, resource)
    # deleted, so that its unique values are free for the next time
    assert api_client.delete(f"/api/{resource.path}/{uuid}").status_code == 204
    compiled = []
    for compiler in (SQLInsertCompiler, SQLUpdateCompiler):
        original = compiler.as_sql

        def as_sql(self, *args, original=original, **kwargs):
            compiled.append(self.query.model)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(compiler, "as_sql", as_sql)

    # when the same writes are made again
    sent, _uuid = writes(api_client, resource)

    # then the same statements are sent, and none of them was compiled by Django
    assert sent == by_django
    assert [sql.split(" ")[0] for sql, _n in sent] == ["INSERT", "INSERT", "UPDATE", "INSERT"]
    assert compiled == []
