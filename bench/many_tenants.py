"""A thousand tenants on one database: what grows with the number of tenants, and what must not.

Usage: .venv/bin/python bench/many_tenants.py [--tenants N] [--requests M] [--memory-tenants K]
       [--memory-requests R] [--no-stock-migrate] [--keep] [--migrations-only]

Provisions N tenants (`many-<run>-<n>`); the first --memory-tenants of them get a small data set
(1 institution, 2 courses, 5 students, 10 enrollments, inserted in bulk) and a read-only API
client with a bearer token, the rest are only provisioned. Reports the provisioning time
(median, target ≤ 0.2 s), the database's and its catalog's growth per tenant, and measures, each
against its target:

(a) latency of `GET /api/enrollments?per_page=15` for one tenant, served by gunicorn (one sync
    worker, DEBUG off, throttling out of the way) and driven over loopback by M sequential
    requests, when that is the only bench tenant and again once all N exist;
(b) one new migration (two cheap SQL steps) over every tenant by `migrate_tenants` (the SQL
    replayed per schema, target 600 s per 10,000 tenants) and, unless --no-stock-migrate,
    django-tenants' `migrate_schemas --tenant --executor multiprocessing` with nothing to
    migrate and with the same migration. That migration lives in a temporary copy of the
    migrations package outside the tree, seen only by those commands; its table and its
    django_migrations rows are removed afterwards in every schema;
(c) resident memory of one gunicorn worker after serving one tenant vs after serving
    --memory-tenants different tenants (and, for information, the private memory of its
    PostgreSQL backend).

Everything it created is removed at the end unless --keep is given. Uses DATABASE_URL when set,
otherwise the embedded database.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

LIST_PATH = "/api/enrollments?per_page=15"
LATENCY_RATIO_TARGET = 1.2
MEMORY_RATIO_TARGET = 1.5
PROVISION_TARGET_S = 0.2
REPLAY_TARGET_S_PER_10000 = 600
SERVER_START_SECONDS = 90


def log(message: str) -> None:
    """Progress goes to stderr, the figures to stdout."""
    print(message, file=sys.stderr, flush=True)


@dataclass
class BenchTenant:
    pk: int
    identifier: str
    schema_name: str
    token: str


# --- provisioning -------------------------------------------------------------------------------


def _seed_records(tenant) -> None:
    """The small data set, in bulk: validation and history are not what is measured here."""
    from django_tenants.utils import tenant_context

    from academics.choices import CourseStatus
    from academics.models import Course, Enrollment, Institution, Student

    with tenant_context(tenant):
        (institution,) = Institution.objects.bulk_create(
            [Institution(name=f"{tenant.name} University", country="Portugal")]
        )
        courses = Course.objects.bulk_create(
            Course(
                institution=institution,
                code=f"C{n}",
                name=f"Course {n}",
                status=CourseStatus.ACTIVE,
            )
            for n in range(2)
        )
        students = Student.objects.bulk_create(
            Student(
                name=f"Student {n}",
                email=f"student{n}@{tenant.identifier}.example",
                date_of_birth=date(2000, 1, 1) + timedelta(days=n),
            )
            for n in range(5)
        )
        Enrollment.objects.bulk_create(
            Enrollment(student=student, course=course, enrolled_at=date(2025, 9, 1))
            for student in students
            for course in courses
        )


def _issue_token(client) -> str:
    """A bearer token stored as django-oauth-toolkit stores it (checksum only), without a
    round trip through the token endpoint."""
    from django.utils import timezone
    from oauth2_provider.generators import generate_client_secret
    from oauth2_provider.models import AccessToken, set_token_value

    raw = generate_client_secret()
    token = AccessToken(
        application=client.application,
        expires=timezone.now() + timedelta(hours=12),
        scope=client.scopes,
    )
    set_token_value(token, raw)
    token.save()
    return raw


def provision(identifier: str, timings: list[float] | None = None) -> BenchTenant:
    """A bench tenant, only provisioned; the seconds `tenant_provision` took are added to
    `timings`."""
    from academics.tenancy.services import tenant_provision

    started = time.perf_counter()
    tenant = tenant_provision(identifier=identifier, name=identifier).tenant
    if timings is not None:
        timings.append(time.perf_counter() - started)
    return BenchTenant(tenant.pk, identifier, tenant.schema_name, "")


def prepare_to_serve(bench_tenant: BenchTenant) -> None:
    """The small data set and a read-only API client with a token, for a tenant that (a) or (c)
    serves. Done after provisioning, as an institution's data comes after its onboarding."""
    from academics.tenancy.clients import api_client_create
    from academics.tenancy.models import Tenant

    tenant = Tenant.objects.get(pk=bench_tenant.pk)
    _seed_records(tenant)
    issued = api_client_create(tenant=tenant, name="many-tenants bench", read_only=True)
    bench_tenant.token = _issue_token(issued.client)


