"""How the registrar admin shows and picks records: status badges, students as "name (email)",
"—" for what is empty, pickers without the related record's delete, the cohort picker narrowed
by the course (the browser side is in tests/browser/test_admin_widgets.py)."""

import pytest

from academics.choices import CompletionStatus, CourseStatus, InstitutionStatus
from tests.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    InstitutionFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db
AUTOCOMPLETE = "/admin/autocomplete/?app_label=academics&model_name=enrollment&field_name="


def test_statuses_are_badges_in_the_lists(registrar_client):
    EnrollmentFactory(
        completion_status=CompletionStatus.DROPPED,
        cohort__course__status=CourseStatus.ARCHIVED,
        cohort__course__institution__status=InstitutionStatus.SUSPENDED,
    )

    pages = {
        "enrollment": '<span class="badge badge-warn">Dropped</span>',
        "course": '<span class="badge badge-muted">Archived</span>',
        "institution": '<span class="badge badge-warn">Suspended</span>',
    }

    for model, badge in pages.items():
        assert badge in registrar_client.get(f"/admin/academics/{model}/").content.decode()


def test_a_courses_page_shows_its_enrollments_statuses_as_badges(registrar_client):
    enrollment = EnrollmentFactory(completion_status=CompletionStatus.DROPPED)

    page = registrar_client.get(f"/admin/academics/course/{enrollment.course.pk}/change/")

    assert '<span class="badge badge-warn">Dropped</span>' in page.content.decode()


def test_students_are_told_apart_by_email_in_the_enrollment_list(registrar_client):
    for email in ("ana.one@example.edu", "ana.two@example.edu"):
        EnrollmentFactory(student__name="Ana Souza", student__email=email)

    page = registrar_client.get("/admin/academics/enrollment/").content.decode()

    assert 'Ana Souza <span class="email">(ana.one@example.edu)</span>' in page
    assert 'Ana Souza <span class="email">(ana.two@example.edu)</span>' in page


def test_the_student_picker_offers_name_and_email(registrar_client):
    StudentFactory(name="Ana Souza", email="ana.one@example.edu")

    results = registrar_client.get(f"{AUTOCOMPLETE}student&term=Ana").json()["results"]

    assert [result["text"] for result in results] == ["Ana Souza (ana.one@example.edu)"]


def test_the_cohort_picker_is_narrowed_by_the_course_it_is_sent(registrar_client):
    anatomy, botany = CourseFactory(), CourseFactory()
    CohortFactory(course=anatomy, code="ANA-A")
    CohortFactory(course=botany, code="BOT-A")

    def offered(query: str) -> list[str]:
        results = registrar_client.get(f"{AUTOCOMPLETE}cohort{query}").json()["results"]
        return sorted(result["text"] for result in results)

    assert offered(f"&course={anatomy.pk}") == ["ANA-A"]
    assert offered(f"&course={botany.pk}") == ["BOT-A"]
    assert offered("") == ["ANA-A", "BOT-A"]  # no course chosen yet
    assert offered("&course=not-a-number") == ["ANA-A", "BOT-A"]


def test_pickers_have_no_delete_of_the_related_record(registrar_client):
    forms = ("enrollment", "cohort", "course", "organization")

    for model in forms:
        page = registrar_client.get(f"/admin/academics/{model}/add/").content.decode()
        assert "related-widget-wrapper" in page
        assert "delete-related" not in page


def test_empty_values_show_as_a_dash_not_none(registrar_client):
    InstitutionFactory(legal_name="")
    EnrollmentFactory(cohort=None, course=CourseFactory())

    for model in ("institution", "enrollment"):
        page = registrar_client.get(f"/admin/academics/{model}/").content.decode()
        assert ">None<" not in page
        assert "—" in page
