"""Provisioning tenants: one code path for the command, the platform admin and the tests."""

import os
import subprocess
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_exists

from academics.tenancy.models import (
    IDENTIFIER_PATTERN,
    MSG_IDENTIFIER_INVALID,
    MSG_IDENTIFIER_RESERVED,
    RESERVED_IDENTIFIERS,
    Domain,
    Tenant,
    new_schema_name,
)

# A migrated schema holding no records; new tenants are copies of it.
TEMPLATE_SCHEMA = "tenant_template"
# The template's definition as SQL (pg_dump) and its table names, read once per process; see
# _clone_template.
_template_sql: str | None = None
_template_tables: list[str] = []
PROVISION_LOCK_KEY = 7_310_001  # any constant shared by every process that provisions
# A PostgreSQL session keeps a cache entry for every relation it created (~230 per schema) for as
# long as it lives, and each later commit that creates many relations walks them all: one session
# provisioning tenant after tenant grew by 0.15 MB and slowed by ~0.2 ms per tenant
# (bench/many_tenants.py). Its connection is closed after this many, outside transactions.
PROVISIONINGS_PER_SESSION = 50


class ProvisioningError(Exception):
    pass


@dataclass
class Provisioned:
    tenant: Tenant
    created: bool


def validate_identifier(identifier: str) -> None:
    if identifier in RESERVED_IDENTIFIERS:
        raise ValidationError({"identifier": MSG_IDENTIFIER_RESERVED.format(identifier=identifier)})
    if not IDENTIFIER_PATTERN.fullmatch(identifier):
        raise ValidationError({"identifier": MSG_IDENTIFIER_INVALID})


def default_domain(identifier: str) -> str:
    return f"{identifier}.{settings.TENANT_SUBDOMAIN_BASE}"


@contextmanager
def _provisioning_lock():
    """Serialize provisioning across processes (two operators, or the admin and a command)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [PROVISION_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [PROVISION_LOCK_KEY])


def tenant_provision(
    *,
    identifier: str,
    name: str,
    domains: Iterable[str] = (),
    clone: bool = True,
) -> Provisioned:
    """Create tenant `identifier` with its schema and domains, or return the existing one
    untouched. `clone=False` runs every migration instead of copying the template schema."""
    validate_identifier(identifier)
    connection.set_schema_to_public()
    with _provisioning_lock():
        existing = Tenant.objects.filter(identifier=identifier).first()
        if existing is not None:
            return Provisioned(existing, created=False)

        tenant = Tenant(identifier=identifier, name=name, schema_name=new_schema_name())
        tenant.full_clean()
        if clone:
            _clone_template(tenant.schema_name)
        else:
            tenant.create_schema(check_if_exists=True, verbosity=0)
        try:
            with transaction.atomic():
                tenant.save()
                wanted = [default_domain(identifier), *domains]
                for position, host in enumerate(dict.fromkeys(h.lower() for h in wanted)):
                    Domain.objects.create(domain=host, tenant=tenant, is_primary=position == 0)
        except Exception:
            _drop_schema(tenant.schema_name)
            raise
    _count_provisioning_in_session()
    return Provisioned(tenant, created=True)


def _count_provisioning_in_session() -> None:
    """Close the connection once its session has provisioned PROVISIONINGS_PER_SESSION tenants
    (not inside a transaction, whose work the close would abort); the next query reconnects."""
    session = connection.connection
    if getattr(connection, "provisioning_session", None) is not session:
        connection.provisioning_session, connection.provisionings_in_session = session, 0
    connection.provisionings_in_session += 1
    enough = connection.provisionings_in_session >= PROVISIONINGS_PER_SESSION
    if enough and not connection.in_atomic_block:
        connection.close()


def _drop_schema(schema_name: str) -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


def ensure_template_schema() -> None:
    """Create or migrate the template schema when it lags behind the code's migrations.
    Checked once per process: migrations do not change under a running process."""
    global _template_sql, _template_tables
    if _template_sql is not None:
        return
    connection.set_schema(TEMPLATE_SCHEMA, include_public=True)
    if schema_exists(TEMPLATE_SCHEMA):
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    else:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
        pending = True
    connection.set_schema_to_public()
    if pending:
        call_command(
            "migrate_schemas",
            schema_name=TEMPLATE_SCHEMA,
            tenant=True,
            interactive=False,
            verbosity=0,
        )
        connection.set_schema_to_public()
    _template_tables = sorted(_table_names(TEMPLATE_SCHEMA))
    _template_sql = _dump_template()


def _dump_template() -> str:
    """The template schema as one SQL script: tables, indexes, constraints and its few rows
    (applied migrations, permissions). pg_dump ships with the pgserver wheel."""
    from pgserver._commands import POSTGRES_BIN_PATH

    connection.ensure_connection()
    info = connection.connection.info  # where this process is really connected
    command = [
        str(POSTGRES_BIN_PATH / "pg_dump"),
        f"--schema={TEMPLATE_SCHEMA}",
        # Its rows (applied migrations, permissions) as a few multi-row INSERTs, not ~240.
        "--rows-per-insert=1000",
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        f"--dbname={info.dbname}",
        f"--username={info.user}",
        f"--host={info.host}",
        f"--port={info.port}",
    ]
    env = {**os.environ, "PGPASSWORD": info.password or ""}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ProvisioningError(f"pg_dump of {TEMPLATE_SCHEMA} failed: {result.stderr.strip()}")
    dump = result.stdout
    # Session settings (search_path among them) would leak into the shared connection.
    return "\n".join(
        line
        for line in dump.splitlines()
        if not line.startswith(("SET ", "SELECT pg_catalog.set_config", "--"))
    )


def _table_names(schema_name: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            [schema_name],
        )
        return {row[0] for row in cursor.fetchall()}


def _missing_tables(schema_name: str) -> list[str]:
    """The template's tables that `schema_name` lacks, each looked up by name (an index lookup in
    the catalog). Listing the schema's tables instead scans every relation of every tenant:
    ~0.1 s per listing with 1,000 tenants (bench/many_tenants.py)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM unnest(%s::text[]) AS name "
            "WHERE to_regclass(format('%%I.%%I', %s::text, name)) IS NULL",
            [_template_tables, schema_name],
        )
        return [row[0] for row in cursor.fetchall()]


def _clone_template(schema_name: str) -> None:
    """Create `schema_name` by replaying the template's SQL under the new name, in one
    transaction; several times faster than running the migrations (bench/provision.py)."""
    ensure_template_schema()
    # The template's name appears in the script only as the schema qualifier.
    script = _template_sql.replace(TEMPLATE_SCHEMA, schema_name)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(script)
    connection.set_schema_to_public()
    missing = _missing_tables(schema_name)
    if missing:
        _drop_schema(schema_name)
        raise ProvisioningError(
            f"The copy of {TEMPLATE_SCHEMA} into {schema_name} lacks {', '.join(missing)}."
        )
