"""Writes that run at the same moment, on real parallel connections (docs/api.md, Safe writes): no
lost update, no deleted record with live dependants, no duplicate on a retried create."""

import threading
import time
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from academics import messages as msg
from academics.api import messages as api_msg
from academics.api.idempotency import _try_lock
from academics.choices import CompletionStatus
from academics.models import Cohort, Course, Enrollment, Institution, Organization, Student
from academics.records import record_type
from academics.services import record_save
from academics.tenancy.tokens import api_client_for_token
from tests.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    InstitutionFactory,
    OrganizationFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db

ROUNDS = 50
CHILDREN = 4


def test_two_patches_of_different_fields_both_survive(committed, read):
    enrollment = committed.write(lambda: EnrollmentFactory())
    url = f"/api/enrollments/{enrollment.uuid}"
    lost = []
    for round_ in range(ROUNDS):

        def reset():
            record = Enrollment.objects.get(pk=enrollment.pk)
            # Dropped: a grade is allowed whatever the other patch does (docs/api.md,
            # Enrollment lifecycle).
            record.grade, record.completion_status = None, CompletionStatus.DROPPED
            record.enrolled_at = date(2024, 2, 1)
            record_save(record=record)

        committed.write(reset)
        grade, moved = committed.workers.together(
            [
                lambda: committed.http().patch(url, {"grade": 9.5}, format="json"),
                lambda: committed.http().patch(url, {"enrolled_at": "2024-03-01"}, format="json"),
            ]
        )
        assert (grade.status_code, moved.status_code) == (200, 200)
        row = read(lambda: Enrollment.objects.values("grade", "enrolled_at").get())
        if (float(row["grade"] or 0), row["enrolled_at"]) != (9.5, date(2024, 3, 1)):
            lost.append((round_, row))

    assert lost == [], f"{len(lost)} of {ROUNDS} rounds lost an update"


def test_of_patches_sent_with_one_if_match_exactly_one_succeeds(committed, read):
    student = committed.write(lambda: StudentFactory())
    url = f"/api/students/{student.uuid}"
    for round_ in range(ROUNDS // 5):
        etag = committed.workers.one(lambda: committed.http().get(url)).headers["ETag"]
        answers = committed.workers.together(
            [
                lambda name=f"Writer {round_}.{i}", etag=etag: committed.http().patch(
                    url, {"name": name}, format="json", HTTP_IF_MATCH=etag
                )
                for i in range(CHILDREN)
            ]
        )
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200] + [412] * (CHILDREN - 1), (round_, statuses)
        (won,) = [answer for answer in answers if answer.status_code == 200]
        row = read(lambda: Student.objects.values("name", "revision").get(pk=student.pk))
        assert row["name"] == won.json()["data"]["name"]
        assert f'"{row["revision"]}"' == won.headers["ETag"] != etag


