"""The enrollments list searches students and courses first, then their enrollments by index
(academics/admin/enrollments.py): the same matches as a search over the join."""

from tests.factories import CourseFactory, EnrollmentFactory, StudentFactory


def found(registrar_client, term) -> set:
    response = registrar_client.get("/admin/academics/enrollment/", {"q": term})
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_each_word_matches_a_student_or_a_course(registrar_client):
    # given
    ana = StudentFactory(name="Ana Souza", email="ana@uni.example")
    bo = StudentFactory(name="Bo Lima", email="bo@uni.example")
    law = CourseFactory(name="Law", code="LAW-1", status="active")
    med = CourseFactory(name="Medicine", code="MED-1", status="active")
    ana_law = EnrollmentFactory(student=ana, course=law, cohort=None)
    ana_med = EnrollmentFactory(student=ana, course=med, cohort=None)
    bo_law = EnrollmentFactory(student=bo, course=law, cohort=None)

    # then: by email, by name, by course code, and two words that must both match
    assert found(registrar_client, "ana@uni") == {ana_law.pk, ana_med.pk}
    assert found(registrar_client, "LIMA") == {bo_law.pk}
    assert found(registrar_client, "law-1") == {ana_law.pk, bo_law.pk}
    assert found(registrar_client, "souza med") == {ana_med.pk}
    assert found(registrar_client, "nobody") == set()
