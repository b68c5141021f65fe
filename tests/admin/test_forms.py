"""Model rules surface on the admin form's fields, before anything is saved."""

import pytest

from academics import messages as msg
from academics.choices import CourseStatus
from academics.models import Cohort, Enrollment, Student
from tests.admin.specs import no_enrollment_rows
from tests.factories import CourseFactory, StudentFactory

pytestmark = pytest.mark.django_db


def errors_of(response) -> dict:
    return response.context["adminform"].form.errors


def test_an_email_taken_case_insensitively_is_an_error_on_email(registrar_client):
    StudentFactory(email="ana@example.edu")
    data = {"name": "Ana", "email": "ANA@example.edu", "date_of_birth": "2000-01-01"}

    response = registrar_client.post("/admin/academics/student/add/", data | no_enrollment_rows())

    assert errors_of(response) == {"email": [msg.EMAIL_TAKEN]}
    assert Student.objects.count() == 1


def test_cohort_dates_out_of_order_are_an_error_on_end_date(registrar_client):
    data = {
        "course": CourseFactory().pk,
        "code": "C1",
        "start_date": "2026-05-01",
        "end_date": "2026-01-01",
    }

    response = registrar_client.post("/admin/academics/cohort/add/", data)

    assert errors_of(response) == {"end_date": [msg.COHORT_DATES_ORDER]}
    assert not Cohort.objects.exists()


def test_enrolling_in_a_draft_course_is_an_error_on_course(registrar_client):
    data = {
        "student": StudentFactory().pk,
        "course": CourseFactory(status=CourseStatus.DRAFT).pk,
        "completion_status": "enrolled",
        "enrolled_at": "2026-02-01",
    }

    response = registrar_client.post("/admin/academics/enrollment/add/", data)

    assert errors_of(response) == {"course": [msg.COURSE_NOT_ACTIVE]}
    assert not Enrollment.objects.exists()


def test_an_enrollment_added_inline_on_the_student_page_follows_the_rules(registrar_client):
    student = StudentFactory()
    course = CourseFactory()
    url = f"/admin/academics/student/{student.pk}/change/"
    data = {
        "name": student.name,
        "email": student.email,
        "date_of_birth": "2000-05-17",
        **no_enrollment_rows(),
        "enrollments-TOTAL_FORMS": "1",
        "enrollments-0-course": course.pk,
        "enrollments-0-completion_status": "dropped",
        "enrollments-0-enrolled_at": "2026-02-01",
        "enrollments-0-grade": "11",
    }

    refused = registrar_client.post(url, data)
    saved = registrar_client.post(url, {**data, "enrollments-0-grade": "9.5"})

    formset = refused.context["inline_admin_formsets"][0].formset
    assert formset.errors == [{"grade": [msg.GRADE_RANGE]}]
    assert saved.status_code == 302
    assert student.enrollments.get().grade == 9.5
