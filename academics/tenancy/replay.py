"""Migrating thousands of tenant schemas quickly: compute a migration's SQL once, replay it in
every schema (docs/operations.md).

Django's `migrate` plans, renders model states and introspects for every schema, which costs
about 0.4 s a schema however small the change. Every tenant schema is a copy of the template
schema (`services.TEMPLATE_SCHEMA`) at the same migration, so the SQL a migration runs is the
same in each: it is collected once from the template (`MigrationExecutor.collect_sql`), then
each schema runs it in one transaction of its own — the statements, its `django_migrations`
rows and its staff roles — checked against the template's catalog before it commits. A schema is
never half-migrated, a run that stops is resumed by running it again (migrated schemas are
skipped), and migrations that run Python code (`RunPython`) go through Django's own `migrate`.
"""

import hashlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import RunPython
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, get_tenant_model

# What a schema's structure is, for comparing it with the template's: its tables (those named in
# `tables`) with their columns' types, nullability and defaults, indexes, constraints and
# triggers, names unqualified. Every catalog is reached through an index from the tables' names:
# pg_class has no index on the schema alone, and scanning it, pg_constraint and pg_trigger for one
# schema costs in proportion to all tenants' relations (~1 s a schema at 10,000 tenants).
CATALOG = """
    WITH t AS (
        SELECT c.oid, c.relname
        FROM unnest(%(tables)s::text[]) AS wanted(name)
        JOIN pg_class c ON c.relname = wanted.name
             AND c.relnamespace = %(schema)s::regnamespace AND c.relkind IN ('r', 'p')
    )
    SELECT 'c', t.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod)
           || ':' || a.attnotnull || ':'
           || replace(coalesce(pg_get_expr(d.adbin, d.adrelid), ''), %(schema)s || '.', '')
    FROM t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = t.oid AND d.adnum = a.attnum
    UNION ALL
    SELECT 'i', replace(pg_get_indexdef(i.indexrelid), %(schema)s || '.', '')
    FROM t JOIN pg_index i ON i.indrelid = t.oid
    UNION ALL
    SELECT 'k', k.conname || ':' || replace(pg_get_constraintdef(k.oid), %(schema)s || '.', '')
    FROM t JOIN pg_constraint k ON k.conrelid = t.oid
    UNION ALL
    SELECT 't', t.relname || ':' || g.tgname
    FROM t JOIN pg_trigger g ON g.tgrelid = t.oid AND NOT g.tgisinternal
"""
# The staff roles of a schema: the app's permissions and each group's.
# `ensure_roles` costs a dozen statements, so a replay runs it only where these differ from the
# template's (a migration that adds a model, say).
ROLES = """
    SELECT 'p:' || p.codename
    FROM "{schema}".auth_permission p JOIN "{public}".django_content_type t
         ON t.id = p.content_type_id
    WHERE t.app_label = 'academics'
    UNION ALL
    SELECT 'g:' || g.name || ':' || coalesce(p.codename, '')
    FROM "{schema}".auth_group g
    LEFT JOIN "{schema}".auth_group_permissions gp ON gp.group_id = g.id
    LEFT JOIN "{schema}".auth_permission p ON p.id = gp.permission_id
"""
# The schema's own tables: a scan of pg_class, done once, for the template.
TABLES = """
    SELECT relname FROM pg_class
    WHERE relnamespace = %s::regnamespace AND relkind IN ('r', 'p')
"""


@dataclass(frozen=True)
class Fingerprint:
    """A schema's structure, summed up: the tables it was read from, a digest of them, and a
    digest of its staff roles."""

    tables: tuple[str, ...]
    digest: str
    roles: str


class ReplayError(Exception):
    pass


@dataclass
class ReplayPlan:
    """The template's pending migrations, with the SQL each runs."""

    migrations: list[tuple[str, str]]  # (app, name), in order
    statements: list[str]
    python: list[tuple[str, str]] = field(default_factory=list)  # those that run Python

    @property
    def replayable(self) -> bool:
        return bool(self.migrations) and not self.python


@dataclass
class ReplayReport:
    migrated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def plan_for(schema: str) -> ReplayPlan:
    """The migrations `schema` lacks and their SQL, collected (not run) in that schema."""
    connection.set_schema(schema, include_public=True)
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if any(backwards for _migration, backwards in plan):
            raise ReplayError(f"{schema} is ahead of the code: nothing is replayed backwards.")
        python = [
            (m.app_label, m.name)
            for m, _ in plan
            if any(isinstance(op, RunPython) for op in m.operations)
        ]
        statements = [] if python else _collect_sql(executor, plan)
        return ReplayPlan([(m.app_label, m.name) for m, _ in plan], statements, python)
    finally:
        connection.set_schema_to_public()


