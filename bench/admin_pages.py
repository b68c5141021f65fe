"""Registrar admin pages at a big university's size: server time of each page, beside 300 ms.

Usage: .venv/bin/python bench/admin_pages.py [--students N] [--enrollments N] [--repeat R] [--keep]

Seeds a tenant of its own (dropped at the end unless --keep) with N students (default 50,000)
and N enrollments (default 500,000) in 200 courses through the bulk importer, then requests each
page R times (default 5) through Django's test client as a logged-in registrar — middleware,
session, permissions, queries, templates: the server's whole work — and prints each page's
median. A page over the floor is marked.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

FLOOR_MS = 300
COURSES = 200


def seed(students: int, enrollments: int, folder: Path) -> None:
    """Students, then enrollments spread over COURSES courses (a cohort each), by the importer."""
    from datetime import date

    from academics.choices import CourseStatus
    from academics.models import Cohort, Course, Institution
    from academics.services import record_save
    from academics.transfer.services import records_import_file

    institution = record_save(record=Institution(name="Big University", country="BR"))
    for number in range(COURSES):
        course = record_save(
            record=Course(
                institution=institution,
                code=f"C{number:03d}",
                name=f"Course {number}",
                workload_hours=40 + number,
                status=CourseStatus.ACTIVE,
            )
        )
        record_save(
            record=Cohort(
                course=course,
                code=f"C{number:03d}-2025",
                start_date=date(2025, 2, 1),
                end_date=date(2027, 2, 1),  # in progress: the dashboard's readiness table
            )
        )
    people = folder / "students.csv"
    with people.open("w") as out:
        out.write("email,name,date_of_birth\n")
        for n in range(students):
            out.write(f"s{n}@big.example,Student {n:06d},2001-{n % 12 + 1:02d}-{n % 28 + 1:02d}\n")
    assert records_import_file(resource="students", path=people).ok
    rows = folder / "enrollments.csv"
    per_student = -(-enrollments // students)
    with rows.open("w") as out:
        out.write("student_email,course_code,cohort_code,completion_status,grade,enrolled_at\n")
        written = 0
        for n in range(students):
            for k in range(per_student):
                if written == enrollments:
                    break
                course = (n + k * 7) % COURSES
                out.write(
                    f"s{n}@big.example,C{course:03d},C{course:03d}-2025,enrolled,,2025-02-03\n"
                )
                written += 1
    assert records_import_file(resource="enrollments", path=rows).ok


def pages(tenant) -> dict[str, str]:
    """The pages a registrar uses in a term, by name."""
    from django_tenants.utils import tenant_context

    from academics.models import Cohort, Course, Enrollment, Student

    with tenant_context(tenant):
        course = Course.objects.order_by("pk").first()
        cohort = Cohort.objects.order_by("pk").first()
        student = Student.objects.order_by("pk").first()
        enrollment = Enrollment.objects.order_by("pk").first()
    base = "/admin/academics"
    return {
        "index": "/admin/",
        "students list": f"{base}/student/",
        "students search": f"{base}/student/?q=Student+0420",
        "enrollments list": f"{base}/enrollment/",
        "enrollments filtered": f"{base}/enrollment/?completion_status__exact=enrolled",
        "enrollments search": f"{base}/enrollment/?q=s4242%40big.example",
        "courses list": f"{base}/course/",
        "cohorts list": f"{base}/cohort/",
        "course page": f"{base}/course/{course.pk}/change/",
        "cohort page": f"{base}/cohort/{cohort.pk}/change/",
        "student page": f"{base}/student/{student.pk}/change/",
        "enrollment page": f"{base}/enrollment/{enrollment.pk}/change/",
        "enrollment history": f"{base}/enrollment/{enrollment.pk}/history/",
        "cohort grade sheet": f"{base}/cohort/{cohort.pk}/grades/",
        "course grade sheet": f"{base}/course/{course.pk}/grades/?page=5",  # a later page
        "student record": f"{base}/student/{student.pk}/record/",
    }


def measure(client, path: str, repeat: int) -> tuple[float, int]:
    """Median ms, and the status of the last request."""
    times, status = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    return statistics.median(times), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--enrollments", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the tenant for inspection")
    args = parser.parse_args()

    from _django import setup_django

    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django_tenants.utils import tenant_context

    from academics.roles import REGISTRAR, staff_user_save
    from academics.tenancy.models import Tenant
    from academics.tenancy.services import default_domain, ensure_template_schema, tenant_provision

    ensure_template_schema()
    identifier = f"bench-admin-{uuid.uuid4().hex[:8]}"
    tenant = tenant_provision(identifier=identifier, name=identifier).tenant
    rows = []
    try:
        with tenant_context(tenant), tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            seed(args.students, args.enrollments, Path(folder))
            seeded = time.perf_counter() - started
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            registrar = staff_user_save(username="registrar", role=REGISTRAR)
        connection.set_schema_to_public()
        client = Client(HTTP_HOST=default_domain(identifier))
        with tenant_context(tenant):
            client.force_login(registrar)
        connection.set_schema_to_public()
        with override_settings(DEBUG=False):
            for name, path in pages(tenant).items():
                rows.append((name, *measure(client, path, args.repeat)))
    finally:
        if not args.keep:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
            Tenant.objects.filter(pk=tenant.pk).delete()

    print(
        f"tenant {identifier}: {args.students} students, {args.enrollments} enrollments, "
        f"{COURSES} courses (seeded in {seeded:.0f} s); median of {args.repeat} requests"
    )
    print(f"{'page':<22} {'ms':>8} {'floor':>6} {'status':>7}")
    for name, ms, status in rows:
        mark = "" if ms <= FLOOR_MS else "  over"
        print(f"{name:<22} {ms:8.1f} {FLOOR_MS:6d} {status:7d}{mark}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
