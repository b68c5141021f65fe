"""A course's page lists its latest enrollments, not all of them, and links to the full list: a
course can hold thousands (bench/admin_pages.py)."""

from academics.admin.courses import INLINE_ENROLLMENTS
from tests.factories import CourseFactory, EnrollmentFactory


def test_a_course_page_shows_the_latest_enrollments_and_links_to_all(registrar_client):
    # given a course with more enrollments than the page shows
    course = CourseFactory(status="active")
    enrollments = [EnrollmentFactory(course=course, cohort=None) for _ in range(25)]

    # when
    response = registrar_client.get(f"/admin/academics/course/{course.pk}/change/")

    # then
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert len(formset.forms) == INLINE_ENROLLMENTS
    shown = {form.instance.pk for form in formset.forms}
    assert shown <= {enrollment.pk for enrollment in enrollments}
    html = response.content.decode()
    assert f"course__id__exact={course.pk}" in html and "All 25 enrollments" in html
