"""Where a request's time goes: the list, GET one, POST and PATCH of enrollments, in process,
side by side.

Usage: .venv/bin/python bench/write_profile.py [--requests 300] [--size 2000] [--profile post]

Sends each kind of request through the whole Django stack (middleware, authentication, the
view, the services, the database) with `DEBUG` off, one after another on one connection, and
prints per request: the median wall time, the statements sent to PostgreSQL (and the time spent
waiting for them), the shared cache's statements, what is left — Python —, and the mean CPU time
of the worker and of its PostgreSQL backend (when the database runs on this machine).
`--profile KIND` adds cProfile's heaviest functions for that kind. The tenant is the one of
bench/throughput.py.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DEBUG"] = "false"
# In process, no client secret is checked (the token is stored directly): any key does.
os.environ.setdefault("SECRET_KEY", "write-profile-bench")
os.environ.setdefault("API_RATE_LIMIT", "100000000/min")

KINDS = ("list", "get", "post", "patch")
SORT = os.environ.get("PROFILE_SORT", "tottime")


class StatementTimer:
    """Counts and times every statement: Django's cursor (execute wrapper) and the shared
    cache's own psycopg cursor (academics/tenancy/cache.py)."""

    def __init__(self):
        self.statements = self.cache_statements = 0
        self.seconds = self.cache_seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.statements += 1

    def wrap_cache(self, cache_class):
        original = cache_class._execute
        timer = self

        def timed(cache, sql, params=()):
            start = time.perf_counter()
            try:
                return original(cache, sql, params)
            finally:
                timer.cache_seconds += time.perf_counter() - start
                timer.cache_statements += 1

        cache_class._execute = timed

    def reset(self):
        self.__init__()


def requests_of(kind: str, enrollments: dict[str, str], pairs: list[tuple[str, str]]):
    """(method, path, body) for the n-th request of `kind`; `enrollments` maps uuids to their
    grades."""
    uuids = list(enrollments)
    if kind == "list":
        return lambda n: ("get", "/api/enrollments?per_page=15", None)
    if kind == "get":
        return lambda n: ("get", f"/api/enrollments/{uuids[n % len(uuids)]}", None)
    if kind == "post":
        return lambda n: (
            "post",
            "/api/enrollments",
            {"student_uuid": pairs[n][0], "course_uuid": pairs[n][1], "enrolled_at": "2024-03-01"},
        )

    def patch(n):
        # A grade other than the one the record holds, so that every PATCH writes.
        uuid = uuids[n % len(uuids)]
        grade = "7.25" if enrollments[uuid] != "7.25" else "8.50"
        enrollments[uuid] = grade
        return "patch", f"/api/enrollments/{uuid}", {"grade": grade}

    return patch


