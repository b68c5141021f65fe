"""Lists reuse their compiled SQL per query string (RecordViewSet.list); the answers must stay
those of a freshly built query: current rows, the request's tenant, the right page, also once
the session has prepared the statement (`fetch_prepared`)."""

from django.db import connection
from django_tenants.utils import tenant_context

from academics.tenancy.session_path.base import PREPARE_THRESHOLD
from tests.factories import StudentFactory

URL = "/api/students?sort[column]=email&per_page=2"


def emails(response):
    return [row["email"] for row in response.json()["data"]]


def test_repeated_list_sees_new_rows(api_client, tenant_a):
    with tenant_context(tenant_a):
        StudentFactory(email="b@example.edu")
    first = api_client.get(URL)
    with tenant_context(tenant_a):
        StudentFactory(email="a@example.edu")
    second = api_client.get(URL)
    assert emails(first) == ["b@example.edu"]
    assert emails(second) == ["a@example.edu", "b@example.edu"]
    assert second.json()["meta"]["total"] == 2


def test_same_query_string_in_two_tenants_answers_each_tenant(
    api_client, api_client_b, tenant_a, tenant_b
):
    with tenant_context(tenant_a):
        StudentFactory(email="only-a@example.edu")
    with tenant_context(tenant_b):
        StudentFactory(email="only-b@example.edu")
    assert emails(api_client.get(URL)) == ["only-a@example.edu"]
    assert emails(api_client_b.get(URL)) == ["only-b@example.edu"]
    assert emails(api_client.get(URL)) == ["only-a@example.edu"]


def test_repeated_list_keeps_its_page_meta_and_an_emptied_page_counts_again(api_client, tenant_a):
    with tenant_context(tenant_a):
        students = [StudentFactory(email=f"s{n}@example.edu") for n in range(3)]
    url = URL + "&page=2"
    first, second = api_client.get(url).json(), api_client.get(url).json()
    assert first == second
    assert second["meta"] == {
        "current_page": 2,
        "per_page": 2,
        "total": 3,
        "last_page": 2,
        "from": 3,
        "to": 3,
    }
    students[2].delete()
    emptied = api_client.get(url).json()
    assert emptied["data"] == [] and emptied["meta"]["total"] == 2


def test_invalid_parameters_are_refused_every_time(api_client):
    for _ in range(2):
        assert api_client.get("/api/students?where[nope]=1").status_code == 422


def test_a_list_statement_is_compiled_once(api_client, monkeypatch):
    from academics.api import base

    compiled = []
    statement = base.ReadPlan.statement

    def counting(self, queryset, extra=()):
        compiled.append(1)
        return statement(self, queryset, extra)

    monkeypatch.setattr(base.ReadPlan, "statement", counting)
    base._LIST_STATEMENTS.clear()
    expected = "once@example.edu"
    with tenant_context(api_client.api_client.tenant):
        StudentFactory(email=expected)
    for _ in range(3):
        assert emails(api_client.get(URL)) == [expected]
    assert len(compiled) == 1


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_hot_list_is_prepared_and_still_answers_each_tenant_and_new_rows(
    api_client, api_client_b, tenant_a, tenant_b
):
    # given a list sent often enough in tenant A for the session to prepare its statement
    with tenant_context(tenant_a):
        StudentFactory(email="b@example.edu")
    with tenant_context(tenant_b):
        StudentFactory(email="only-b@example.edu")
    for _ in range(PREPARE_THRESHOLD + 1):
        assert emails(api_client.get(URL)) == ["b@example.edu"]
    assert [sql for sql in prepared_statements() if "academics_student" in sql]

    # when tenant B asks for the same page, and tenant A gains a row
    other_tenant = emails(api_client_b.get(URL))
    with tenant_context(tenant_a):
        StudentFactory(email="a@example.edu")

    # then each answer is that tenant's current rows
    assert other_tenant == ["only-b@example.edu"]
    assert emails(api_client.get(URL)) == ["a@example.edu", "b@example.edu"]
