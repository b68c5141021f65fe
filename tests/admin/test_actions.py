"""Admin actions call the same services as the API."""

from datetime import date

import pytest
from django.contrib.messages import get_messages

from academics import messages as msg
from academics.admin.base import MSG_NOTHING_CHANGED
from academics.admin.enrollments import MSG_COMPLETED, MSG_DROPPED
from academics.choices import CompletionStatus, CourseStatus
from academics.wording import for_people
from tests.factories import CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
ENROLLMENTS = "/admin/academics/enrollment/"


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_mark_completed_asks_for_the_date_then_completes(registrar_client):
    enrollments = EnrollmentFactory.create_batch(2)
    selection = {"action": "complete_enrollments", "_selected_action": [e.pk for e in enrollments]}

    form_page = registrar_client.post(ENROLLMENTS, selection)
    applied = registrar_client.post(
        ENROLLMENTS, {**selection, "apply": "1", "completed_at": "2026-06-30", "grade": "8.5"}
    )

    assert form_page.status_code == 200
    assert form_page.context["form"]["completed_at"].value() == date.today()
    assert texts(applied) == [MSG_COMPLETED.format(count=2, date=date(2026, 6, 30))]
    for enrollment in enrollments:
        enrollment.refresh_from_db()
        assert enrollment.completion_status == CompletionStatus.COMPLETED
        assert enrollment.completed_at == date(2026, 6, 30)


def test_mark_completed_changes_nothing_when_one_enrollment_breaks_a_rule(registrar_client):
    early = EnrollmentFactory(enrolled_at=date(2026, 1, 10))
    late = EnrollmentFactory(enrolled_at=date(2026, 9, 1))
    data = {
        "action": "complete_enrollments",
        "_selected_action": [early.pk, late.pk],
        "apply": "1",
        "completed_at": "2026-06-30",
        "grade": "8.5",
    }

    response = registrar_client.post(ENROLLMENTS, data)

    assert texts(response) == [
        for_people(MSG_NOTHING_CHANGED.format(record=late, errors=msg.COMPLETED_BEFORE_ENROLLED))
    ]
    early.refresh_from_db()
    assert early.completion_status == CompletionStatus.ENROLLED


def test_drop_marks_enrollments_dropped(registrar_client):
    enrollment = EnrollmentFactory()

    response = registrar_client.post(
        ENROLLMENTS, {"action": "drop_enrollments", "_selected_action": [enrollment.pk]}
    )

    enrollment.refresh_from_db()
    assert enrollment.completion_status == CompletionStatus.DROPPED
    assert texts(response) == [MSG_DROPPED.format(count=1)]


@pytest.mark.parametrize(
    ("action", "status"),
    [("activate_courses", CourseStatus.ACTIVE), ("archive_courses", CourseStatus.ARCHIVED)],
)
def test_course_status_actions(registrar_client, action, status):
    course = CourseFactory(status=CourseStatus.DRAFT)

    registrar_client.post(
        "/admin/academics/course/", {"action": action, "_selected_action": [course.pk]}
    )

    course.refresh_from_db()
    assert course.status == status


def test_history_records_the_user_of_an_action(registrar_client, registrar):
    enrollment = EnrollmentFactory()

    registrar_client.post(
        ENROLLMENTS, {"action": "drop_enrollments", "_selected_action": [enrollment.pk]}
    )

    latest = enrollment.history.latest("history_date")
    assert latest.history_user == registrar
    assert latest.completion_status == CompletionStatus.DROPPED