def database_cpu_seconds(connection) -> float | None:
    """CPU time the connection's PostgreSQL backend process has used, when it runs on this
    machine (its /proc entry readable); None otherwise."""
    connection.ensure_connection()
    stat = Path(f"/proc/{connection.connection.info.backend_pid}/stat")
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def run(client, timer, kind, make_request, count, profiler=None) -> dict:
    from django.db import connection

    walls, statements, db, cache, cache_statements = [], [], [], [], []
    cpu_start, database_start = time.thread_time(), database_cpu_seconds(connection)
    for n in range(count):
        method, path, body = make_request(n)
        timer.reset()
        data = json.dumps(body) if body is not None else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        response = getattr(client, method)(path, data=data, content_type="application/json")
        if profiler:
            profiler.disable()
        walls.append(time.perf_counter() - start)
        if response.status_code >= 300:
            raise SystemExit(f"{kind} {path}: {response.status_code} {response.content[:300]}")
        statements.append(timer.statements)
        db.append(timer.seconds)
        cache.append(timer.cache_seconds)
        cache_statements.append(timer.cache_statements)
    database_end = database_cpu_seconds(connection)
    database_cpu = None if database_start is None else (database_end - database_start) / count
    return {
        "cpu_ms": (time.thread_time() - cpu_start) / count * 1000,
        "database_cpu_ms": None if database_cpu is None else database_cpu * 1000,
        "ms": statistics.median(walls) * 1000,
        "statements": statistics.median(statements),
        "db_ms": statistics.median(db) * 1000,
        "cache_ms": statistics.median(cache) * 1000,
        "cache_statements": statistics.median(cache_statements),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind")
    parser.add_argument("--size", type=int, default=2000, help="enrollments in the tenant")
    parser.add_argument("--profile", choices=KINDS, help="print cProfile's top functions")
    args = parser.parse_args()

    from _django import setup_django

    setup_django()
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context
    from many_tenants import _issue_token
    from throughput import TENANT, _unenrolled_pairs, build_tenant

    from academics.models import Enrollment, Student
    from academics.tenancy.cache import PostgresCache
    from academics.tenancy.clients import api_client_create

    tenant = build_tenant(args.size)
    issued = api_client_create(tenant=tenant, name="write profile bench")
    token = _issue_token(issued.client)
    with tenant_context(tenant):
        enrollments = {
            str(uuid): str(grade)
            for uuid, grade in Enrollment.objects.values_list("uuid", "grade")[:500]
        }
        pairs = [
            (str(s), str(c))
            for s, c in _unenrolled_pairs(Student, Enrollment, limit=args.requests + 50)
        ]
    if len(pairs) < args.requests + 20:
        raise SystemExit("not enough unenrolled student/course pairs: use a bigger --size")

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_TENANT=TENANT)
    timer = StatementTimer()
    timer.wrap_cache(PostgresCache)
    results = {}
    with connection.execute_wrapper(timer):
        for kind in KINDS:
            make_request = requests_of(kind, enrollments, pairs)
            run(client, timer, kind, make_request, 20)  # warm: token, tenant, compiled SQL
            offset = 20 if kind == "post" else 0
            profiler = cProfile.Profile() if args.profile == kind else None
            results[kind] = run(
                client,
                timer,
                kind,
                lambda n, make=make_request, offset=offset: make(n + offset),
                args.requests,
                profiler,
            )
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(SORT).print_stats(40)
                profile_text = out.getvalue()
    with tenant_context(tenant):
        Enrollment.objects.filter(
            student__uuid__in=[s for s, _c in pairs], enrolled_at="2024-03-01"
        ).delete()
    issued.client.delete()

    print(f"\n{args.requests} requests of each kind, in process, one connection (medians)\n")
    print(
        "| request | ms | statements | ms in statements | cache statements | ms in cache "
        "| ms in Python | CPU ms, worker | CPU ms, database |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind, figures in results.items():
        python_ms = figures["ms"] - figures["db_ms"] - figures["cache_ms"]
        database_cpu = figures["database_cpu_ms"]
        print(
            f"| {kind.upper()} | {figures['ms']:.2f} | {figures['statements']:.0f} "
            f"| {figures['db_ms']:.2f} | {figures['cache_statements']:.0f} "
            f"| {figures['cache_ms']:.2f} | {python_ms:.2f} | {figures['cpu_ms']:.2f} "
            f"| {'n/a' if database_cpu is None else f'{database_cpu:.2f}'} |"
        )
    for kind in ("post", "patch"):
        ratio = results["get"]["ms"] / results[kind]["ms"]
        print(f"{kind.upper()} runs at {ratio:.0%} of GET one's rate in process (target ≥ 50 %)")
        if results[kind]["database_cpu_ms"] is not None:
            cost = {k: results[k]["cpu_ms"] + results[k]["database_cpu_ms"] for k in ("get", kind)}
            print(
                f"{kind.upper()} costs {cost[kind]:.2f} ms of CPU (worker and database), "
                f"GET one {cost['get']:.2f}: {cost['get'] / cost[kind]:.0%} of its rate where "
                "the CPU is the limit (the served run at concurrency 8 and 32)"
            )
    if args.profile:
        print(f"\ncProfile of {args.profile.upper()}, by own time:\n{profile_text}")


if __name__ == "__main__":
    main()
