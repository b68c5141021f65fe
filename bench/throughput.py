"""Served throughput of the API against the floor, at several concurrency levels.

Usage: .venv/bin/python bench/throughput.py [--size 10000] [--duration 10] [--concurrency 1,8,32]
       [--rounds 1]

Starts the project under gunicorn exactly as `make serve` does (config/gunicorn.conf.py, DEBUG
off), with a tenant holding --size enrollments, and drives it with wrk from a separate process
over loopback for `GET /api/enrollments?per_page=15`, `GET /api/enrollments/{uuid}`,
`POST /api/enrollments`, `PATCH /api/enrollments/{uuid}` without and with `If-Match`, and a
mixed workload (11 single reads, 3 creates, 3 patches and 3 patches with `If-Match` in every 20
requests), where the row locks of concurrent writes would show. Beside it, bench/floor_app.py
(no Django, one SQL query, json.dumps) is served under the same gunicorn settings, and its list
is driven the same way back to back with the app's at each level, on the same database state.
Each server is first warmed up by 2 s of its list at the highest concurrency. With `--rounds N`
every level's runs are repeated N times, interleaved (the app's list and the floor's taking
turns to go first), and the medians shown. Prints requests/s, p50/p99 latency, the server's CPU
time per request (`cpu ms`: its gunicorn processes, from /proc), the database server's (`db ms`:
the postmaster and its processes, when it runs on this machine, as the embedded one does) and
errors for each, and the app/floor ratio on the list.
Needs wrk (Debian package `wrk`).
"""

import argparse
import contextlib
import itertools
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TENANT = "bench-throughput"
COURSES = 10
COURSES_PER_STUDENT = 4
# Students with no enrollment, so that the runs' POSTs never run out of new student/course
# pairs (50,000 are drawn; reusing one is a 422).
SPARE_STUDENTS = 5000
WARM_UP_SECONDS = 2


