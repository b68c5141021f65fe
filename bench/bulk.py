"""Bulk import and export: rows per second and peak memory, beside PostgreSQL COPY.

Usage: .venv/bin/python bench/bulk.py [--rows N] [--keep]

Provisions an empty tenant (`bench-bulk-<random>`), imports N students and then N enrollments
of them from CSV files (every row validated by the model rules, history kept), and exports the
enrollments again, each step in a child process whose peak resident memory (ru_maxrss) is
measured. The floor is PostgreSQL COPY of the same rows into a second empty tenant (foreign keys
already resolved, no validation, no history) and COPY of the same export query, over the rows
the export read, to a file. Both tenants are dropped at the end unless --keep is given.
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

COURSES = 20
STUDENT_COLUMNS = ["email", "name", "date_of_birth", "gender", "social_name"]
ENROLLMENT_COLUMNS = [
    "student_email",
    "course_code",
    "cohort_code",
    "completion_status",
    "grade",
    "enrolled_at",
    "completed_at",
]
EXPORT_SQL = """
    SELECT s.email, c.code, c.uuid, h.code, e.uuid, e.completion_status, e.grade, e.enrolled_at,
        e.completed_at, s.name, c.name
    FROM academics_enrollment e
    JOIN academics_student s ON s.id = e.student_id
    JOIN academics_course c ON c.id = e.course_id
    LEFT JOIN academics_cohort h ON h.id = e.cohort_id
    WHERE e.deleted_at IS NULL ORDER BY e.id