def test_of_creates_of_one_taken_value_at_once_one_wins_the_rest_get_the_rules_error(
    committed, read
):
    # The unique rules are left to the unique indexes (RecordModel.full_clean_but_uniques): a
    # taken value is refused by the INSERT, with the rule's own 422.
    for round_ in range(ROUNDS // 5):
        body = {"name": "Twin", "email": f"twin{round_}@example.edu", "date_of_birth": "2000-01-01"}
        answers = committed.workers.together(
            [lambda body=body: committed.http().post("/api/students", body, format="json")]
            * CHILDREN
        )
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [201] + [422] * (CHILDREN - 1), (round_, statuses)
        for answer in answers:
            if answer.status_code == 422:
                assert answer.json()["errors"] == {"email": [msg.EMAIL_TAKEN]}
        email = body["email"]
        assert read(lambda email=email: Student.objects.filter(email=email).count()) == 1


def test_a_save_said_row_locked_outside_a_transaction_is_refused(committed, read):
    # given a record read locked in a transaction that has ended, and its lock with it
    student = committed.write(lambda: StudentFactory(name="Kept"))

    def save_as_if_locked():
        with tenant_context(committed.tenant):
            with transaction.atomic():
                record = Student.objects.for_write().get(pk=student.pk)
            record.name = "Unguarded"
            return record_save(record=record, row_locked=True)

    # when / then
    with pytest.raises(transaction.TransactionManagementError, match="row_locked=True"):
        committed.workers.one(save_as_if_locked)
    assert read(lambda: Student.objects.get(pk=student.pk).name) == "Kept"


def test_a_patch_racing_a_delete_never_brings_the_record_back(committed, read):
    kept = []
    for round_ in range(ROUNDS // 2):
        student = committed.write(lambda: StudentFactory())
        url = f"/api/students/{student.uuid}"
        deleted, patched = committed.workers.together(
            [
                lambda url=url: committed.http().delete(url),
                lambda url=url: committed.http().patch(url, {"name": "Late"}, format="json"),
            ]
        )
        assert deleted.status_code == 204, deleted.content
        assert patched.status_code in (200, 404), patched.content
        if patched.status_code == 404:
            assert patched.json() == {"success": False, "message": api_msg.NOT_FOUND}
        row = read(
            lambda pk=student.pk: Student.all_objects.values("deleted_at", "name").get(pk=pk)
        )
        if row["deleted_at"] is None:
            kept.append(round_)
        # a PATCH that got in first left its change on the record the delete then removed
        assert row["name"] == ("Late" if patched.status_code == 200 else student.name)

    assert kept == [], f"{len(kept)} of {ROUNDS // 2} rounds left the record live"


@dataclass
class Race:
    """A parent deleted while CHILDREN creates reference it."""

    resource: str  # the parent's path
    model: type
    parent: object  # () -> a new parent record
    children: object  # (parent, fixtures, i) -> (path, body) of the i-th create
    reference: str  # the body field that names the parent
    message: str  # the create's error when it loses


def _enrollment(parent_field):
    def body(parent, fixtures, i):
        values = {
            "student_uuid": str(fixtures["students"][i].uuid),
            "course_uuid": str(fixtures["course"].uuid),
            "enrolled_at": "2024-02-01",
        }
        values[parent_field] = str(parent.uuid)
        if parent_field == "cohort_uuid":
            values["course_uuid"] = str(parent.course.uuid)
        if parent_field == "student_uuid":
            values["course_uuid"] = str(fixtures["courses"][i].uuid)
        return "/api/enrollments", values

    return body


def _course_of_institution(parent, fixtures, i):
    if i % 2:
        return "/api/organizations", {"name": f"Faculty {i}", "institution_uuid": str(parent.uuid)}
    return "/api/courses", {"name": f"Course {i}", "institution_uuid": str(parent.uuid)}


def _course_of_organization(parent, fixtures, i):
    body = {
        "name": f"Course {i}",
        "institution_uuid": str(parent.institution.uuid),
        "organization_uuid": str(parent.uuid),
    }
    return "/api/courses", body


RACES = {
    "course": Race(
        "courses",
        Course,
        lambda f: CourseFactory(institution=f["institution"]),
        _enrollment("course_uuid"),
        "course_uuid",
        "The selected course uuid is invalid.",
    ),
    "student": Race(
        "students",
        Student,
        lambda f: StudentFactory(),
        _enrollment("student_uuid"),
        "student_uuid",
        "The selected student uuid is invalid.",
    ),
    "cohort": Race(
        "cohorts",
        Cohort,
        lambda f: CohortFactory(course=f["course"]),
        _enrollment("cohort_uuid"),
        "cohort_uuid",
        "The selected cohort uuid is invalid.",
    ),
    "institution": Race(
        "institutions",
        Institution,
        lambda f: InstitutionFactory(),
        _course_of_institution,
        "institution_uuid",
        "The selected institution uuid is invalid.",
    ),
    "organization": Race(
        "organizations",
        Organization,
        lambda f: OrganizationFactory(institution=f["institution"]),
        _course_of_organization,
        "organization_uuid",
        "The selected organization uuid is invalid.",
    ),
}


def _live_dependants(model, pk) -> int:
    record = model.all_objects.get(pk=pk)
    return sum(
        getattr(record, relation.get_accessor_name()).filter(deleted_at__isnull=True).count()
        for relation in record_type(model).protected_by
    )


@pytest.mark.parametrize("name", RACES)
def test_a_delete_racing_new_references_never_leaves_live_dependants(name, committed, read):
    race = RACES[name]

    def fixtures():
        institution = InstitutionFactory()
        return {
            "institution": institution,
            "course": CourseFactory(institution=institution),
            "courses": [CourseFactory(institution=institution) for _ in range(CHILDREN)],
            "students": [StudentFactory() for _ in range(CHILDREN)],
        }

    given = committed.write(fixtures)
    broken = []
    for round_ in range(ROUNDS):
        parent = committed.write(lambda: race.parent(given))
        creates = [race.children(parent, given, i) for i in range(CHILDREN)]
        answers = committed.workers.together(
            [lambda url=f"/api/{race.resource}/{parent.uuid}": committed.http().delete(url)]
            + [
                lambda path=path, body=body: committed.http().post(path, body, format="json")
                for path, body in creates
            ]
        )
        deleted, created = answers[0], answers[1:]
        assert deleted.status_code in (204, 409), deleted.content
        for answer in created:
            assert answer.status_code in (201, 422), answer.content
            if answer.status_code == 422:
                assert answer.json()["errors"] == {race.reference: [race.message]}
        accepted = sum(answer.status_code == 201 for answer in created)
        live = read(lambda pk=parent.pk: _live_dependants(race.model, pk))
        if deleted.status_code == 204 and live:
            broken.append((round_, live))
        if deleted.status_code == 409:
            assert accepted > 0

    assert broken == [], f"{len(broken)} of {ROUNDS} rounds left a deleted {name} in use"


def test_concurrent_retries_with_one_idempotency_key_create_one_record(committed, read):
    institution = committed.write(lambda: InstitutionFactory())
    body = {"name": "Retried course", "institution_uuid": str(institution.uuid)}
    headers = {"HTTP_IDEMPOTENCY_KEY": "retry-7f3a"}

    def client_that_retries():
        # A well-behaved client: a 409 means the first request is still running; try again.
        for _attempt in range(200):
            answer = committed.http().post("/api/courses", body, format="json", **headers)
            if answer.status_code != 409:
                return answer
            time.sleep(0.02)
        return answer

    answers = committed.workers.together([client_that_retries] * 32)

    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.content for answer in answers}) == 1
    replayed = [answer.headers.get("Idempotent-Replayed") for answer in answers]
    assert replayed.count("true") == 31
    assert read(lambda: Course.objects.filter(name="Retried course").count()) == 1