def build_tenant(size: int):
    """The bench tenant with exactly `size` enrollments (bulk inserted: the data is generated
    valid; the rules are not what is measured here)."""
    from django_tenants.utils import tenant_context

    from academics.choices import CourseStatus
    from academics.models import Cohort, Course, Enrollment, Institution, Student
    from academics.tenancy.services import tenant_provision

    tenant = tenant_provision(identifier=TENANT, name="Throughput bench").tenant
    with tenant_context(tenant):
        completed = not Enrollment.all_objects.exclude(completion_status="completed").exists()
        if (
            Enrollment.all_objects.count() == size
            and Student.all_objects.count() == -(-size // COURSES_PER_STUDENT) + SPARE_STUDENTS
            and Course.objects.count() == COURSES
            and completed
        ):
            return tenant
        for model in (Enrollment, Cohort, Student, Course, Institution):
            model.all_objects.all().delete()
        institution = Institution.objects.create(name="Bench University", country="BR")
        courses = Course.objects.bulk_create(
            Course(
                institution=institution,
                code=f"B-{n}",
                name=f"Bench course {n}",
                status=CourseStatus.ACTIVE,
            )
            for n in range(COURSES)
        )
        cohorts = Cohort.objects.bulk_create(
            Cohort(course=course, code=f"{course.code}-2024") for course in courses
        )
        student_count = -(-size // COURSES_PER_STUDENT) + SPARE_STUDENTS
        students = Student.objects.bulk_create(
            (
                Student(
                    name=f"Student {n}",
                    email=f"s{n}@bench.example.edu",
                    date_of_birth=date(2000, 1, 1),
                )
                for n in range(student_count)
            ),
            batch_size=2000,
        )
        enrollments = (
            Enrollment(
                student=student,
                course=courses[(n + k) % COURSES],
                cohort=cohorts[(n + k) % COURSES],
                enrolled_at=date(2024, 2, 1),
                # Completed, so that a PATCH of the grade obeys the lifecycle rules.
                completion_status="completed",
                completed_at=date(2024, 12, 1),
            )
            for n, student in enumerate(students[: student_count - SPARE_STUDENTS])
            for k in range(COURSES_PER_STUDENT)
        )
        Enrollment.objects.bulk_create(list(enrollments)[:size], batch_size=2000)
    return tenant


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(target: str, port: int, extra_env: dict, workers: int | None):
    from django.conf import settings

    env = {
        **os.environ,
        "DEBUG": "false",
        # The key this process stored the bench client's secret with (a keyed hash).
        "SECRET_KEY": settings.SECRET_KEY,
        "API_RATE_LIMIT": "100000000/min",
        "BIND": f"127.0.0.1:{port}",
        **extra_env,
    }
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    # gunicorn's log in a file, not a pipe nobody reads (a full pipe would stall the server);
    # `stop` shows its errors.
    with tempfile.NamedTemporaryFile("w", prefix="gunicorn-", suffix=".log", delete=False) as log:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                target,
                "--config",
                str(ROOT / "config" / "gunicorn.conf.py"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    process.log_path = log.name
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).read()
            return process
        except OSError as error:
            if process.poll() is not None:
                raise RuntimeError(Path(log.name).read_text()[-2000:]) from error
            time.sleep(0.3)
    stop(process)
    raise RuntimeError(f"{target} did not answer on port {port}")


def stop(process) -> None:
    """Stop a server of `start_server`, and print the errors its log holds (a worker timed out
    or crashed, an unhandled exception): the runs' figures do not show why."""
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
    log = Path(process.log_path)
    errors = [line for line in log.read_text().splitlines() if SERVER_ERROR.search(line)]
    log.unlink()
    for line in errors[-20:]:
        print(f"server log: {line}", file=sys.stderr)


def lua_headers(token: str) -> str:
    return (
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
        f'wrk.headers["X-Tenant"] = "{TENANT}"\n'
        'wrk.headers["Accept"] = "application/json"\n'
    )


def lua_cycle(method: str, items: list[str], threads: int, body: bool) -> str:
    """A wrk script sending `items` in turn (paths, or JSON bodies), each thread its own share,
    so that no POST repeats another's enrollment."""
    table = ",".join(json.dumps(item) for item in items)
    send = (
        'wrk.format("POST", "/api/enrollments", nil, items[i])'
        if body
        else 'wrk.format("GET", items[i])'
    )
    return f"""
local items = {{{table}}}
local thread_id = 0
function setup(thread) thread:set("id", thread_id); thread_id = thread_id + 1 end
local n = 0
function request()
  local i = ((n * {threads} + id) % #items) + 1
  n = n + 1
  return {send}
end
"""


# The mixed workload: one letter per request in turn; g = GET one, p = POST, u = PATCH,
# m = PATCH with If-Match.
MIXED = "ggpgmgugpgmggupgmgug"
PATCH_ONLY = "u"
GUARDED_ONLY = "m"


def lua_mixed(
    pattern: str, gets: list[str], posts: list[str], patches: list[str], guarded, threads: int
) -> str:
    """A wrk script sending the requests of `pattern` in turn. Each thread patches its own share
    of the records, so it knows their revisions: an `If-Match` carries the one its previous
    patch left (`guarded` holds (uuid, revision) as the run starts). Every patch writes a grade
    other than the record's current one, so that every patch is a write."""

    def table(items):
        return ",".join(json.dumps(item) for item in items) or '""'

    return f"""
local gets = {{{table(gets)}}}
local posts = {{{table(posts)}}}
local patches = {{{table(patches)}}}
local guarded = {{{table([u for u, _ in guarded])}}}
local revisions = {{{",".join(str(r) for _, r in guarded) or "1"}}}
local visits = {{}}
local pattern = "{pattern}"
local thread_id = 0
local threads = {{}}
function setup(thread)
  thread:set("id", thread_id); thread_id = thread_id + 1; table.insert(threads, thread)
end
statuses = {{}}
function response(status)
  if status >= 300 then statuses[status] = (statuses[status] or 0) + 1 end
end
function done()
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      print("status " .. status .. ": " .. count)
    end
  end
end
local n = 0
local counters = {{g = 0, p = 0, u = 0, m = 0}}
local function grade(turn) return string.format('{{"grade": %.2f}}', (turn % 900) / 100 + 0.5) end
local checked = false
function request()
  -- Before the run, wrk calls request() once on thread 0 to check what it returns, and never
  -- sends that request: it must not advance a record's revision, or that thread's first
  -- If-Match would be one ahead (a 412).
  if id == 0 and not checked then
    checked = true
    return wrk.format("GET", "/api/enrollments/" .. gets[1])
  end
  local kind = string.sub(pattern, (n % #pattern) + 1, (n % #pattern) + 1)
  n = n + 1
  local k = counters[kind]
  counters[kind] = k + 1
  if kind == "g" then
    return wrk.format("GET", "/api/enrollments/" .. gets[((k * {threads} + id) % #gets) + 1])
  elseif kind == "p" then
    return wrk.format("POST", "/api/enrollments", nil, posts[((k * {threads} + id) % #posts) + 1])
  elseif kind == "u" then
    local i = ((k * {threads} + id) % #patches) + 1
    visits[i] = (visits[i] or 0) + 1
    return wrk.format("PATCH", "/api/enrollments/" .. patches[i], nil, grade(visits[i]))
  end
  local i = ((k * {threads} + id) % #guarded) + 1
  local headers = {{}}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["If-Match"] = '"' .. revisions[i] .. '"'
  revisions[i] = revisions[i] + 1
  return wrk.format("PATCH", "/api/enrollments/" .. guarded[i], headers, grade(revisions[i]))
end
"""


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
# gunicorn's log lines worth showing after a run
SERVER_ERROR = re.compile(r"\[(ERROR|CRITICAL)\]|Traceback|WORKER TIMEOUT")


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of process `pid` so far, its live children's and that of the
    children it has already reaped: a gunicorn master with its workers (those `max_requests`
    replaced included), or a PostgreSQL postmaster with its backends and background workers."""

    def times(pid) -> list[int]:
        # Fields 14-17 of /proc/<pid>/stat: utime, stime, cutime, cstime (clock ticks).
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return [int(n) for n in fields[11:15]]

    ticks = sum(times(pid))
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        # A child that exited meanwhile is counted by its parent once reaped.
        with contextlib.suppress(FileNotFoundError):
            ticks += sum(times(child)[:2])
    return ticks / os.sysconf("SC_CLK_TCK")


def database_server_pid(connection) -> int | None:
    """The postmaster behind `connection` when it runs on this machine and /proc shows it (the
    embedded server does), else None: its CPU is then not measured."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    try:
        status = Path(f"/proc/{backend}/status").read_text()
    except OSError:
        return None
    return int(re.search(r"^PPid:\s+(\d+)$", status, re.M).group(1))


def run_wrk(
    url: str, script: str, concurrency: int, duration: int, server=None, database_pid=None
) -> dict:
    """wrk's figures; with `server` (the gunicorn process answering), also the server's CPU
    milliseconds per request, and with `database_pid` (its postmaster) the database's."""
    threads = min(concurrency, 2)
    meters = {"cpu_ms": server and server.pid, "db_ms": database_pid}
    before = {name: cpu_seconds(pid) for name, pid in meters.items() if pid}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{concurrency}",
                f"-d{duration}s",
                "--latency",
                "-s",
                handle.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)

    def latency(percent):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    # e.g. "connect 0, read 2, write 0, timeout 1": counted among the errors, and shown by kind
    # beside the statuses (a timeout is an answer slower than wrk's 2 s)
    by_kind = {
        kind: int(count)
        for kind, count in re.findall(
            r"(\w+) (\d+)", socket_errors.group(1) if socket_errors else ""
        )
        if int(count)
    }
    socket_error_count = sum(by_kind.values())
    by_status: dict[str, int] = dict(by_kind)
    for status, count in re.findall(r"^status (\d+): (\d+)$", output, re.M):
        by_status[status] = by_status.get(status, 0) + int(count)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    # nan: not measured, or no request answered
    per_request = {name: float("nan") for name in meters}
    if requests:
        for name, seconds in before.items():
            per_request[name] = (cpu_seconds(meters[name]) - seconds) * 1000 / requests
    return {
        "statuses": by_status,
        "requests": requests,
        **per_request,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + socket_error_count,
    }


def warm_up(url: str, script: str, concurrency: int) -> None:
    """Both servers alike, before their figures: every worker opens its database connection
    and fills its caches (token, tenant, compiled queries) here, not in the first run's tail.
    Cold starts are not what the runs compare."""
    run_wrk(url, script, concurrency, WARM_UP_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="enrollments in the tenant")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated levels")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument(
        "--rounds", type=int, default=1, help="interleaved rounds per level (medians shown)"
    )
    parser.add_argument(
        "--drop",
        action="store_true",
        help="drop the bench tenant at the end (default: keep it for the next run)",
    )
    args = parser.parse_args()
    levels = [int(level) for level in args.concurrency.split(",")]
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    from _django import setup_django

    setup_django()
    from django.db import connection
    from django_tenants.utils import tenant_context

    from academics.models import Enrollment, Student
    from academics.tenancy.clients import api_client_create

    tenant = build_tenant(args.size)
    issued = api_client_create(tenant=tenant, name="throughput bench")
    with tenant_context(tenant):
        # As autovacuum would have by now on a table this size: fresh statistics and a visibility
        # map (the list's count is an index-only scan). Without it the first runs read the heap
        # and the last (the floor's) would not: the list at concurrency 1 measured 2-4x apart.
        with connection.cursor() as cursor:
            for model in (Enrollment, Student):
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
        enrollment_uuids = [
            str(u) for u in Enrollment.objects.values_list("uuid", flat=True)[:1000]
        ]
        pairs = [
            (str(student), str(course))
            for student, course in _unenrolled_pairs(Student, Enrollment, limit=50_000)
        ]
    connection.ensure_connection()
    db_pid = database_server_pid(connection)
    info = connection.connection.info
    floor_env = {
        "FLOOR_DSN": f"host={info.host} port={info.port} dbname={info.dbname} user={info.user}"
        + (f" password={info.password}" if info.password else ""),
        "FLOOR_SCHEMA": tenant.schema_name,
    }
    connection.close()

    results: list[tuple[str, int, dict]] = []
    port = floor_port = free_port()
    while floor_port == port:
        floor_port = free_port()
    app = start_server("config.wsgi:application", port, {}, args.workers)
    # Up beside the app, idle but for its own runs: each level's floor list runs right after
    # the app's, on the database as the writes before them left it (new rows and row versions
    # that the lists' count must check until vacuum catches up).
    floor = start_server("bench.floor_app:application", floor_port, floor_env, args.workers)
    floor_url = f"http://127.0.0.1:{floor_port}/"
    try:
        token = _token(port, issued.client_id, issued.client_secret)
        headers = lua_headers(token)
        base = f"http://127.0.0.1:{port}"
        warm_up(f"{base}/api/enrollments?per_page=15", headers, max(levels))
        warm_up(floor_url, "", max(levels))
        bodies = [
            json.dumps({"student_uuid": s, "course_uuid": c, "enrolled_at": "2024-03-01"})
            for s, c in pairs
        ]
        app_list = (f"{base}/api/enrollments?per_page=15", headers)
        for level, round_ in itertools.product(levels, range(args.rounds)):
            threads = min(level, 2)
            # The two lists back to back, in turns first: the one that runs first meets the
            # row versions the writes before left, which autovacuum may clean up meanwhile.
            pair = [("GET list", app_list, app), ("floor list", (floor_url, ""), floor)]
            for name, (url, script), server in pair if round_ % 2 == 0 else reversed(pair):
                figures = run_wrk(url, script, level, args.duration, server, db_pid)
                results.append((name, level, figures))
            results.append(
                (
                    "GET one",
                    level,
                    run_wrk(
                        base,
                        headers
                        + lua_cycle(
                            "GET",
                            [f"/api/enrollments/{u}" for u in enrollment_uuids],
                            threads,
                            body=False,
                        ),
                        level,
                        args.duration,
                        app,
                        db_pid,
                    ),
                )
            )
            post_headers = headers + 'wrk.headers["Content-Type"] = "application/json"\n'
            results.append(
                (
                    "POST",
                    level,
                    run_wrk(
                        base,
                        post_headers + lua_cycle("POST", bodies, threads, body=True),
                        level,
                        args.duration,
                        app,
                        db_pid,
                    ),
                )
            )
            bodies = _unposted(tenant, bodies)
            patched, guarded = enrollment_uuids[:500], enrollment_uuids[500:]
            for name, pattern in (
                ("PATCH", PATCH_ONLY),
                ("PATCH If-Match", GUARDED_ONLY),
                ("mixed", MIXED),
            ):
                script = lua_mixed(
                    pattern,
                    gets=enrollment_uuids,
                    posts=bodies if pattern == MIXED else [],
                    patches=patched,
                    guarded=_revisions(tenant, guarded),
                    threads=threads,
                )
                figures = run_wrk(base, post_headers + script, level, args.duration, app, db_pid)
                results.append((name, level, figures))
                if pattern == MIXED:
                    bodies = _unposted(tenant, bodies)
    finally:
        stop(app)
        stop(floor)
        _forget_posted(tenant)
        issued.client.application.delete()  # the client goes with its application
        if args.drop:
            _drop_tenant(tenant)

    results = _medians(results)
    rounds = f", median of {args.rounds} interleaved rounds" if args.rounds > 1 else ""
    print(f"{args.size} enrollments, {args.duration}s per run{rounds}, wrk on loopback")
    print(
        f"{'endpoint':<15} {'conc':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'cpu ms':>7} {'db ms':>7} {'errors':>7}"
    )
    for name, level, figures in results:
        print(
            f"{name:<15} {level:>5} {figures['rps']:>9.1f} {figures['p50']:>8.2f} "
            f"{figures['p99']:>8.2f} {figures['cpu_ms']:>7.2f} {figures['db_ms']:>7.2f} "
            f"{figures['errors']:>7}"
            + "".join(f"  {code}: {n}" for code, n in sorted(figures.get("statuses", {}).items()))
        )
    by_name: dict[str, dict[int, dict]] = {}
    for name, level, figures in results:
        by_name.setdefault(name, {})[level] = figures
    app_list, floor_list = by_name["GET list"], by_name["floor list"]
    for level in levels:
        ratio = app_list[level]["rps"] / floor_list[level]["rps"]
        print(
            f"list app/floor at concurrency {level}: {ratio:.0%} (server CPU per request "
            f"{app_list[level]['cpu_ms']:.2f} / {floor_list[level]['cpu_ms']:.2f} ms, "
            f"database {app_list[level]['db_ms']:.2f} / {floor_list[level]['db_ms']:.2f} ms)"
        )
    for write in ("POST", "PATCH"):
        for level in levels:
            ratio = by_name[write][level]["rps"] / by_name["GET one"][level]["rps"]
            print(f"{write} / GET one at concurrency {level}: {ratio:.0%}")
    best = max(f["rps"] for f in app_list.values()) / max(f["rps"] for f in floor_list.values())
    errors = sum(f["errors"] for _, _, f in results)
    print(
        f"list app/floor at best concurrency: {best:.0%} (target >= 40%), "
        f"errors: {errors} (target 0)"
    )