"""


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- one measured step, run in a child process ------------------------------------------------


def run_step(step: str, identifier: str, path: Path) -> dict:
    """Import or export in this (child) process; return rows, seconds and memory."""
    import django

    django.setup()
    from django_tenants.utils import tenant_context

    from academics.tenancy.models import Tenant
    from academics.transfer.services import records_export, records_import_file

    tenant = Tenant.objects.get(identifier=identifier)
    with tenant_context(tenant):
        baseline = _rss_mb()
        started, cpu = time.perf_counter(), _cpu_seconds()
        if step == "export":
            with path.open("wb") as out:
                rows = records_export(resource="enrollments", out=out)
        else:
            report = records_import_file(resource=step, path=path)
            if not report.ok:
                raise SystemExit("\n".join(str(e) for e in report.errors[:20]))
            rows = report.rows
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return {
        "rows": rows,
        "seconds": seconds,
        "cpu": cpu,
        "baseline_mb": baseline,
        "peak_mb": _rss_mb(),
    }


def measured(step: str, identifier: str, path: Path) -> dict:
    command = [sys.executable, __file__, "--step", step, "--tenant", identifier, str(path)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{step} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the run ----------------------------------------------------------------------------------


def write_files(folder: Path, rows: int, courses: list[tuple[str, str]]) -> tuple[Path, Path]:
    students, enrollments = folder / "students.csv", folder / "enrollments.csv"
    born = date(1990, 1, 1)
    with students.open("w", newline="") as s, enrollments.open("w", newline="") as e:
        student_writer, enrollment_writer = csv.writer(s), csv.writer(e)
        student_writer.writerow(STUDENT_COLUMNS)
        enrollment_writer.writerow(ENROLLMENT_COLUMNS)
        for number in range(rows):
            email = f"student{number}@bench.example.edu"
            birth = born + timedelta(days=number % 5000)
            student_writer.writerow([email, f"Student {number}", birth, "", ""])
            course, cohort = courses[number % len(courses)]
            if number % 3 == 0:  # a third completed, with a grade
                outcome = ["completed", f"{5 + number % 500 / 100:.2f}", "2024-02-01", "2024-12-01"]
            else:
                outcome = ["enrolled", "", "2024-02-01", ""]
            enrollment_writer.writerow([email, course, cohort, *outcome])
    return students, enrollments


def seed_courses() -> list[tuple[str, str]]:
    from academics.choices import CourseStatus
    from academics.models import Cohort, Course, Institution
    from academics.services import record_save

    institution = record_save(record=Institution(name="Bench University", country="BR"))
    pairs = []
    for number in range(COURSES):
        course = record_save(
            record=Course(
                institution=institution,
                code=f"BENCH-{number}",
                name=f"Bench course {number}",
                status=CourseStatus.ACTIVE,
            )
        )
        cohort = record_save(
            record=Cohort(course=course, code=f"BENCH-{number}-2024", start_date=date(2024, 2, 1))
        )
        pairs.append((course.code, cohort.code))
    return pairs


def copy_floor(students: Path, enrollments: Path) -> dict:
    """COPY the same rows into the active (empty) tenant: rows per second of each file."""
    from django.db import connection, transaction
    from django.utils import timezone

    from academics.models import Cohort, Course

    now = timezone.now()
    with students.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        student_rows = [
            (uuid.uuid4(), now, now, name, email, born, None, None)
            for email, name, born, _, _ in reader
        ]
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        copy = "COPY academics_student (uuid, created_at, updated_at, name, email, "
        copy += "date_of_birth, gender, social_name) FROM STDIN"
        with cursor.cursor.copy(copy) as pipe:
            for row in student_rows:
                pipe.write_row(row)
        students_seconds = time.perf_counter() - started
    del student_rows

    with connection.cursor() as cursor:
        cursor.execute("SELECT lower(email), id FROM academics_student")
        student_ids = dict(cursor.fetchall())
    course_ids = dict(Course.objects.values_list("code", "id"))
    cohort_ids = dict(Cohort.objects.values_list("code", "id"))
    with enrollments.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        enrollment_rows = [
            (
                uuid.uuid4(),
                now,
                now,
                student_ids[email.lower()],
                course_ids[course],
                cohort_ids[cohort],
                status,
                grade or None,
                enrolled,
                completed or None,
            )
            for email, course, cohort, status, grade, enrolled, completed in reader
        ]
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        copy = "COPY academics_enrollment (uuid, created_at, updated_at, student_id, course_id, "
        copy += "cohort_id, completion_status, grade, enrolled_at, completed_at) FROM STDIN"
        with cursor.cursor.copy(copy) as pipe:
            for row in enrollment_rows:
                pipe.write_row(row)
        enrollments_seconds = time.perf_counter() - started
    rows = len(enrollment_rows)
    del enrollment_rows

    return {"students": rows / students_seconds, "enrollments": rows / enrollments_seconds}


def copy_export_floor(export_to: Path, rows: int) -> float:
    """COPY the export query of the active tenant (`rows` rows) to a file: rows per second."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor, export_to.open("wb") as out:
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY ({EXPORT_SQL}) TO STDOUT WITH (FORMAT csv)") as pipe:
            for block in pipe:
                out.write(block)
        export_seconds = time.perf_counter() - started
    return rows / export_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="students and enrollments")
    parser.add_argument("--keep", action="store_true", help="keep the tenants for inspection")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--tenant", help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, args.tenant, args.file)))
        return

    from _django import setup_django

    setup_django()
    from django.db import connection
    from django_tenants.utils import tenant_context

    from academics.tenancy.models import Tenant
    from academics.tenancy.services import ensure_template_schema, tenant_provision

    ensure_template_schema()
    run = uuid.uuid4().hex[:8]
    tenants = []
    try:
        for identifier in (f"bench-bulk-{run}", f"bench-bulk-{run}-copy"):
            tenants.append(tenant_provision(identifier=identifier, name=identifier).tenant)
        target, floor = tenants
        with tenant_context(target):
            courses = seed_courses()
        with tenant_context(floor):
            seed_courses()
        with tempfile.TemporaryDirectory() as folder:
            students, enrollments = write_files(Path(folder), args.rows, courses)
            results = {
                "students": measured("students", target.identifier, students),
                "enrollments": measured("enrollments", target.identifier, enrollments),
                "export": measured("export", target.identifier, Path(folder) / "out.csv"),
            }
            with tenant_context(floor):
                copy_rates = copy_floor(students, enrollments)
            # The export's floor reads the very rows the export read (the same uuids).
            with tenant_context(target):
                copy_rates["export"] = copy_export_floor(Path(folder) / "copy.csv", args.rows)
            exported = (Path(folder) / "out.csv").read_bytes().replace(b"\r\n", b"\n")
            same = exported.split(b"\n", 1)[1] == (Path(folder) / "copy.csv").read_bytes()
    finally:
        if not args.keep:
            for tenant in tenants:
                connection.set_schema_to_public()
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
                Tenant.objects.filter(pk=tenant.pk).delete()

    print(f"{args.rows} rows per step, tenant bench-bulk-{run}")
    print(
        "rows/s: wall clock; CPU rows/s: per second of the step's own CPU time (what the rate "
        "would be with a core to itself and an idle database)"
    )
    print(
        f"{'step':<22} {'rows/s':>9} {'CPU rows/s':>11} {'seconds':>8} {'peak MB':>8} {'+MB':>6}"
        f" {'COPY rows/s':>12}"
    )
    labels = {
        "students": "import students",
        "enrollments": "import enrollments",
        "export": "export enrollments",
    }
    for step, figures in results.items():
        rate = figures["rows"] / figures["seconds"]
        grown = figures["peak_mb"] - figures["baseline_mb"]
        print(
            f"{labels[step]:<22} {rate:9.0f} {figures['rows'] / figures['cpu']:11.0f} "
            f"{figures['seconds']:8.2f} {figures['peak_mb']:8.0f} {grown:6.0f} "
            f"{copy_rates[step]:12.0f}"
        )
    load = os.getloadavg()[0]
    print(f"load average during the run: {load:.1f} on {os.cpu_count()} CPUs")
    print(f"export file identical to COPY's output (after the header): {same}")


if __name__ == "__main__":
    main()
