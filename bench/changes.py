"""The changes feed: what it costs writes, how fast a page is served, how fast a mirror catches up.

Usage: .venv/bin/python bench/changes.py [--writes N] [--rows N] [--retained 10000,100000,1000000]
       [--keep]

In a tenant of its own (dropped at the end unless --keep), one run measures:

(a) write throughput with and without the feed, alternating, three rounds each: N students
    created one by one through `record_save` (the API's and admin's path), and a CSV import of
    --rows students (the bulk COPY path). "Without" disables the feed's triggers on the table.
(b) feed page latency: `GET /changes?limit=1000` (sequencing, the page query, rendering each
    record as GET shows it, the JSON envelope) at each retained size, at the start, middle and
    end of the feed; median of five.
(c) mirror catch-up: the reference consumer's loop (docs/sync.md) pulling the feed in pages of
    1000 and applying them to SQLite, in changes per second.
"""

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The API rate limit counts in the shared cache, across runs: out of the measurement's way.
os.environ.setdefault("API_RATE_LIMIT", "100000000/min")

ROUNDS = 3
PAGE = 1000


def triggers(enabled: bool) -> None:
    from django.db import connection

    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE academics_student {verb} TRIGGER USER")


def one_by_one(count: int) -> float:
    """Students created one at a time through the services; rows per second."""
    from academics.models import Student
    from academics.services import record_save

    tag = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    for n in range(count):
        record_save(
            record=Student(
                name=f"One {n}",
                email=f"one-{tag}-{n}@bench.example",
                date_of_birth=date(2000, 1, 1),
            )
        )
    return count / (time.perf_counter() - started)


def imported(rows: int, folder: Path) -> float:
    """A CSV import of `rows` students; rows per second."""
    from academics.transfer.services import records_import_file

    tag = uuid.uuid4().hex[:8]
    path = folder / f"students-{tag}.csv"
    lines = (f"bulk-{tag}-{n}@bench.example,Bulk {n},2000-01-01" for n in range(rows))
    path.write_text("email,name,date_of_birth\n" + "\n".join(lines) + "\n")
    started = time.perf_counter()
    report = records_import_file(resource="students", path=path)
    assert report.ok, report.errors[:3]
    return rows / (time.perf_counter() - started)


def write_costs(writes: int, rows: int, folder: Path) -> dict[str, tuple[float, float]]:
    """(median rows/s with the feed, without it) per write path, alternating rounds."""
    from academics.changes import changes_sequence

    figures = {"one by one": ([], []), "import": ([], [])}
    for _ in range(ROUNDS):
        for enabled in (True, False):
            triggers(enabled)
            column = 0 if enabled else 1
            figures["one by one"][column].append(one_by_one(writes))
            figures["import"][column].append(imported(rows, folder))
            changes_sequence()
    triggers(True)
    return {
        path: (statistics.median(with_feed), statistics.median(without))
        for path, (with_feed, without) in figures.items()
    }


def fill_feed(retained: int) -> None:
    """Make the feed hold `retained` changes (copies of a real student's row)."""
    from django.db import connection

    from academics.changes import changes_head
    from academics.models import Change, Student

    head = changes_head()
    missing = retained - Change.objects.count()
    if missing <= 0:
        return
    sample = Student.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO academics_change
                (position, resource, record_uuid, action, occurred_at, data)
            SELECT %s + n, 'students', s.uuid, 'updated', now(), to_jsonb(s)
            FROM generate_series(1, %s) AS n, academics_student s WHERE s.id = %s
            """,
            [head, missing, sample.pk],
        )
        cursor.execute(
            "UPDATE academics_changefeedstate SET last_position = last_position + %s", [missing]
        )
        cursor.execute("ANALYZE academics_change")


def page_latency(http, oldest: int, head: int) -> dict[str, float]:
    """Median milliseconds of a 1000-change page at the feed's start, middle and end."""
    places = {"start": oldest, "middle": (oldest + head) // 2, "end": max(oldest, head - PAGE)}
    out = {}
    for place, after in places.items():
        times = []
        for _ in range(5):
            started = time.perf_counter()
            response = http.get("/api/changes", {"after": after, "limit": PAGE})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:200]
            assert len(response.json()["data"]) == min(PAGE, head - after)
        out[place] = statistics.median(times)
    return out


