"""The enrollment lifecycle in the registrar admin (docs/admin.md): the rules on the form, the
finalize and reopen actions, the transcript, the data-quality page."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from pypdf import PdfReader

from academics import messages as msg
from academics.admin.base import MSG_NOTHING_CHANGED
from academics.admin.enrollments import MSG_FINALIZED, MSG_REOPENED
from academics.choices import CompletionStatus
from academics.models import Enrollment
from academics.services import enrollment_finalize
from academics.wording import for_people
from tests.factories import CohortFactory, CourseFactory, EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db
ENROLLMENTS = "/admin/academics/enrollment/"


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def completed(**kwargs) -> Enrollment:
    return EnrollmentFactory(
        completion_status=CompletionStatus.COMPLETED,
        completed_at=date(2024, 12, 1),
        grade=Decimal("8.50"),
        **kwargs,
    )


def test_the_add_form_shows_the_lifecycle_rules_on_their_fields(registrar_client):
    cohort = CohortFactory()
    data = {
        "student": StudentFactory().pk,
        "course": cohort.course.pk,
        "cohort": cohort.pk,
        "completion_status": "enrolled",
        "enrolled_at": "2024-02-01",
        "completed_at": "2024-06-01",
        "grade": "7",
    }

    response = registrar_client.post(f"{ENROLLMENTS}add/", data)

    form = response.context["adminform"].form
    assert form.errors == {
        "completed_at": [for_people(msg.COMPLETED_AT_PROHIBITED)],
        "grade": [msg.GRADE_PROHIBITED],
    }
    assert not Enrollment.objects.exists()


def test_finalize_and_reopen_actions_keep_the_reason_and_the_user(registrar_client, registrar):
    # given
    enrollments = [completed(), completed()]
    selected = [e.pk for e in enrollments]

    # when
    finalized = registrar_client.post(
        ENROLLMENTS, {"action": "finalize_enrollments", "_selected_action": selected}
    )
    asked = registrar_client.post(
        ENROLLMENTS, {"action": "reopen_enrollments", "_selected_action": selected}
    )
    refused = registrar_client.post(
        ENROLLMENTS,
        {"action": "reopen_enrollments", "_selected_action": selected, "apply": "1"},
    )
    still_finalized = Enrollment.objects.filter(finalized_at__isnull=False).count()
    reopened = registrar_client.post(
        ENROLLMENTS,
        {
            "action": "reopen_enrollments",
            "_selected_action": selected,
            "apply": "1",
            "reason": "Wrong cohort",
        },
    )

    # then
    assert texts(finalized) == [MSG_FINALIZED.format(count=2)]
    assert asked.status_code == 200 and "reason" in asked.context["form"].fields
    assert refused.context["form"].errors == {"reason": [msg.REASON_REQUIRED]}
    assert still_finalized == 2
    assert texts(reopened) == [MSG_REOPENED.format(count=2)]
    for enrollment in enrollments:
        last, before = enrollment.history.order_by("-history_date", "-history_id")[:2]
        assert (last.history_change_reason, last.history_user) == ("Wrong cohort", registrar)
        assert before.finalized_at is not None and last.finalized_at is None
        assert last.history_actor_type == "staff"


def test_finalize_action_changes_nothing_when_one_is_still_enrolled(registrar_client):
    good, enrolled = completed(), EnrollmentFactory()

    response = registrar_client.post(
        ENROLLMENTS,
        {"action": "finalize_enrollments", "_selected_action": [good.pk, enrolled.pk]},
    )

    assert texts(response) == [
        MSG_NOTHING_CHANGED.format(record=enrolled, errors=msg.ENROLLMENT_NOT_FINALIZABLE)
    ]
    assert not Enrollment.objects.filter(finalized_at__isnull=False).exists()


def test_a_viewer_can_neither_finalize_nor_reopen(viewer_client):
    enrollment = completed()

    response = viewer_client.post(
        ENROLLMENTS, {"action": "finalize_enrollments", "_selected_action": [enrollment.pk]}
    )

    assert response.status_code in (302, 403) or "finalize_enrollments" not in str(
        response.context["action_form"].fields["action"].choices
    )
    enrollment.refresh_from_db()
    assert enrollment.finalized_at is None


def test_a_finalized_enrollment_is_read_only_and_cannot_be_deleted(registrar_client):
    enrollment = enrollment_finalize(enrollment=completed())

    change = registrar_client.get(f"{ENROLLMENTS}{enrollment.pk}/change/")
    delete = registrar_client.post(f"{ENROLLMENTS}{enrollment.pk}/delete/", {"post": "yes"})
    mark = registrar_client.post(
        ENROLLMENTS,
        {"action": "drop_enrollments", "_selected_action": [enrollment.pk]},
    )

    assert change.context["has_change_permission"] is False
    assert msg.ENROLLMENT_FINALIZED in texts(delete)
    assert MSG_NOTHING_CHANGED.format(record=enrollment, errors=msg.ENROLLMENT_FINALIZED) in texts(
        mark
    )
    enrollment.refresh_from_db()
    assert enrollment.deleted_at is None
    assert enrollment.completion_status == CompletionStatus.COMPLETED


def test_a_finalized_enrollment_in_the_students_inline_refuses_changes(registrar_client):
    enrollment = enrollment_finalize(enrollment=completed())
    student = enrollment.student
    url = f"/admin/academics/student/{student.pk}/change/"
    form = registrar_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "enrollments-TOTAL_FORMS": "1",
            "enrollments-INITIAL_FORMS": "1",
            "enrollments-0-id": enrollment.pk,
            "enrollments-0-student": student.pk,
            "enrollments-0-course": enrollment.course.pk,
            "enrollments-0-cohort": enrollment.cohort.pk,
            "enrollments-0-completion_status": "completed",
            "enrollments-0-enrolled_at": "2024-02-01",
            "enrollments-0-completed_at": "2024-12-01",
            "enrollments-0-grade": "10",
        }
    )

    response = registrar_client.post(url, data)

    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [{"__all__": [msg.ENROLLMENT_FINALIZED]}]
    enrollment.refresh_from_db()
    assert enrollment.grade == Decimal("8.50")


def test_the_students_page_links_to_its_transcript_pdf(registrar_client):
    enrollment = completed()
    student = enrollment.student
    page = registrar_client.get(f"/admin/academics/student/{student.pk}/change/")
    url = f"/admin/academics/student/{student.pk}/transcript/"

    pdf = registrar_client.get(url)

    assert url in page.content.decode()
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(pdf.content)).pages[0].extract_text()
    assert student.name in text and enrollment.course.name in text and "8.50" in text


def test_the_data_quality_page_counts_each_finding_and_links_to_it(registrar_client):
    # given rows written before the rules (NOT VALID constraints skip existing rows only, so
    # they are written past them as a legacy import would have)
    EnrollmentFactory()  # fine
    breaker = EnrollmentFactory()
    without_grade = completed()
    Enrollment.objects.filter(pk=without_grade.pk).update(grade=None)
    cohort = CohortFactory(start_date=date(2024, 3, 1))
    EnrollmentFactory(cohort=cohort, enrolled_at=date(2024, 2, 1))
    StudentFactory(name="Ana Souza", email="ana@a.edu", date_of_birth=date(2001, 1, 1))
    StudentFactory(name="ana souza", email="ana@b.edu", date_of_birth=date(2001, 1, 1))
    idle = CourseFactory()
    with_legacy_rows(lambda: Enrollment.objects.filter(pk=breaker.pk).update(grade=5))

    # when
    response = registrar_client.get("/admin/data-quality/")

    # then
    counts = {title: count for title, count, _url in response.context["findings"]}
    assert list(counts.values()) == [1, 1, 1, 2, 1]
    assert response.context["total"] == 6
    lifecycle = registrar_client.get(f"{ENROLLMENTS}?quality=lifecycle")
    assert [e.pk for e in lifecycle.context["cl"].result_list] == [breaker.pk]
    courses = registrar_client.get("/admin/academics/course/?quality=idle_courses")
    assert [c.pk for c in courses.context["cl"].result_list] == [idle.pk]


def test_a_viewer_does_not_see_the_data_quality_page(viewer_client):
    assert viewer_client.get("/admin/data-quality/").status_code == 403


def with_legacy_rows(write):
    """Run `write` as rows written before the lifecycle rules were: their constraints are
    dropped, then added back by migration 0006's own operations, which must not fail on the
    rows that break them (docs/api.md, Enrollment lifecycle)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = MigrationLoader(connection).get_migration("academics", "0006_enrollment_lifecycle")
    adds = [op for op in migration.operations if type(op).__name__ == "AddCheckNotValid"]
    state = MigrationLoader(connection).project_state(("academics", "0006_enrollment_lifecycle"))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor(atomic=False) as editor:
        for op in adds:
            editor.execute(f"ALTER TABLE academics_enrollment DROP CONSTRAINT {op.constraint.name}")
        write()
        for op in adds:
            op.database_forwards("academics", editor, state, state)