FIGURES = ("rps", "p50", "p99", "cpu_ms", "db_ms")


def _medians(results: list[tuple[str, int, dict]]) -> list[tuple[str, int, dict]]:
    """One row per endpoint and level: the median of its rounds' req/s, p50 and p99, and the
    errors and statuses of them all. Rounds interleave every endpoint (the app's and the floor's
    list back to back), so a host that speeds up or slows down meanwhile weighs on all alike."""
    grouped: dict[tuple[str, int], list[dict]] = {}
    for name, level, figures in results:
        grouped.setdefault((name, level), []).append(figures)
    merged = []
    for (name, level), runs in grouped.items():
        statuses: dict[str, int] = {}
        for run in runs:
            for code, count in run.get("statuses", {}).items():
                statuses[code] = statuses.get(code, 0) + count
        figures = {key: statistics.median([run[key] for run in runs]) for key in FIGURES}
        figures.update(errors=sum(run["errors"] for run in runs), statuses=statuses)
        merged.append((name, level, figures))
    return merged


def _unposted(tenant, bodies: list[str]) -> list[str]:
    """The bodies whose enrollment no run has created yet, so that no POST repeats an earlier
    one's (a 422). Which ones a run sent cannot be told from outside wrk (its threads advance
    unevenly, and it calls request() once more to check it), so ask the database, once the
    requests still in flight when wrk stopped have been answered."""
    from django_tenants.utils import tenant_context

    from academics.models import Enrollment

    time.sleep(1)
    with tenant_context(tenant):
        taken = {
            (str(student), str(course))
            for student, course in Enrollment.objects.values_list("student__uuid", "course__uuid")
        }
    return [body for body in bodies if _pair(json.loads(body)) not in taken]