@dataclass
class Sizes:
    database_bytes: int
    catalog_bytes: int


def measure_sizes() -> Sizes:
    """The database's size, and its catalog's (pg_catalog's tables and indexes): what every
    schema adds to both."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_database_size(current_database()), "
            "(SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            " JOIN pg_namespace n ON n.oid = c.relnamespace "
            " WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r')"
        )
        database_bytes, catalog_bytes = cursor.fetchone()
    return Sizes(int(database_bytes), int(catalog_bytes))


def cleanup(tenants: list[BenchTenant]) -> None:
    from django.db import connection
    from oauth2_provider.models import Application

    from academics.tenancy.models import Tenant

    connection.set_schema_to_public()
    pks = [t.pk for t in tenants]
    for start in range(0, len(pks), 200):
        chunk = pks[start : start + 200]
        Application.objects.filter(api_client__tenant__in=chunk).delete()  # tokens, clients
    for number, tenant in enumerate(tenants, 1):
        # One schema per statement: dropping many at once can exhaust the lock table.
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
        if number % 200 == 0:
            log(f"  dropped {number} schemas")
    for start in range(0, len(pks), 200):
        Tenant.objects.filter(pk__in=pks[start : start + 200]).delete()  # and their domains


# --- serving ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn as `make serve` runs it, with one sync worker, on a free loopback port."""

    def __init__(self, app_name: str):
        self.port = _free_port()
        self.app_name = app_name
        # Closed by stop(); the server outlives this method.
        self.log_file = tempfile.NamedTemporaryFile(prefix="many-tenants-", suffix=".log")  # noqa: SIM115
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_MAX_REQUESTS": "0",  # no worker recycling in the middle of a measurement
            "API_RATE_LIMIT": "100000000/min",
            "LOG_LEVEL": "WARNING",
            "PGAPPNAME": app_name,  # finds the worker's PostgreSQL backend in pg_stat_activity
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--config",
                "config/gunicorn.conf.py",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn was not healthy after {SERVER_START_SECONDS} s")

    def log_tail(self) -> str:
        return Path(self.log_file.name).read_text(errors="replace")[-3000:]

    def worker(self):
        import psutil

        (worker,) = psutil.Process(self.process.pid).children()
        return worker

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


@contextmanager
def serving(app_name: str):
    server = Server(app_name)
    try:
        yield server
    finally:
        server.stop()


def get_list(server: Server, tenant: BenchTenant, count: int) -> list[float]:
    """`count` sequential GETs of the enrollment list; seconds per request. The connection asks
    for keep-alive; gunicorn's sync worker closes it after each response, and http.client
    reconnects, so each figure includes a loopback connect."""
    headers = {
        "Authorization": f"Bearer {tenant.token}",
        "X-Tenant": tenant.identifier,
        "Accept": "application/json",
        "Connection": "keep-alive",
    }
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    seconds = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            connection.request("GET", LIST_PATH, headers=headers)
            response = connection.getresponse()
            body = response.read()
            seconds.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"{tenant.identifier}: HTTP {response.status} {body[:300]!r}")
    finally:
        connection.close()
    if len(json.loads(body)["data"]) != 10:
        raise RuntimeError(f"{tenant.identifier}: expected its 10 enrollments, got {body[:300]!r}")
    return seconds


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Latency:
    p50_ms: float
    p99_ms: float