def test_a_key_whose_first_request_is_running_answers_409(committed, read):
    institution = committed.write(lambda: InstitutionFactory())
    client_uuid = read(lambda: api_client_for_token(committed.token).uuid)
    holding, release = threading.Event(), threading.Event()

    def first_request_running():
        # What the first request holds from its start to its commit (academics/api/idempotency.py).
        with tenant_context(committed.tenant), transaction.atomic():
            assert _try_lock(client_uuid, "busy-key")
            holding.set()
            release.wait(10)

    running = committed.workers.pool.submit(first_request_running)
    holding.wait(10)
    body = {"name": "Busy", "institution_uuid": str(institution.uuid)}
    answer = committed.http().post(
        "/api/courses", body, format="json", HTTP_IDEMPOTENCY_KEY="busy-key"
    )
    release.set()
    running.result()

    assert answer.status_code == 409
    assert answer.headers["Retry-After"] == "1"
    assert answer.json() == {"success": False, "message": api_msg.IDEMPOTENCY_KEY_IN_PROGRESS}
    assert read(lambda: Course.objects.filter(name="Busy").exists()) is False


def test_a_delete_racing_an_import_that_references_the_record_never_leaves_it_in_use(
    committed, read, tmp_path
):
    from academics.transfer.services import records_import_file

    students = committed.write(lambda: [StudentFactory() for _ in range(CHILDREN)])
    institution = committed.write(lambda: InstitutionFactory())
    broken = []
    for round_ in range(ROUNDS // 2):
        course = committed.write(lambda: CourseFactory(institution=institution))
        path = tmp_path / f"enrollments-{round_}.csv"
        lines = [f"{s.email},{course.code},2024-02-01" for s in students]
        path.write_text("student_email,course_code,enrolled_at\n" + "\n".join(lines) + "\n")

        def run_import(path=path):
            with tenant_context(committed.tenant):
                return records_import_file(resource="enrollments", path=path)

        deleted, report = committed.workers.together(
            [lambda url=f"/api/courses/{course.uuid}": committed.http().delete(url), run_import]
        )
        assert deleted.status_code in (204, 409), deleted.content
        live = read(lambda pk=course.pk: _live_dependants(Course, pk))
        if deleted.status_code == 204 and live:
            broken.append((round_, live))
        if deleted.status_code == 409:
            assert report.written

    assert broken == [], f"{len(broken)} of {ROUNDS // 2} rounds left a deleted course in use"


def test_a_finalization_and_a_workload_change_serialize_on_the_course(committed, read, monkeypatch):
    # given a graded, completed enrollment, and a change of its course's workload that pauses
    # right after counting the course's finalized enrollments (none yet)
    from academics import services
    from academics.services import enrollment_finalize

    enrollment = committed.write(
        lambda: EnrollmentFactory(
            completion_status=CompletionStatus.COMPLETED,
            completed_at=date(2024, 12, 1),
            grade=8,
            course__workload_hours=60,
        )
    )
    counted, finalized = threading.Event(), threading.Event()
    check = services.check_fixed_fields

    def check_then_pause(record, changed):
        check(record, changed)
        if isinstance(record, Course):
            counted.set()
            finalized.wait(3)  # a finalization that does not wait for the course gets in here

    monkeypatch.setattr(services, "check_fixed_fields", check_then_pause)

    def change_workload():
        course = Course.objects.get(pk=enrollment.course_id)
        course.workload_hours = 80
        return record_save(record=course)

    def finalize():
        counted.wait(10)
        try:
            return enrollment_finalize(enrollment=Enrollment.objects.get(pk=enrollment.pk))
        finally:
            finalized.set()

    # when both run
    committed.workers.together(
        [lambda: committed.write(change_workload), lambda: committed.write(finalize)]
    )

    # then the finalization came second: the workload it fixed is the new one, changed before it
    row = read(
        lambda: Enrollment.objects.values("finalized_at", "course__updated_at").get(
            pk=enrollment.pk
        )
    )
    assert row["finalized_at"] is not None
    assert row["finalized_at"] > row["course__updated_at"], (
        "the course's workload changed after its enrollment was finalized"
    )