def _collect_sql(executor, plan) -> list[str]:
    """The plan's SQL, as Django's `collect_sql` gathers it, but from the state of every migration
    applied so far: Django's starts from the first migration's ancestors only, which lacks the
    models of another app whose migration comes later in the plan (a shared app's, say)."""
    state = executor._create_project_state(with_applied_migrations=True)
    statements = []
    for migration, _backwards in plan:
        with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
            state = migration.apply(state, editor, collect_sql=True)
        statements.extend(editor.collected_sql)
    return statements


def catalog_fingerprint(schema: str, tables: tuple[str, ...] | None = None) -> Fingerprint:
    """The structure of `schema`'s tables named in `tables` (by default all of its own); a table
    it lacks is missing from the digest."""
    with connection.cursor() as cursor:
        if tables is None:
            cursor.execute(TABLES, [schema])
            tables = tuple(sorted(name for (name,) in cursor.fetchall()))
        cursor.execute(CATALOG, {"schema": schema, "tables": list(tables)})
        rows = [f"{kind}:{text}" for kind, text in cursor.fetchall()]
    return Fingerprint(tables, _digest(rows), roles_digest(schema))


def roles_digest(schema: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(ROLES.format(schema=schema, public=get_public_schema_name()))
        return _digest([row for (row,) in cursor.fetchall()])


def _digest(rows: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()


def _applied(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return set(cursor.fetchall())


def replay_into(schema: str, plan: ReplayPlan, fingerprint: Fingerprint) -> bool:
    """Run the plan's SQL in `schema`, in one transaction; False when it had it already."""
    from academics.roles import ensure_roles

    applied = _applied(schema)
    missing = [key for key in plan.migrations if key not in applied]
    if not missing:
        return False
    if missing != plan.migrations:
        raise ReplayError(f"{schema} is not at the template's migration; use migrate_schemas.")
    connection.set_schema(schema, include_public=True)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for statement in plan.statements:
                    if not statement.lstrip().startswith("--"):
                        cursor.execute(statement)
                now = timezone.now()
                cursor.executemany(
                    "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
                    [(app, name, now) for app, name in plan.migrations],
                )
            if roles_digest(schema) != fingerprint.roles:
                ensure_roles()  # what `migrate` does after it, for the admin's roles
            if catalog_fingerprint(schema, fingerprint.tables) != fingerprint:
                raise ReplayError(f"{schema} differs from the template after the replay.")
    finally:
        connection.set_schema_to_public()
    return True


def lagging(schemas: list[str], reference: str, chunk: int = 500) -> list[str]:
    """The schemas that have applied fewer migrations than `reference`: one query per `chunk`
    schemas, so that finding nothing to do in 10,000 schemas takes a moment."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{reference}".django_migrations')
        expected = cursor.fetchone()[0]
        behind = []
        for start in range(0, len(schemas), chunk):
            part = schemas[start : start + chunk]
            cursor.execute(
                " UNION ALL ".join(
                    f'SELECT %s, count(*) FROM "{schema}".django_migrations' for schema in part
                ),
                part,
            )
            behind += [schema for schema, count in cursor.fetchall() if count < expected]
    return behind


def tenant_schemas() -> list[str]:
    from academics.tenancy.services import TEMPLATE_SCHEMA

    public = get_public_schema_name()
    return list(
        get_tenant_model()
        .objects.exclude(schema_name__in=[public, TEMPLATE_SCHEMA])
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )


def replay(
    schemas: list[str],
    plan: ReplayPlan,
    fingerprint: Fingerprint,
    *,
    workers: int = 4,
    progress: Callable[[int, int, float], None] | None = None,
) -> ReplayReport:
    """Replay `plan` into every schema, `workers` at a time (one connection each)."""
    report = ReplayReport()
    started = time.monotonic()

    def one(schema: str) -> tuple[str, bool | str]:
        try:
            return schema, replay_into(schema, plan, fingerprint)
        except Exception as error:  # reported per schema; the others go on
            return schema, f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(one, schema) for schema in schemas]
        for done, future in enumerate(as_completed(futures), start=1):
            schema, outcome = future.result()
            if outcome is True:
                report.migrated.append(schema)
            elif outcome is False:
                report.skipped.append(schema)
            else:
                report.failed[schema] = outcome
            if progress is not None:
                progress(done, len(schemas), time.monotonic() - started)
    report.seconds = time.monotonic() - started
    return report
