"""The changes feed (docs/design/changes.md): every committed change exactly once, a record's
changes in commit order, nothing of a transaction still running — with real parallel
connections, since the guarantee is about concurrent transactions."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from academics.api import messages as api_msg
from academics.changes import CursorExpired, changes_head, changes_page, changes_prune
from academics.choices import CompletionStatus
from academics.models import Student
from academics.services import (
    enrollment_finalize,
    enrollment_reopen,
    record_restore,
    record_save,
    record_soft_delete,
)
from academics.tenancy.models import Tenant
from tests.committed import finish, in_thread
from tests.conftest import TENANT_B
from tests.factories import EnrollmentFactory, InstitutionFactory, StudentFactory

# The test database is made only for sessions holding a django_db test; these are, and write
# nothing through the main connection (see conftest.py).
pytestmark = pytest.mark.django_db


def feed(after=0, **kwargs):
    page = changes_page(after=after, limit=1000, **kwargs)
    return [(c.action, str(c.record_uuid)) for c in page.changes], page.next_cursor


def cursor_now() -> int:
    return changes_head()


def rename(student, name):
    student.name = name
    return record_save(record=student)


def test_creates_updates_deletes_and_restores_appear_once_in_order(run):
    # given the feed as it is
    start = run(cursor_now)

    # when a record lives its life
    def life():
        student = StudentFactory()
        rename(student, "Renamed")
        record_soft_delete(record=student)
        record_restore(record=Student.all_objects.get(pk=student.pk))
        return str(student.uuid)

    me = run(life)

    # then
    changes, after = run(lambda: feed(start))
    assert changes == [("created", me), ("updated", me), ("deleted", me), ("restored", me)]
    assert run(lambda: feed(after))[0] == []  # and only once


def test_data_is_the_record_as_get_shows_it_after_each_change(run, feed_http):
    start = run(cursor_now)

    def life():
        student = StudentFactory(name="Before")
        rename(student, "After")
        record_soft_delete(record=student)
        return student

    student = run(life)
    response = run(lambda: feed_http.get("/api/changes", {"after": start}))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert [item["data"] and item["data"]["name"] for item in body["data"]] == [
        "Before",
        "After",
        None,
    ]
    created = body["data"][0]
    assert set(created) == {"cursor", "resource", "uuid", "action", "occurred_at", "data"}
    assert created["resource"] == "students"
    assert created["occurred_at"].endswith("Z")
    assert created["data"]["email"] == student.email
    assert created["data"]["date_of_birth"] == student.date_of_birth.isoformat()
    assert body["meta"] == {"next_cursor": body["data"][-1]["cursor"], "has_more": False}


def test_related_records_show_as_in_get(run, feed_http):
    start = run(cursor_now)
    enrollment = run(EnrollmentFactory)
    course = run(lambda: (str(enrollment.course.uuid), enrollment.course.name))

    response = run(
        lambda: feed_http.get("/api/changes", {"after": start, "resources": "enrollments"})
    )

    [change] = response.json()["data"]
    assert change["data"]["course"] == {"uuid": course[0], "name": course[1]}
    assert change["data"]["enrolled_at"].endswith("T00:00:00.000000Z")


def test_pages_follow_each_other(run, feed_http):
    start = run(cursor_now)
    run(lambda: [StudentFactory() for _ in range(5)])

    first = run(lambda: feed_http.get("/api/changes", {"after": start, "limit": 3})).json()
    after = first["meta"]["next_cursor"]
    second = run(lambda: feed_http.get("/api/changes", {"after": after, "limit": 3})).json()

    assert first["meta"]["has_more"] is True
    assert len(first["data"]) == 3 and len(second["data"]) == 2
    assert second["meta"]["has_more"] is False


def test_a_transaction_that_started_first_and_commits_last_is_neither_lost_nor_early(
    run, feed_tenant
):
    tenant, _ = feed_tenant
    start = run(cursor_now)
    wrote = threading.Event()
    may_commit = threading.Event()

    def long_transaction():
        with transaction.atomic():
            student = StudentFactory(name="Slow")
            wrote.set()
            assert may_commit.wait(20)
        return str(student.uuid)

    # given a long transaction that has written but not committed
    slow_thread = in_thread(tenant, long_transaction)
    assert wrote.wait(20)
    # and a quick one that starts later and commits first
    quick = str(run(lambda: StudentFactory(name="Quick")).uuid)

    # then the feed shows nothing of the running transaction, nor what came after it
    early, cursor = run(lambda: feed(start))
    assert early == []

    # when the long one commits
    may_commit.set()
    slow = finish(*slow_thread)

    # then both appear, once each, the one that wrote first first
    late, _ = run(lambda: feed(cursor))
    assert late == [("created", slow), ("created", quick)]


def test_changes_of_one_record_come_in_commit_order(run, feed_tenant):
    tenant, _ = feed_tenant
    student = run(lambda: StudentFactory(name="v0"))
    start = run(cursor_now)
    began = threading.Event()
    may_write = threading.Event()

    def early_starter():
        with transaction.atomic():
            StudentFactory(name="takes a transaction id first")
            began.set()
            assert may_write.wait(20)
            rename(Student.objects.select_for_update().get(pk=student.pk), "v2")

    # when a transaction that started first changes the record after a later one committed
    early = in_thread(tenant, early_starter)
    assert began.wait(20)
    run(lambda: rename(Student.objects.get(pk=student.pk), "v1"))
    may_write.set()
    finish(*early)

    # then the feed has the record's changes in commit order: v1, then v2
    page = run(lambda: changes_page(after=start, limit=1000, resources=["students"]))
    names = [c.data["name"] for c in page.changes if c.record_uuid == student.uuid]
    assert names == ["v1", "v2"]


def test_a_resource_filter_skips_other_resources_changes(run):
    start = run(cursor_now)
    run(InstitutionFactory)
    student = run(StudentFactory)

    changes, after = run(lambda: feed(start, resources=["students"]))

    assert changes == [("created", str(student.uuid))]
    assert after == run(cursor_now)


def test_pruned_changes_make_older_cursors_expire(run, feed_http):
    # given a change, then everything pruned
    run(StudentFactory)
    run(lambda: changes_prune(older_than=timedelta(0)))

    # then
    with pytest.raises(CursorExpired):
        run(lambda: changes_page(after=0, limit=10))
    response = run(lambda: feed_http.get("/api/changes", {"after": 0}))
    assert response.status_code == 410
    assert response.json() == {"success": False, "message": api_msg.CURSOR_EXPIRED}
    # and a current cursor still works, as does starting from the oldest change kept
    now = run(cursor_now)
    assert run(lambda: feed_http.get("/api/changes", {"after": now})).status_code == 200
    oldest = run(lambda: feed_http.get("/api/changes"))
    assert oldest.status_code == 200
    assert oldest.json()["meta"]["next_cursor"] == str(now)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"after": "x"}, "after"),
        ({"after": "+1"}, "after"),
        ({"after": "999999999"}, "after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"resources": "students,teachers"}, "resources"),
    ],
)
def test_bad_feed_parameters_are_422s(run, feed_http, params, field):
    response = run(lambda: feed_http.get("/api/changes", params))

    assert response.status_code == 422, response.json()
    assert list(response.json()["errors"]) == [field]


def test_another_tenants_changes_are_not_in_the_feed(run, feed_http):
    start = run(cursor_now)
    tenant_b = Tenant.objects.get(identifier=TENANT_B)

    def write_in_tenant_b():
        with tenant_context(tenant_b):
            student = StudentFactory()
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM academics_pendingchange")
                pending = cursor.fetchone()[0]
            student.delete()  # leave tenant B's records as they were
            cursor_b = changes_page(after=0, limit=10)
            return pending, cursor_b

    pending_in_b, _ = run(write_in_tenant_b)
    response = run(lambda: feed_http.get("/api/changes", {"after": start}))

    assert pending_in_b >= 1  # tenant B has its own feed
    assert response.json()["data"] == []


def test_a_bulk_import_appears_in_the_feed(run, tmp_path):
    # given a file of 300 students (more than one chunk of COPY)
    from academics.transfer.services import records_import_file

    path = tmp_path / "students.csv"
    rows = [f"bulk{n}@example.edu,Bulk {n},2001-01-01" for n in range(300)]
    path.write_text("email,name,date_of_birth\n" + "\n".join(rows) + "\n")
    start = run(cursor_now)

    # when it is imported
    report = run(lambda: records_import_file(resource="students", path=path))

    # then every record it created is in the feed, once, with its data
    page = run(lambda: changes_page(after=start, limit=1000))
    assert report.ok and report.counts["create"] == 300
    assert [c.action for c in page.changes] == ["created"] * 300
    assert sorted(c.data["email"] for c in page.changes) == sorted(r.split(",")[0] for r in rows)


def test_finalize_and_reopen_appear_as_their_own_actions(run):
    # given the feed as it is
    start = run(cursor_now)

    # when a completed enrollment is finalized, then reopened
    def life():
        enrollment = EnrollmentFactory(
            completion_status=CompletionStatus.COMPLETED,
            completed_at=date(2024, 12, 1),
            grade=Decimal("9.00"),
        )
        enrollment_finalize(enrollment=enrollment)
        enrollment_reopen(enrollment=enrollment, reason="Grade appeal")
        return str(enrollment.uuid)

    me = run(life)

    # then
    changes, _after = run(lambda: feed(start, resources=["enrollments"]))
    assert changes == [("created", me), ("finalized", me), ("reopened", me)]