def _pair(body: dict) -> tuple[str, str]:
    return body["student_uuid"], body["course_uuid"]


def _unenrolled_pairs(student_model, enrollment_model, limit: int):
    from academics.models import Course

    courses = list(Course.objects.values_list("id", "uuid"))
    taken = set(enrollment_model.objects.values_list("student_id", "course_id"))
    for student_id, student_uuid in student_model.objects.values_list("id", "uuid").iterator():
        for course_id, course_uuid in courses:
            if (student_id, course_id) not in taken:
                yield student_uuid, course_uuid
                limit -= 1
                if limit == 0:
                    return


def _revisions(tenant, uuids: list[str]) -> list[tuple[str, int]]:
    """Each record's current revision (1 where records have none: the code before revisions,
    which ignores If-Match), once they have stopped moving: requests of the previous run that
    wrk left in flight or queued at the server still commit, and an ETag read before them would
    be stale (a 412)."""
    from django_tenants.utils import tenant_context

    from academics.models import Enrollment

    if not any(field.name == "revision" for field in Enrollment._meta.concrete_fields):
        return [(u, 1) for u in uuids]
    previous = None
    while True:
        with tenant_context(tenant):
            current = dict(
                Enrollment.objects.filter(uuid__in=uuids).values_list("uuid", "revision")
            )
        if current == previous:
            return [(u, current[uuid.UUID(u)]) for u in uuids]
        previous = current
        time.sleep(1)


def _token(port: int, client_id: str, secret: str) -> str:
    data = f"grant_type=client_credentials&client_id={client_id}&client_secret={secret}".encode()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/oauth/token", data=data) as response:
        return json.loads(response.read())["access_token"]


def _drop_tenant(tenant) -> None:
    from django.db import connection

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
    tenant.delete()


def _forget_posted(tenant) -> None:
    """Remove what the POST runs created, so the next run starts from the same state."""
    from django_tenants.utils import tenant_context

    from academics.models import Enrollment

    with tenant_context(tenant):
        Enrollment.all_objects.filter(cohort__isnull=True).delete()


if __name__ == "__main__":
    main()
