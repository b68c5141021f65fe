"""The admin's words: the one vocabulary of academics/messages.py, with the names people read
(academics/wording.py, PEOPLE_NAMES), and "—" where there is nothing to show, never "None"."""

from datetime import date

import pytest

from academics import messages as msg
from academics.services import record_save
from academics.wording import for_people
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db
ENROLLMENTS = "/admin/academics/enrollment/"


def test_a_rule_on_a_date_reads_with_the_fields_labels(registrar_client):
    enrollment = EnrollmentFactory(enrolled_at=date(2026, 3, 1))
    data = {
        "student": enrollment.student.pk,
        "course": enrollment.course.pk,
        "cohort": enrollment.cohort.pk,
        "completion_status": "completed",
        "grade": "8",
        "enrolled_at": "2026-03-01",
        "completed_at": "2026-02-01",
        "revision_seen": enrollment.revision,
    }

    response = registrar_client.post(f"{ENROLLMENTS}{enrollment.pk}/change/", data)

    page = response.content.decode()
    assert for_people(msg.COMPLETED_BEFORE_ENROLLED) == (
        "The completion date must be a date after or equal to enrollment date."
    )
    assert for_people(msg.COMPLETED_BEFORE_ENROLLED) in page
    assert "completed at" not in page.lower()
    assert '<label class="required" for="id_enrolled_at">Enrollment date:</label>' in page


def test_history_shows_a_dash_for_what_a_change_did_not_have(registrar_client):
    enrollment = EnrollmentFactory()  # no staff user, no reason, no cohort change...
    enrollment.grade = None
    enrollment.completion_status = "dropped"
    record_save(record=enrollment)

    page = registrar_client.get(f"{ENROLLMENTS}{enrollment.pk}/history/").content.decode()

    assert "None" not in page
    assert "—" in page
