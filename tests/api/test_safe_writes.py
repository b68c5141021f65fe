"""ETag / If-Match / If-None-Match and Idempotency-Key (docs/api.md, Safe writes), one request at
a time; the concurrent cases are in tests/concurrency."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from academics.api import messages as api_msg
from academics.models import Course, IdempotencyKey, Student
from tests.factories import CourseFactory, InstitutionFactory, StudentFactory

pytestmark = pytest.mark.django_db

PRECONDITION_FAILED = {
    "success": False,
    "message": "The record has been changed since it was read.",
}


@pytest.fixture
def student(in_tenant_a):
    return StudentFactory(name="Ana")


def test_get_create_and_update_answers_carry_the_etag_of_the_current_version(
    api_client, in_tenant_a
):
    institution = InstitutionFactory()
    created = api_client.post(
        "/api/courses", {"name": "Law", "institution_uuid": str(institution.uuid)}, format="json"
    )
    url = f"/api/courses/{created.json()['data']['uuid']}"

    fetched = api_client.get(url)
    updated = api_client.patch(url, {"name": "Law II"}, format="json")

    assert created.status_code == 201 and created["ETag"] == '"1"'
    assert fetched["ETag"] == '"1"'
    assert updated.status_code == 200 and updated["ETag"] == '"2"'
    assert api_client.get(url)["ETag"] == '"2"'


def test_a_patch_with_the_current_etag_succeeds(api_client, student):
    etag = api_client.get(f"/api/students/{student.uuid}")["ETag"]

    answer = api_client.patch(
        f"/api/students/{student.uuid}", {"name": "Ana B"}, format="json", HTTP_IF_MATCH=etag
    )

    assert answer.status_code == 200
    assert answer.json()["data"]["name"] == "Ana B"


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_a_stale_if_match_is_412_and_changes_nothing(api_client, student, method):
    url = f"/api/students/{student.uuid}"
    stale = api_client.get(url)["ETag"]
    api_client.patch(url, {"name": "Changed meanwhile"}, format="json")
    body = {"name": "Mine", "email": "mine@example.edu", "date_of_birth": "2000-01-01"}

    answer = getattr(api_client, method)(url, body, format="json", HTTP_IF_MATCH=stale)

    assert answer.status_code == 412
    assert answer.json() == PRECONDITION_FAILED
    after = Student.objects.get(pk=student.pk)
    assert (after.name, after.email, after.revision) == ("Changed meanwhile", student.email, 2)


def test_a_weak_or_malformed_if_match_never_matches(api_client, student):
    url = f"/api/students/{student.uuid}"

    weak = api_client.patch(url, {"name": "X"}, format="json", HTTP_IF_MATCH='W/"1"')
    garbage = api_client.patch(url, {"name": "X"}, format="json", HTTP_IF_MATCH="1")
    star = api_client.patch(url, {"name": "Y"}, format="json", HTTP_IF_MATCH="*")

    assert (weak.status_code, garbage.status_code, star.status_code) == (412, 412, 200)


def test_if_none_match_with_the_current_etag_is_304_with_no_body(api_client, student):
    url = f"/api/students/{student.uuid}"
    etag = api_client.get(url)["ETag"]

    same = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    api_client.patch(url, {"name": "Ana C"}, format="json")
    changed = api_client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert same.status_code == 304 and same.content == b"" and same["ETag"] == etag
    assert changed.status_code == 200 and changed.json()["data"]["name"] == "Ana C"


def test_every_writer_bumps_the_revision(api_client, student, tmp_path):
    from academics.services import record_restore, record_save, record_soft_delete
    from academics.transfer.services import records_import_file

    student.name = "By a service"
    record_save(record=student)
    path = tmp_path / "students.csv"
    path.write_text(f"uuid,name\n{student.uuid},By an import\n")
    records_import_file(resource="students", path=path)
    record_soft_delete(record=Student.objects.get(pk=student.pk))
    restored = record_restore(record=Student.all_objects.get(pk=student.pk))

    assert restored.revision == 5
    assert api_client.get(f"/api/students/{student.uuid}")["ETag"] == '"5"'


def test_a_patch_writes_only_the_fields_it_changes(api_client, student):
    url = f"/api/students/{student.uuid}"
    read_before = api_client.get(url).json()["data"]
    # Another writer changes the email after this client read the record ...
    Student.objects.filter(pk=student.pk).update(email="new@example.edu")

    api_client.patch(url, {"name": "Ana D"}, format="json")

    # ... and this client's PATCH of the name leaves it as that writer left it.
    after = Student.objects.get(pk=student.pk)
    assert read_before["email"] != "new@example.edu"
    assert (after.name, after.email) == ("Ana D", "new@example.edu")


# --- Idempotency-Key -------------------------------------------------------------------------


def _course_body():
    return {"name": "Unkeyed course", "institution_uuid": str(InstitutionFactory().uuid)}


def test_a_retried_create_replays_the_first_answer_and_writes_nothing(api_client, in_tenant_a):
    body = _course_body()

    first = api_client.post("/api/courses", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = api_client.post("/api/courses", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.content == first.content
    assert retry["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert retry["ETag"] == first["ETag"]
    assert Course.objects.count() == 1


def test_a_key_reused_with_a_different_body_is_422_and_writes_nothing(api_client, in_tenant_a):
    body = _course_body()
    api_client.post("/api/courses", body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    other = api_client.post(
        "/api/courses", {**body, "name": "Other"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )

    assert other.status_code == 422
    assert other.json() == {
        "success": False,
        "message": api_msg.IDEMPOTENCY_KEY_REUSED,
        "errors": {"Idempotency-Key": [api_msg.IDEMPOTENCY_KEY_REUSED]},
    }
    assert list(Course.objects.values_list("name", flat=True)) == ["Unkeyed course"]


def test_a_kept_4xx_answer_is_replayed_too(api_client, in_tenant_a):
    first = api_client.post("/api/courses", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    retry = api_client.post("/api/courses", {}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")

    assert (first.status_code, retry.status_code) == (422, 422)
    assert retry.content == first.content and retry["Idempotent-Replayed"] == "true"


def test_a_key_is_scoped_to_its_api_client(api_client, make_api_client, tenant_a, in_tenant_a):
    other_client = make_api_client(tenant_a)
    body = _course_body()

    mine = api_client.post("/api/courses", body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    theirs = other_client.post("/api/courses", body, format="json", HTTP_IDEMPOTENCY_KEY="shared")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["data"]["uuid"] != theirs.json()["data"]["uuid"]
    assert Course.objects.count() == 2


def test_an_expired_key_runs_again_and_the_purge_command_removes_it(api_client, in_tenant_a):
    body = _course_body()
    api_client.post("/api/courses", body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    again = api_client.post("/api/courses", body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("purge_idempotency_keys", stdout=io.StringIO())

    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Course.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "tab\tkey"])
def test_an_invalid_key_is_400_and_writes_nothing(api_client, in_tenant_a, key):
    answer = api_client.post(
        "/api/courses", _course_body(), format="json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert answer.status_code == 400
    assert answer.json() == {"success": False, "message": api_msg.IDEMPOTENCY_KEY_INVALID}
    assert not Course.objects.exists()


def test_a_server_error_is_not_kept_and_the_retry_runs_again(api_client, in_tenant_a, monkeypatch):
    from academics.api.base import RecordViewSet

    body = _course_body()
    create = RecordViewSet._create

    def failing(self, request):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(RecordViewSet, "_create", failing)
    failed = api_client.post("/api/courses", body, format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    monkeypatch.setattr(RecordViewSet, "_create", create)
    retry = api_client.post("/api/courses", body, format="json", HTTP_IDEMPOTENCY_KEY="k-5")

    assert failed.status_code == 500
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert Course.objects.count() == 1


def test_a_retried_batch_destroy_replays_its_204(api_client, in_tenant_a):
    courses = [CourseFactory(), CourseFactory()]
    body = {"uuids": [str(course.uuid) for course in courses]}

    first = api_client.delete(
        "/api/courses/batch/destroy", body, format="json", HTTP_IDEMPOTENCY_KEY="b-1"
    )
    retry = api_client.delete(
        "/api/courses/batch/destroy", body, format="json", HTTP_IDEMPOTENCY_KEY="b-1"
    )
    unkeyed = api_client.delete("/api/courses/batch/destroy", body, format="json")

    assert (first.status_code, retry.status_code) == (204, 204)
    assert retry["Idempotent-Replayed"] == "true"
    assert unkeyed.status_code == 422  # without the key, the retry is a new request
    assert not Course.objects.exists()