def measure_latency(tenant: BenchTenant, requests: int, run: str) -> Latency:
    with serving(f"many-tenants-{run}-latency") as server:
        get_list(server, tenant, max(10, requests // 10))  # warm up caches and the connection
        seconds = get_list(server, tenant, requests)
    return Latency(percentile(seconds, 0.5) * 1000, percentile(seconds, 0.99) * 1000)


# --- memory -------------------------------------------------------------------------------------


def _backend_private_mb(app_name: str) -> float | None:
    """Private (unshared) memory of the PostgreSQL backend serving the worker, when visible."""
    import psutil
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s "
            "ORDER BY backend_start DESC LIMIT 1",
            [app_name],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    try:
        return psutil.Process(row[0]).memory_full_info().uss / 2**20
    except (psutil.AccessDenied, psutil.NoSuchProcess):
        return None


@dataclass
class Memory:
    tenants: int
    one_mb: float
    many_mb: float
    backend_one_mb: float | None
    backend_many_mb: float | None


def measure_memory(tenants: list[BenchTenant], requests: int, per_tenant: int, run: str) -> Memory:
    app_name = f"many-tenants-{run}-memory"
    with serving(app_name) as server:
        worker = server.worker()
        get_list(server, tenants[0], requests)
        one = worker.memory_info().rss / 2**20
        backend_one = _backend_private_mb(app_name)
        for number, tenant in enumerate(tenants, 1):
            get_list(server, tenant, per_tenant)
            if number % 25 == 0:
                rss = worker.memory_info().rss / 2**20
                log(f"  served {number} tenants, worker RSS {rss:.1f} MB")
        many = worker.memory_info().rss / 2**20
        backend_many = _backend_private_mb(app_name)
        if server.worker().pid != worker.pid:
            raise RuntimeError("the gunicorn worker was replaced during the measurement")
    return Memory(len(tenants), one, many, backend_one, backend_many)


# --- migrations ---------------------------------------------------------------------------------

MIGRATION_TEMPLATE = '''"""Temporary (bench/many_tenants.py): two cheap steps in every tenant."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("academics", "{leaf}")]
    operations = [
        migrations.RunSQL(
            "CREATE TABLE {table} (id bigint PRIMARY KEY, note text)", "DROP TABLE {table}"
        ),
        migrations.RunSQL("CREATE INDEX {table}_note ON {table} (note)", migrations.RunSQL.noop),
    ]
'''


def _tenant_count() -> int:
    from django.conf import settings
    from django.db import connection

    from academics.tenancy.models import Tenant

    connection.set_schema_to_public()
    return Tenant.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).count()


MIGRATE_COMMAND = [sys.executable, "manage.py", "migrate_schemas", "--tenant"]


def _migrate_seconds(env: dict, *extra: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [*MIGRATE_COMMAND, "--executor", "multiprocessing", "--verbosity", "0", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(
            f"migrate_schemas failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
        )
    return seconds


@contextmanager
def pending_migration(run: str):
    """Settings under which `academics` has one more migration than the tree: a copy of its
    migrations package plus the new one, in a temporary folder. The tree is never touched, so
    nobody else's test run can see the migration. Yields the environment for the command and a
    function counting the schemas the migration has reached."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    (leaf,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("academics")
    package, name, table = (
        f"many_tenants_migrations_{run}",
        f"9000_bench_{run}",
        f"bench_many_{run}",
    )
    folder = Path(tempfile.mkdtemp(prefix="many-tenants-"))
    try:
        (folder / package).mkdir()
        for source in (ROOT / "academics" / "migrations").glob("*.py"):
            shutil.copy(source, folder / package / source.name)
        (folder / package / f"{name}.py").write_text(
            MIGRATION_TEMPLATE.format(leaf=leaf[1], table=table)
        )
        (folder / f"many_tenants_settings_{run}.py").write_text(
            "from config.settings import *  # noqa: F403\n\n"
            f"MIGRATION_MODULES = {{'academics': '{package}'}}\n"
        )

        def applied_in() -> int:
            """Schemas that hold the new migration's table."""
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename = %s", [table])
                return cursor.fetchone()[0]

        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": f"many_tenants_settings_{run}",
            "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
        }
        yield environment, applied_in
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT schemaname FROM pg_tables WHERE tablename = %s", [table])
            for (schema,) in cursor.fetchall():
                cursor.execute(f'DROP TABLE IF EXISTS "{schema}"."{table}"')
            cursor.execute("SELECT schemaname FROM pg_tables WHERE tablename = 'django_migrations'")
            for (schema,) in cursor.fetchall():
                cursor.execute(
                    f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s',
                    ["academics", name],
                )


@dataclass
class Migrations:
    tenants: int
    nothing_s: float | None  # None: django-tenants' own path not run (--no-stock-migrate)
    nothing_skip_checks_s: float | None
    one_new_s: float | None
    one_new_replay_s: float


def measure_migrations(run: str, stock: bool) -> Migrations:
    """`migrate_tenants` with one new migration; with `stock`, also django-tenants'
    `migrate_schemas` with nothing to migrate, with --skip-checks, and with the migration."""
    tenants = _tenant_count()
    if not stock:
        log(f"  migrate_tenants over {tenants} tenants, one new migration")
        with pending_migration(f"{run}r") as (env, applied_in):
            one_new_replay = _replay_seconds(env)
            if applied_in() != tenants + 1:
                raise RuntimeError(f"the replay reached {applied_in() - 1} of {tenants} tenants")
        return Migrations(tenants, None, None, None, one_new_replay)
    log(f"  migrate_schemas over {tenants} tenants, nothing to migrate")
    nothing = _migrate_seconds(dict(os.environ))
    # Each tenant's migrate runs every system check again unless told not to.
    log(f"  {nothing:.1f} s; again with --skip-checks")
    skip_checks = _migrate_seconds(dict(os.environ), "--skip-checks")
    log(f"  {skip_checks:.1f} s; now with one new migration")
    with pending_migration(run) as (env, applied_in):
        one_new = _migrate_seconds(env)
        if applied_in() != tenants:
            raise RuntimeError(f"the new migration reached {applied_in()} of {tenants} tenants")
    log(f"  {one_new:.1f} s; the same migration replayed by migrate_tenants")
    with pending_migration(f"{run}r") as (env, applied_in):
        one_new_replay = _replay_seconds(env)
        # The template schema holds it too (it is migrated first, with Django's migrate).
        if applied_in() != tenants + 1:
            raise RuntimeError(f"the replay reached {applied_in() - 1} of {tenants} tenants")
    return Migrations(tenants, nothing, skip_checks, one_new, one_new_replay)


def _replay_seconds(env: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate_tenants"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,  # its progress (stderr) goes to ours
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0 or "; 0 by migrate_schemas" not in result.stdout:
        raise RuntimeError(f"migrate_tenants failed:\n{result.stdout[-3000:]}")
    log(f"  {result.stdout.strip().splitlines()[-1]}")
    return seconds


# --- the run ------------------------------------------------------------------------------------


def report(args, run, provisioning, sizes, alone, crowded, memory, migrations) -> None:
    from django.db import connection

    connection.ensure_connection()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    ratio = crowded.p50_ms / alone.p50_ms
    growth = memory.many_mb / memory.one_mb
    provision_s, (before, after) = provisioning, sizes
    provision_median = statistics.median(provision_s)
    added = max(1, args.tenants - 1)
    replay_budget = REPLAY_TARGET_S_PER_10000 * migrations.tenants / 10_000

    def verdict(ok: bool) -> str:
        return "yes" if ok else "NO"

    def mb(value: float | None) -> str:
        return f"{value:.1f} MB" if value is not None else "n/a"

    def per_tenant(seconds: float | None) -> tuple[str, str]:
        if seconds is None:
            return "not run", "--stock-migrate"
        return f"{seconds:.1f} s", f"{seconds / migrations.tenants:.3f} s/tenant"

    n = args.tenants
    rows = [
        (
            "provisioning (tenant_provision), median",
            f"{provision_median:.3f} s",
            f"<= {PROVISION_TARGET_S} s",
            verdict(provision_median <= PROVISION_TARGET_S),
        ),
        ("    p90", f"{percentile(provision_s, 0.9):.3f} s", "", ""),
        (
            "database size per tenant",
            f"{(after.database_bytes - before.database_bytes) / added / 2**20:.2f} MB",
            f"{args.memory_tenants} of them with the small data set",
            "",
        ),
        (
            "catalog size per tenant",
            f"{(after.catalog_bytes - before.catalog_bytes) / added / 2**20:.2f} MB",
            f"catalog now {after.catalog_bytes / 2**30:.2f} GB",
            "",
        ),
        ("(a) p50, 1 bench tenant", f"{alone.p50_ms:.2f} ms", "", ""),
        (f"(a) p50, {n} bench tenants", f"{crowded.p50_ms:.2f} ms", "", ""),
        (
            "(a) p50 ratio",
            f"{ratio:.2f}x",
            f"<= {LATENCY_RATIO_TARGET}x",
            verdict(ratio <= LATENCY_RATIO_TARGET),
        ),
        ("(a) p99, 1 bench tenant", f"{alone.p99_ms:.2f} ms", "", ""),
        (f"(a) p99, {n} bench tenants", f"{crowded.p99_ms:.2f} ms", "", ""),
        (
            f"(b) migrate_schemas, nothing to do ({migrations.tenants} tenants)",
            *per_tenant(migrations.nothing_s),
            "",
        ),
        ("    the same with --skip-checks", *per_tenant(migrations.nothing_skip_checks_s), ""),
        (
            f"(b) migrate_schemas, one new migration ({migrations.tenants} tenants)",
            *per_tenant(migrations.one_new_s),
            "",
        ),
        (
            f"(b) migrate_tenants (replay), one new migration ({migrations.tenants} tenants)",
            f"{migrations.one_new_replay_s:.1f} s",
            f"<= {replay_budget:.1f} s ({REPLAY_TARGET_S_PER_10000} s per 10,000)",
            verdict(migrations.one_new_replay_s <= replay_budget),
        ),
        ("(c) worker RSS after 1 tenant", mb(memory.one_mb), "", ""),
        (f"(c) worker RSS after {memory.tenants} tenants", mb(memory.many_mb), "", ""),
        (
            "(c) worker RSS growth",
            f"{growth:.2f}x",
            f"<= {MEMORY_RATIO_TARGET}x",
            verdict(growth <= MEMORY_RATIO_TARGET),
        ),
        ("    its PostgreSQL backend, after 1 tenant", mb(memory.backend_one_mb), "private", ""),
        (
            f"    its PostgreSQL backend, after {memory.tenants} tenants",
            mb(memory.backend_many_mb),
            "private",
            "",
        ),
    ]
    print(
        f"many_tenants run {run}: {n} tenants, {args.requests} requests per latency figure, "
        f"database {connection.settings_dict['NAME']} on {connection.connection.info.host}, "
        f"{os.cpu_count()} cores, load average {load}"
    )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    header = ("figure", "measured", "target / note", "met")
    print("  ".join(f"{title:<{width}}" for title, width in zip(header, [*widths, 3], strict=True)))
    for row in rows:
        print(
            "  ".join(
                f"{cell:<{width}}" for cell, width in zip(row, [*widths, 3], strict=True)
            ).rstrip()
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000, help="bench tenants to provision")
    parser.add_argument("--requests", type=int, default=1000, help="requests per latency figure")
    parser.add_argument("--memory-tenants", type=int, default=100, help="tenants served in (c)")
    parser.add_argument(
        "--memory-requests", type=int, default=10, help="requests per tenant in (c)"
    )
    parser.add_argument("--keep", action="store_true", help="leave the tenants in place")
    parser.add_argument(
        "--stock-migrate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time django-tenants' migrate_schemas (about 0.4 s per tenant)",
    )
    parser.add_argument(
        "--migrations-only",
        action="store_true",
        help="only (b), over the tenants already in the database (e.g. kept by --keep)",
    )
    args = parser.parse_args()

    from _django import setup_django

    setup_django()
    from academics.tenancy.services import ensure_template_schema

    ensure_template_schema()  # a one-off cost, outside the measurement
    run = uuid.uuid4().hex[:6]
    if args.migrations_only:
        migrations = measure_migrations(run, args.stock_migrate)
        budget = REPLAY_TARGET_S_PER_10000 * migrations.tenants / 10_000
        print(
            f"many_tenants run {run}: (b) migrate_tenants, one new migration, "
            f"{migrations.tenants} tenants: {migrations.one_new_replay_s:.1f} s "
            f"(target <= {budget:.1f} s), load average {os.getloadavg()[0]:.2f}"
        )
        return
    tenants: list[BenchTenant] = []
    try:
        provision_s: list[float] = []
        tenants.append(provision(f"many-{run}-0", provision_s))
        prepare_to_serve(tenants[0])
        log(f"run {run}: (a) latency with one bench tenant")
        alone = measure_latency(tenants[0], args.requests, run)
        log(f"  p50 {alone.p50_ms:.2f} ms, p99 {alone.p99_ms:.2f} ms")

        log(f"provisioning {args.tenants - 1} more tenants")
        before = measure_sizes()
        started = time.perf_counter()
        for number in range(1, args.tenants):
            tenants.append(provision(f"many-{run}-{number}", provision_s))
            if number % 100 == 0:
                log(
                    f"  {number} provisioned, {time.perf_counter() - started:.0f} s, "
                    f"median {statistics.median(provision_s):.3f} s"
                )
        log(f"data and API clients for {args.memory_tenants - 1} more tenants")
        for tenant in tenants[1 : args.memory_tenants]:
            prepare_to_serve(tenant)
        sizes = (before, measure_sizes())
        # Each figure is logged as it is measured: a failure later must not lose the hour's work.
        log(
            f"  provisioning median {statistics.median(provision_s):.3f} s, "
            f"p90 {percentile(provision_s, 0.9):.3f} s; database {sizes[1].database_bytes} B, "
            f"catalog {sizes[1].catalog_bytes} B (before: {before.database_bytes} B, "
            f"{before.catalog_bytes} B)"
        )

        log(f"(a) latency with {args.tenants} bench tenants")
        crowded = measure_latency(tenants[0], args.requests, run)
        log(f"  p50 {crowded.p50_ms:.2f} ms, p99 {crowded.p99_ms:.2f} ms")
        log(f"(c) memory, 1 tenant then {min(args.memory_tenants, len(tenants))} tenants")
        memory = measure_memory(
            tenants[: args.memory_tenants], args.requests, args.memory_requests, run
        )
        log(f"  {memory}")
        log("(b) migrations")
        migrations = measure_migrations(run, args.stock_migrate)
    finally:
        if args.keep:
            log(f"kept {len(tenants)} tenants many-{run}-*")
        else:
            log(f"cleaning up {len(tenants)} tenants")
            cleanup(tenants)
    report(args, run, provision_s, sizes, alone, crowded, memory, migrations)


if __name__ == "__main__":
    main()
