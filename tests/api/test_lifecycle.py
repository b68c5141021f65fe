"""The enrollment lifecycle (docs/api.md, Enrollment lifecycle) through the API: consistent
status, grade and dates; finalize and reopen; what a finalized enrollment refuses."""

from datetime import date
from decimal import Decimal

import pytest

from academics import messages as msg
from academics.api import messages as api_msg
from academics.choices import CompletionStatus
from academics.models import Enrollment
from tests.api.helpers import assert_conflict, assert_invalid
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")
URL = "/api/enrollments"


@pytest.fixture
def body(enrollment_body):
    return enrollment_body


def completed(**kwargs) -> Enrollment:
    return EnrollmentFactory(
        completion_status=CompletionStatus.COMPLETED,
        completed_at=date(2024, 12, 1),
        grade=Decimal("8.50"),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"completion_status": "completed"}, "completed_at", msg.COMPLETED_AT_REQUIRED),
        ({"completed_at": "2024-06-01"}, "completed_at", msg.COMPLETED_AT_PROHIBITED),
        (
            {"completion_status": "dropped", "completed_at": "2024-06-01"},
            "completed_at",
            msg.COMPLETED_AT_PROHIBITED,
        ),
        ({"grade": 7}, "grade", msg.GRADE_PROHIBITED),
    ],
)
def test_an_enrollment_breaking_a_lifecycle_rule_is_not_created(
    api_client, body, changes, field, message
):
    # when
    response = api_client.post(URL, {**body, **changes}, format="json")

    # then
    assert_invalid(response, field, message)
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"completion_status": "completed", "completed_at": "2024-06-01", "grade": 9},
        {"completion_status": "completed", "completed_at": "2024-06-01"},
        {"completion_status": "dropped", "grade": 3},
        {"completion_status": "dropped"},
    ],
)
def test_a_consistent_enrollment_is_created(api_client, body, changes):
    response = api_client.post(URL, {**body, **changes}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["data"]["finalized_at"] is None


def test_a_patch_that_leaves_a_completed_enrollment_without_its_date_is_refused(api_client):
    # given
    enrollment = completed()

    # when
    response = api_client.patch(f"{URL}/{enrollment.uuid}", {"completed_at": None}, format="json")

    # then
    assert_invalid(response, "completed_at", msg.COMPLETED_AT_REQUIRED)
    enrollment.refresh_from_db()
    assert enrollment.completed_at == date(2024, 12, 1)


def test_finalize_sets_finalized_at_and_names_the_client_in_the_history(api_client):
    # given
    enrollment = completed()

    # when
    response = api_client.post(f"{URL}/{enrollment.uuid}/finalize", {}, format="json")

    # then
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["finalized_at"].endswith("Z")
    assert response.headers["ETag"] == f'"{enrollment.revision + 1}"'
    entry = api_client.get(f"{URL}/{enrollment.uuid}/history").json()["data"][0]
    assert entry["action"] == "finalized"
    assert entry["actor"] == {"type": "api_client", "name": "Test integration"}
    assert entry["changes"]["finalized_at"]["from"] is None


def test_an_enrolled_enrollment_cannot_be_finalized(api_client):
    enrollment = EnrollmentFactory()

    response = api_client.post(f"{URL}/{enrollment.uuid}/finalize", format="json")

    assert_invalid(response, "completion_status", msg.ENROLLMENT_NOT_FINALIZABLE)
    enrollment.refresh_from_db()
    assert enrollment.finalized_at is None


def test_a_completed_enrollment_of_a_graded_course_needs_its_grade_to_be_finalized(api_client):
    enrollment = completed()
    Enrollment.objects.filter(pk=enrollment.pk).update(grade=None)

    response = api_client.post(f"{URL}/{enrollment.uuid}/finalize", format="json")

    assert_invalid(response, "grade", msg.ENROLLMENT_GRADE_TO_FINALIZE)


def test_an_ungraded_course_finalizes_without_a_grade(api_client):
    enrollment = completed()
    Enrollment.objects.filter(pk=enrollment.pk).update(grade=None)
    enrollment.course.__class__.objects.filter(pk=enrollment.course_id).update(graded=False)

    response = api_client.post(f"{URL}/{enrollment.uuid}/finalize", format="json")

    assert response.status_code == 200, response.json()


def test_a_read_only_client_cannot_finalize_or_reopen(make_api_client, tenant_a):
    # given
    reader = make_api_client(tenant_a, read_only=True)
    enrollment = completed()

    # when
    finalize = reader.post(f"{URL}/{enrollment.uuid}/finalize", format="json")
    reopen = reader.post(f"{URL}/{enrollment.uuid}/reopen", {"reason": "x"}, format="json")

    # then
    assert finalize.status_code == reopen.status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.finalized_at is None


@pytest.fixture
def finalized(api_client):
    enrollment = completed()
    response = api_client.post(f"{URL}/{enrollment.uuid}/finalize", format="json")
    assert response.status_code == 200
    enrollment.refresh_from_db()
    return enrollment


@pytest.mark.parametrize(
    ("method", "payload"),
    [
        ("patch", {"grade": 10}),
        ("put", None),
        ("delete", None),
    ],
)
def test_a_finalized_enrollment_refuses_every_change(api_client, finalized, method, payload):
    # given
    if method == "put":
        payload = {
            "student_uuid": str(finalized.student.uuid),
            "course_uuid": str(finalized.course.uuid),
            "enrolled_at": "2024-02-01",
            "completion_status": "completed",
            "completed_at": "2024-12-01",
            "grade": 9,
        }

    # when
    response = getattr(api_client, method)(f"{URL}/{finalized.uuid}", payload, format="json")

    # then
    assert_conflict(response, msg.ENROLLMENT_FINALIZED)
    current = Enrollment.all_objects.get(pk=finalized.pk)
    assert (current.grade, current.deleted_at, current.revision) == (
        Decimal("8.50"),
        None,
        finalized.revision,
    )


def test_a_batch_destroy_naming_a_finalized_enrollment_deletes_nothing(api_client, finalized):
    other = EnrollmentFactory()

    response = api_client.delete(
        f"{URL}/batch/destroy", {"uuids": [str(other.uuid), str(finalized.uuid)]}, format="json"
    )

    assert_conflict(response, msg.ENROLLMENT_FINALIZED)
    assert Enrollment.objects.filter(pk__in=[other.pk, finalized.pk]).count() == 2


def test_finalizing_twice_is_a_conflict(api_client, finalized):
    response = api_client.post(f"{URL}/{finalized.uuid}/finalize", format="json")

    assert_conflict(response, msg.ENROLLMENT_FINALIZED)


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}])
def test_reopen_without_a_reason_is_refused(api_client, finalized, payload):
    response = api_client.post(f"{URL}/{finalized.uuid}/reopen", payload, format="json")

    assert_invalid(response, "reason", msg.REASON_REQUIRED)
    finalized.refresh_from_db()
    assert finalized.is_finalized


