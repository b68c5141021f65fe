"""List endpoint speed: `GET /api/enrollments?per_page=100` beside a raw-SQL floor.

Usage: .venv/bin/python bench/api_list.py [--size N] [--repeat R]

Uses the tenant `bench-api` (provisioned on first use) holding N enrollments (default 10,000;
rebuilt when the count differs) and measures, in one run, R requests of each:

(a) the API: the first page of 100 enrollments through Django's test client — middleware,
    bearer token, filters, pagination, serialization and the JSON envelope;
(b) the floor: the same page fetched with one hand-written SQL join through psycopg (total
    included) and turned into the same JSON with orjson.

It checks that both answers hold the same data, then prints both medians and their ratio.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The API rate limit counts in the shared cache, across runs: out of the measurement's way.
os.environ.setdefault("API_RATE_LIMIT", "100000000/min")

TENANT = "bench-api"
PAGE = 100
COURSES = 20
BORN = date(2000, 1, 1)
FLOOR_SQL = f"""
    SELECT e.uuid, e.completion_status, e.grade, e.enrolled_at, e.completed_at,
           s.uuid, s.name, c.uuid, c.name, h.uuid, h.code, e.created_at, e.updated_at,
           (SELECT count(*) FROM academics_enrollment WHERE deleted_at IS NULL), e.finalized_at
    FROM academics_enrollment e
    JOIN academics_student s ON s.id = e.student_id
    JOIN academics_course c ON c.id = e.course_id
    LEFT JOIN academics_cohort h ON h.id = e.cohort_id
    WHERE e.deleted_at IS NULL
    ORDER BY e.created_at, e.uuid
    LIMIT {PAGE}
"""


def fill(size: int) -> None:
    """Exactly `size` enrollments (one per student) in 20 courses of one institution."""
    from django.db import connection

    from academics.models import Enrollment

    if Enrollment.all_objects.count() != size:
        _rebuild(size)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would have by now


def _rebuild(size: int) -> None:
    from django.db import connection

    from academics.models import Cohort, Course, Enrollment, Institution, Student

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE academics_enrollment, academics_cohort, academics_student, "
            "academics_course, academics_organization, academics_institution CASCADE"
        )
    institution = Institution.objects.create(name="Bench University", country="BR")
    courses = Course.objects.bulk_create(
        Course(institution=institution, code=f"B-{n}", name=f"Course {n}", status="active")
        for n in range(COURSES)
    )
    cohorts = Cohort.objects.bulk_create(
        Cohort(course=course, code=f"{course.code}-EVE") for course in courses
    )
    students = Student.objects.bulk_create(
        (
            Student(name=f"Student {n}", email=f"s{n}@bench.example", date_of_birth=BORN)
            for n in range(size)
        ),
        batch_size=2000,
    )
    Enrollment.objects.bulk_create(
        (
            Enrollment(
                student=student,
                course=courses[n % COURSES],
                cohort=cohorts[n % COURSES],
                enrolled_at=date(2024, 2, 1),
                completion_status="completed" if n % 3 else "enrolled",
                grade="8.75" if n % 3 else None,
                completed_at=date(2024, 12, 20) if n % 3 else None,
            )
            for n, student in enumerate(students)
        ),
        batch_size=2000,
    )


def bearer_token(tenant) -> str:
    """A fresh token of a bench API client, stored as the token endpoint stores it."""
    from django.utils import timezone
    from oauth2_provider.generators import generate_client_secret
    from oauth2_provider.models import AccessToken, set_token_value

    from academics.tenancy.clients import api_client_create
    from academics.tenancy.models import ApiClient

    client = ApiClient.objects.filter(tenant=tenant, name="bench").first()
    if client is None:
        client = api_client_create(tenant=tenant, name="bench").client
    raw = generate_client_secret()
    token = AccessToken(
        application=client.application,
        expires=timezone.now() + timedelta(hours=1),
        scope=client.scopes,
    )
    set_token_value(token, raw)
    token.save()
    return raw


def floor_page(cursor) -> bytes:
    import orjson

    cursor.execute(FLOOR_SQL)
    rows = cursor.fetchall()

    def stamp(value):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def day(value):
        return None if value is None else f"{value.isoformat()}T00:00:00.000000Z"

    data = [
        {
            "uuid": str(r[0]),
            "completion_status": r[1],
            "grade": None if r[2] is None else float(r[2]),
            "enrolled_at": day(r[3]),
            "completed_at": day(r[4]),
            "finalized_at": None if r[14] is None else stamp(r[14]),
            "student": {"uuid": str(r[5]), "name": r[6]},
            "course": {"uuid": str(r[7]), "name": r[8]},
            "cohort": None if r[9] is None else {"uuid": str(r[9]), "code": r[10]},
            "created_at": stamp(r[11]),
            "updated_at": stamp(r[12]),
        }
        for r in rows
    ]
    total = rows[0][13] if rows else 0
    meta = {
        "current_page": 1,
        "per_page": PAGE,
        "total": total,
        "last_page": max(1, -(-total // PAGE)),
        "from": 1 if rows else None,
        "to": len(rows) if rows else None,
    }
    return orjson.dumps({"data": data, "meta": meta})


def medians_ms(runs, repeat: int) -> list[float]:
    """Median wall time of each run, measured alternately so that a busy machine slows both
    sides alike."""
    for _ in range(max(3, repeat // 10)):  # warm caches (token, tenant, plans, PostgreSQL)
        for run in runs:
            run()
    timings = [[] for _ in runs]
    for _ in range(repeat):
        for run, spent in zip(runs, timings, strict=True):
            started = time.perf_counter()
            run()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) * 1000 for spent in timings]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="enrollments in the tenant")
    parser.add_argument("--repeat", type=int, default=200, help="requests measured per side")
    args = parser.parse_args()

    from _django import setup_django

    setup_django()
    import orjson
    import psycopg
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from academics.tenancy.services import tenant_provision

    settings.DEBUG = False  # no query log: measure what production runs
    tenant = tenant_provision(identifier=TENANT, name="API list benchmark").tenant
    with tenant_context(tenant):
        fill(args.size)
    token = bearer_token(tenant)

    http = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_TENANT=TENANT)

    def api():
        response = http.get("/api/enrollments", {"per_page": PAGE})
        assert response.status_code == 200, response.content[:300]
        return response.content

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as raw:
        raw.execute(f'SET search_path = "{tenant.schema_name}", public')
        with raw.cursor() as cursor:

            def floor():
                return floor_page(cursor)

            same = orjson.loads(api()) == orjson.loads(floor())
            api_ms, floor_ms = medians_ms([api, floor], args.repeat)

    print(f"tenant {TENANT}: {args.size} enrollments, page of {PAGE}, {args.repeat} requests each")
    print(f"same JSON from both: {'yes' if same else 'NO'}")
    print(f"API  GET /api/enrollments?per_page={PAGE}: median {api_ms:.2f} ms")
    print(f"floor (one SQL join + orjson):            median {floor_ms:.2f} ms")
    print(f"ratio API / floor: {api_ms / floor_ms:.2f} (target <= 3)")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