def catch_up(http, folder: Path, changes: int) -> float:
    """The reference consumer's apply loop over the last `changes` changes; changes/s."""
    from academics.changes import changes_head

    db = sqlite3.connect(folder / "mirror.sqlite")
    db.execute(
        "CREATE TABLE IF NOT EXISTS record (uuid TEXT PRIMARY KEY, resource TEXT, data TEXT)"
    )
    cursor = str(max(0, changes_head() - changes))
    applied = 0
    started = time.perf_counter()
    while True:
        page = http.get("/api/changes", {"after": cursor, "limit": PAGE}).json()
        for change in page["data"]:
            if change["data"] is None:
                db.execute("DELETE FROM record WHERE uuid = ?", (change["uuid"],))
            else:
                db.execute(
                    "REPLACE INTO record VALUES (?, ?, ?)",
                    (change["uuid"], change["resource"], str(change["data"])),
                )
        applied += len(page["data"])
        cursor = page["meta"]["next_cursor"]
        db.commit()
        if not page["meta"]["has_more"]:
            break
    return applied / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=500, help="students created one by one")
    parser.add_argument("--rows", type=int, default=20_000, help="students imported per round")
    parser.add_argument("--retained", default="10000,100000,1000000", help="feed sizes")
    parser.add_argument("--keep", action="store_true", help="keep the tenant for inspection")
    args = parser.parse_args()
    sizes = [int(size) for size in args.retained.split(",")]

    from _django import setup_django

    setup_django()
    from django.db import connection
    from django_tenants.utils import tenant_context
    from rest_framework.test import APIClient

    from academics.changes import changes_head
    from academics.models import ChangeFeedState
    from academics.tenancy.clients import api_client_create
    from academics.tenancy.models import ApiClient, Tenant
    from academics.tenancy.services import ensure_template_schema, tenant_provision

    ensure_template_schema()
    identifier = f"bench-changes-{uuid.uuid4().hex[:8]}"
    tenant = tenant_provision(identifier=identifier, name=identifier).tenant
    issued = api_client_create(tenant=tenant, name="Bench mirror")
    http = APIClient()
    token = http.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": issued.client_id,
            "client_secret": issued.client_secret,
        },
    ).json()["access_token"]
    http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_TENANT=identifier)
    latencies, catch_up_rate = {}, None
    try:
        with tempfile.TemporaryDirectory() as folder, tenant_context(tenant):
            costs = write_costs(args.writes, args.rows, Path(folder))
            connection.set_schema_to_public()
            for size in sizes:
                with tenant_context(tenant):
                    fill_feed(size)
                    head = changes_head()
                    oldest = ChangeFeedState.objects.get().pruned_through
                connection.set_schema_to_public()
                latencies[size] = page_latency(http, oldest, head)
            catch_up_rate = catch_up(http, Path(folder), min(sizes[-1], 100_000))
    finally:
        if not args.keep:
            connection.set_schema_to_public()
            ApiClient.objects.filter(tenant=tenant).delete()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
            Tenant.objects.filter(pk=tenant.pk).delete()

    print(f"tenant {identifier}; {ROUNDS} alternating rounds, medians")
    print(f"{'write path':<14} {'with feed/s':>12} {'without/s':>10} {'cost':>7}")
    for path, (with_feed, without) in costs.items():
        print(f"{path:<14} {with_feed:12.0f} {without:10.0f} {1 - with_feed / without:7.1%}")
    print(f"{'retained':>10} {'start ms':>9} {'middle ms':>10} {'end ms':>7}  (page of {PAGE})")
    for size, places in latencies.items():
        print(f"{size:10d} {places['start']:9.1f} {places['middle']:10.1f} {places['end']:7.1f}")
    print(f"mirror catch-up: {catch_up_rate:.0f} changes/s (pages of {PAGE}, SQLite)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
