"""Behind PgBouncer in transaction pooling mode (docs/operations.md, Connection pooling): 100
tenants, two app servers of two workers each, concurrent reads and writes through a pool of two
server connections. With `DATABASE_POOLER=transaction` no answer holds another tenant's record
and every write lands in its own tenant's schema; with django-tenants' session `SET
search_path` (the default backend) the same workload finds cross-tenant rows or errors."""

import json
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from oauth2_provider.models import Application

from academics.models import Institution
from academics.tenancy.clients import api_client_create
from academics.tenancy.models import Tenant
from academics.tenancy.services import tenant_provision
from tests.conftest import issue_token
from tests.serving import (
    committed,
    free_port,
    have_pgbouncer,
    http,
    start_gunicorn,
    start_pgbouncer,
    stop,
    wait_for_health,
)

pytestmark = [
    pytest.mark.serving,
    pytest.mark.django_db,
    pytest.mark.skipif(
        not have_pgbouncer(), reason="PgBouncer is missing (apt-get install pgbouncer)"
    ),
]

TENANTS = 100
SEEDED = 2  # institutions per tenant, named after it
ROUNDS = 2  # of list, get one, create, list again, per tenant
POOL_SIZE = 2  # server connections shared by the four workers


def provision_tenants() -> list[dict]:
    """The tenants, each with a token and institutions whose names start with its identifier."""
    made = []
    for number in range(TENANTS):
        identifier = f"pooled-{number:03d}"
        tenant = tenant_provision(identifier=identifier, name=f"Pooled {number}").tenant
        token = issue_token(api_client_create(tenant=tenant, name="Pooler test").client)
        with tenant_context(tenant):
            seeded = [
                Institution.objects.create(name=f"{identifier} seeded {n}", country="BR").uuid
                for n in range(SEEDED)
            ]
        connection.set_schema_to_public()
        made.append(
            {
                "identifier": identifier,
                "schema": tenant.schema_name,
                "token": token,
                "seeded": seeded,
            }
        )
    return made


def drop_tenants(made: list[dict]) -> None:
    identifiers = [tenant["identifier"] for tenant in made]
    Application.objects.filter(api_client__tenant__identifier__in=identifiers).delete()
    for tenant in Tenant.objects.filter(identifier__in=identifiers):
        tenant.delete(force_drop=True)


@pytest.fixture(scope="module")
def tenants(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        made = committed(provision_tenants)
    yield made
    with django_db_blocker.unblock():
        committed(drop_tenants, made)


@pytest.fixture(scope="module")
def pgbouncer(django_db_setup, django_db_blocker, tmp_path_factory):
    port = free_port()
    with django_db_blocker.unblock():  # to read where the test database is
        process = start_pgbouncer(tmp_path_factory.mktemp("pgbouncer"), port, pool_size=POOL_SIZE)
    yield port
    stop(process)  # before the test database is dropped: it holds server connections


def workload(tenant: dict, ports: list[int], run: str) -> tuple[list[str], list[str]]:
    """One tenant's requests, alternating between the app servers: the problems seen (a
    failed request, or a record not named after the tenant: another tenant's) and the names of
    the institutions it created."""
    headers = {
        "Authorization": f"Bearer {tenant['token']}",
        "X-Tenant": tenant["identifier"],
        "Content-Type": "application/json",
    }
    own = f"{tenant['identifier']} "
    problems, created = [], []

    def request(method, path, body=None):
        port = ports[len(problems + created) % len(ports)]
        content = json.dumps(body).encode() if body else b""
        status, _, answer = http(port, method, path, headers, content)
        if status >= 300:
            problems.append(f"{tenant['identifier']} {method} {path}: {status} {answer[:200]!r}")
            return []
        data = json.loads(answer)["data"]
        records = data if isinstance(data, list) else [data]
        problems.extend(
            f"{tenant['identifier']} {method} {path}: another tenant's {record['name']!r}"
            for record in records
            if not record["name"].startswith(own)
        )
        return records

    for round_ in range(ROUNDS):
        request("GET", "/api/institutions?per_page=100")
        request("GET", f"/api/institutions/{tenant['seeded'][round_ % SEEDED]}")
        name = f"{own}{run} {round_}"
        if request("POST", "/api/institutions", {"name": name, "country": "BR"}):
            created.append(name)
        request("GET", "/api/institutions?per_page=100")
    return problems, created


def rows_in_wrong_schemas(tenants: list[dict], created: dict[str, list[str]], run: str):
    """Read from each schema directly, not through the pooler: the run's rows that are not its
    tenant's, and the tenants whose created rows are not all in their schema."""
    foreign, missing = [], []
    with connection.cursor() as cursor:
        for tenant in tenants:
            cursor.execute(f'SELECT name FROM "{tenant["schema"]}".academics_institution')
            names = [row[0] for row in cursor.fetchall()]
            ours = [name for name in names if f" {run} " in name or " seeded " in name]
            foreign += [
                f"{tenant['identifier']}: {name!r}"
                for name in ours
                if not name.startswith(f"{tenant['identifier']} ")
            ]
            if not set(created[tenant["identifier"]]) <= set(names):
                missing.append(tenant["identifier"])
    return foreign, missing


def serve_workload(tenants, pgbouncer, django_db_blocker, pooler: str):
    """Two app servers of two workers each, with `DATABASE_POOLER=pooler`, on PgBouncer's two
    server connections; every tenant's workload at once, 16 requests in flight. Returns the
    problems the requests saw, and the rows of this run in wrong schemas and the tenants missing
    some of theirs, read from each schema directly."""
    run = f"run-{secrets.token_hex(4)}"
    environment = {
        "DATABASE_URL": f"postgresql://{connection.settings_dict['USER']}@127.0.0.1:{pgbouncer}"
        f"/{connection.settings_dict['NAME']}",
        "DATABASE_POOLER": pooler,
        "API_RATE_LIMIT": "100000/min",
    }
    ports = [free_port(), free_port()]
    servers = []
    try:
        for port in ports:
            with django_db_blocker.unblock():
                servers.append(start_gunicorn(port, workers=2, **environment))
            wait_for_health(port, servers[-1])
        with ThreadPoolExecutor(16) as pool:
            outcomes = list(pool.map(lambda tenant: workload(tenant, ports, run), tenants))
    finally:
        stop(*servers)
    problems = [problem for seen, _ in outcomes for problem in seen]
    created = {
        tenant["identifier"]: made for tenant, (_, made) in zip(tenants, outcomes, strict=True)
    }
    with django_db_blocker.unblock():
        foreign, missing = rows_in_wrong_schemas(tenants, created, run)
    return problems, created, foreign, missing


def test_behind_a_transaction_pool_no_request_sees_or_writes_another_tenants_rows(
    tenants, pgbouncer, django_db_blocker
):
    problems, created, foreign, missing = serve_workload(
        tenants, pgbouncer, django_db_blocker, pooler="transaction"
    )
    assert problems == []
    assert foreign == []
    assert missing == []
    assert sum(map(len, created.values())) == TENANTS * ROUNDS


def test_without_the_setting_requests_read_other_tenants_rows(
    tenants, pgbouncer, django_db_blocker
):
    # django-tenants' session `SET search_path`: the hazard the setting removes
    problems, *_ = serve_workload(tenants, pgbouncer, django_db_blocker, pooler="")
    assert any("another tenant's" in problem for problem in problems)
