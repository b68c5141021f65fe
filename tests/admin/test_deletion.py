"""Deleting from the admin is a soft delete with the API's protection; Restore brings rows back."""

import pytest
from django.contrib.messages import get_messages

from academics import messages as msg
from academics.admin.base import MSG_NOT_DELETED, MSG_RESTORE_FAILED, MSG_RESTORED
from academics.models import Course, Institution, Student
from tests.factories import CourseFactory, EnrollmentFactory, InstitutionFactory, StudentFactory

pytestmark = pytest.mark.django_db


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_deleting_a_course_with_enrollments_is_refused_with_the_reason(registrar_client):
    course = EnrollmentFactory().course
    url = f"/admin/academics/course/{course.pk}/delete/"

    response = registrar_client.post(url, {"post": "yes"}, follow=True)

    assert response.redirect_chain[-1][0] == f"/admin/academics/course/{course.pk}/change/"
    expected = msg.DELETE_PROTECTED.format(
        model="course", dependents="1 cohort and 1 enrollment", verb="reference"
    )
    assert texts(response) == [expected]
    assert Course.objects.filter(pk=course.pk).exists()


def test_the_confirmation_page_of_a_protected_record_is_replaced_by_the_reason(registrar_client):
    institution = CourseFactory().institution

    response = registrar_client.get(f"/admin/academics/institution/{institution.pk}/delete/")

    assert response.status_code == 302
    assert "cannot be deleted" in texts(response)[0]


def test_bulk_delete_deletes_nothing_when_one_record_is_protected(registrar_client):
    free, protected = InstitutionFactory(), CourseFactory().institution
    data = {"action": "delete_selected", "_selected_action": [free.pk, protected.pk]}

    confirmation = registrar_client.post("/admin/academics/institution/", data)
    confirmed = registrar_client.post("/admin/academics/institution/", {**data, "post": "yes"})

    assert confirmation.status_code == 302
    reason = msg.DELETE_PROTECTED.format(
        model="institution", dependents="1 course", verb="references"
    )
    assert texts(confirmed)[-1] == MSG_NOT_DELETED.format(record=protected, reason=reason)
    assert Institution.objects.count() == 2


def test_bulk_delete_soft_deletes_every_selected_record(registrar_client):
    students = StudentFactory.create_batch(3)
    data = {"action": "delete_selected", "_selected_action": [s.pk for s in students[:2]]}

    registrar_client.post("/admin/academics/student/", {**data, "post": "yes"})

    assert list(Student.objects.all()) == [students[2]]
    assert Student.all_objects.deleted().count() == 2


def test_a_deleted_record_is_read_only_until_restored(registrar_client):
    student = StudentFactory()
    registrar_client.post(f"/admin/academics/student/{student.pk}/delete/", {"post": "yes"})

    page = registrar_client.get(f"/admin/academics/student/{student.pk}/change/")
    restored = registrar_client.post(
        "/admin/academics/student/?deleted=yes",
        {"action": "restore_selected", "_selected_action": [student.pk]},
    )

    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert texts(restored) == [MSG_RESTORED.format(count=1, name="student")]
    assert Student.objects.filter(pk=student.pk).exists()


def test_restore_is_refused_when_a_live_record_took_the_unique_value(registrar_client):
    student = StudentFactory(email="taken@example.edu")
    delete_url = f"/admin/academics/student/{student.pk}/delete/"
    registrar_client.post(delete_url, {"post": "yes"}, follow=True)
    StudentFactory(email="TAKEN@example.edu")

    response = registrar_client.post(
        "/admin/academics/student/?deleted=yes",
        {"action": "restore_selected", "_selected_action": [student.pk]},
    )

    assert texts(response) == [MSG_RESTORE_FAILED.format(record=student, errors=msg.EMAIL_TAKEN)]
    assert Student.all_objects.get(pk=student.pk).is_deleted


def test_autocomplete_never_offers_deleted_records(registrar_client):
    live, deleted = StudentFactory(name="Ana Live"), StudentFactory(name="Ana Gone")
    registrar_client.post(f"/admin/academics/student/{deleted.pk}/delete/", {"post": "yes"})

    response = registrar_client.get(
        "/admin/autocomplete/",
        {
            "term": "Ana",
            "app_label": "academics",
            "model_name": "enrollment",
            "field_name": "student",
        },
    )

    assert [row["id"] for row in response.json()["results"]] == [str(live.pk)]
