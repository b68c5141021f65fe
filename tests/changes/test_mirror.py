"""The reference consumer of docs/sync.md, run as written against a live server while other
connections create, change, delete and restore records in transactions that sleep midway: at
the end its SQLite copy equals the tenant's live records."""

import json
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from academics.api.serializers import SERIALIZERS
from academics.models import Student
from academics.records import REGISTRY
from academics.services import (
    DeletionProtected,
    RecordGone,
    record_restore,
    record_save,
    record_soft_delete,
)
from academics.tenancy.clients import api_client_create
from academics.tenancy.models import ApiClient
from tests.committed import finish, in_thread
from tests.factories import CohortFactory, CourseFactory, EnrollmentFactory, StudentFactory
from tests.live import live_server

pytestmark = pytest.mark.django_db
SYNC_DOC = Path(__file__).resolve().parents[2] / "docs" / "sync.md"
WRITING_SECONDS = 4


def consumer_script(tmp_path) -> Path:
    """The script exactly as docs/sync.md shows it."""
    [code] = re.findall(r"```python\n(.*?)```", SYNC_DOC.read_text(), flags=re.DOTALL)
    script = tmp_path / "mirror.py"
    script.write_text(code)
    return script


@pytest.fixture
def live_server_url(feed_tenant):
    with live_server() as port:
        yield f"http://127.0.0.1:{port}/api"


@pytest.fixture
def credentials(run, feed_tenant):
    tenant, _ = feed_tenant

    def make():
        connection.set_schema_to_public()
        issued = api_client_create(tenant=tenant, name="Reference mirror")
        return issued.client.pk, issued.client_id, issued.client_secret

    pk, client_id, secret = run(make)
    yield client_id, secret

    def remove():
        connection.set_schema_to_public()
        client = ApiClient.objects.get(pk=pk)
        application = client.application
        client.delete()
        application.delete()

    run(remove)


def writer(seed: int, stop: threading.Event):
    """Random creates, updates, deletes and restores, each in a transaction that sleeps."""
    rng = random.Random(seed)
    course = CourseFactory(status="active")
    cohort = CohortFactory(course=course)
    while not stop.is_set():
        action = rng.choice(["create", "create", "update", "delete", "restore", "enroll"])
        try:
            with transaction.atomic():
                write_once(action, rng, course, cohort)
                time.sleep(rng.uniform(0, 0.03))  # inside the transaction: commits interleave
        # The rules refusing a write that another writer made impossible meanwhile (an email
        # taken, a record deleted, one enrolled since): refused, nothing written, as designed.
        except (ValidationError, DeletionProtected, RecordGone):
            pass


def write_once(action, rng, course, cohort):
    live = list(Student.objects.order_by("?")[:1])
    if action == "create" or not live:
        StudentFactory()
    elif action == "update":
        # Another writer may have deleted it since: then there is nothing to rename.
        student = Student.objects.select_for_update().filter(pk=live[0].pk).first()
        if student is not None:
            student.name = f"Renamed {rng.randrange(10**6)}"
            record_save(record=student)
    elif action == "delete":
        record_soft_delete(record=live[0])
    elif action == "restore":
        deleted = Student.all_objects.deleted().order_by("?").first()
        if deleted is not None:
            record_restore(record=deleted)
    elif not live[0].enrollments.filter(course=course).exists():
        EnrollmentFactory(student=live[0], course=course, cohort=cohort)


def own_data(record: dict) -> dict:
    """A record's own fields and the uuids of the records it belongs to. The related records'
    names in its summaries are theirs, mirrored with them (docs/sync.md)."""
    return {
        name: value["uuid"] if isinstance(value, dict) else value for name, value in record.items()
    }


def live_records() -> dict[str, dict]:
    records = {}
    for record in REGISTRY:
        plan = SERIALIZERS[record.name].plan()
        queryset = record.model.objects.select_related(*(r.name for r in record.relations))
        for row in plan.rows(queryset):
            records[row["uuid"]] = own_data(row)
    return records


def test_the_reference_consumer_mirrors_the_tenant_exactly(
    run, feed_tenant, live_server_url, credentials, tmp_path
):
    tenant, _ = feed_tenant
    client_id, secret = credentials
    script = consumer_script(tmp_path)
    mirror = tmp_path / "mirror.sqlite"
    command = [sys.executable, str(script), live_server_url, tenant.identifier, client_id, secret]

    # given records before the consumer starts
    run(lambda: [EnrollmentFactory() for _ in range(3)])
    stop = threading.Event()
    writers = [in_thread(tenant, lambda seed=seed: writer(seed, stop)) for seed in range(3)]

    # when the consumer copies and follows the tenant while the writers write
    deadline = time.monotonic() + WRITING_SECONDS
    rounds = 0
    try:
        while time.monotonic() < deadline:
            subprocess.run([*command, str(mirror), "--once"], check=True, timeout=60)
            rounds += 1
            time.sleep(0.5)  # as a scheduled consumer would; each run asks for a token
    finally:
        stop.set()
        for thread, outcome in writers:
            finish(thread, outcome)
    subprocess.run([*command, str(mirror), "--once"], check=True, timeout=60)

    # then its copy is the tenant's live records, exactly
    with sqlite3.connect(mirror) as db:
        rows = db.execute("SELECT uuid, data FROM record")
        copied = {uuid: own_data(json.loads(data)) for uuid, data in rows}
    expected = run(live_records)
    assert rounds >= 2
    assert len(expected) > 20
    assert copied.keys() == expected.keys()
    assert copied == expected