def test_a_reason_that_is_not_text_is_refused(api_client, finalized):
    response = api_client.post(f"{URL}/{finalized.uuid}/reopen", {"reason": 5}, format="json")

    assert_invalid(response, "reason", api_msg.STRING.format(attribute="reason"))


def test_reopen_keeps_the_reason_in_the_history_and_allows_changes_again(api_client, finalized):
    # when
    response = api_client.post(
        f"{URL}/{finalized.uuid}/reopen", {"reason": "Grade appeal upheld"}, format="json"
    )
    patched = api_client.patch(f"{URL}/{finalized.uuid}", {"grade": 9.25}, format="json")

    # then
    assert response.status_code == 200, response.json()
    assert response.json()["data"]["finalized_at"] is None
    assert patched.status_code == 200, patched.json()
    entries = api_client.get(f"{URL}/{finalized.uuid}/history").json()["data"]
    assert [e["action"] for e in entries[:3]] == ["updated", "reopened", "finalized"]
    assert entries[1]["reason"] == "Grade appeal upheld"
    assert entries[1]["actor"]["type"] == "api_client"


def test_reopening_an_enrollment_that_is_not_finalized_is_a_conflict(api_client):
    enrollment = completed()

    response = api_client.post(f"{URL}/{enrollment.uuid}/reopen", {"reason": "x"}, format="json")

    assert_conflict(response, msg.ENROLLMENT_NOT_FINALIZED)


def test_finalize_honours_if_match(api_client):
    enrollment = completed()

    response = api_client.post(
        f"{URL}/{enrollment.uuid}/finalize", format="json", HTTP_IF_MATCH='"999"'
    )

    assert response.status_code == 412
    enrollment.refresh_from_db()
    assert enrollment.finalized_at is None


def test_the_workload_of_a_course_with_finalized_enrollments_is_fixed(api_client, finalized):
    # when
    hours = api_client.patch(
        f"/api/courses/{finalized.course.uuid}", {"workload_hours": 999}, format="json"
    )
    renamed = api_client.patch(
        f"/api/courses/{finalized.course.uuid}", {"name": "Corrected name"}, format="json"
    )

    # then: the hours weight the transcript; a name is a correction
    assert_invalid(
        hours,
        "workload_hours",
        msg.FINALIZED_PARENT_FIELD.format(
            attribute="workload hours", count=1, enrollments="enrollment"
        ),
    )
    assert renamed.status_code == 200, renamed.json()


def test_the_student_of_a_finalized_enrollment_cannot_be_deleted(api_client, finalized):
    response = api_client.delete(f"/api/students/{finalized.student.uuid}")

    assert response.status_code == 409
