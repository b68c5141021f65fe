"""The grade sheet of a cohort or course (docs/admin.md, Grade sheet): all-or-nothing saves with
errors on their rows, the lifecycle rules, stale rows, roles, bulk actions, constant queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academics import messages as msg
from academics.admin.grade_sheet import MSG_ACTION_DONE, MSG_SAVED
from academics.choices import CompletionStatus
from academics.models import Enrollment
from academics.services import enrollment_finalize, record_save
from tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
COMPLETED, DROPPED, ENROLLED = (
    CompletionStatus.COMPLETED,
    CompletionStatus.DROPPED,
    CompletionStatus.ENROLLED,
)


def sheet_url(cohort) -> str:
    return f"/admin/academics/cohort/{cohort.pk}/grades/"


def sheet_data(response, changes: dict | None = None, **extra) -> dict:
    """The sheet's form as the page rendered it, with `changes` (enrollment pk -> field ->
    value) typed in, as a browser would post it."""
    formset = response.context["formset"]
    data = {f"rows-{key}": value for key, value in formset.management_form.initial.items()}
    for index, form in enumerate(formset):
        row = {name: form[name].value() for name in form.fields}
        row.update((changes or {}).get(row["id"], {}))
        for name, value in row.items():
            if value is None or value is False:
                continue
            data[f"rows-{index}-{name}"] = "on" if value is True else str(value)
    return {**data, **extra}


def enrolled_cohort(size: int):
    cohort = CohortFactory()
    enrollments = EnrollmentFactory.create_batch(size, cohort=cohort, course=cohort.course)
    return cohort, enrollments


def test_the_sheet_lists_the_cohorts_enrollments_with_their_students(registrar_client):
    cohort, enrollments = enrolled_cohort(2)
    EnrollmentFactory()  # another cohort's

    page = registrar_client.get(sheet_url(cohort))

    assert [row.enrollment for row in page.context["rows"]] == sorted(
        enrollments, key=lambda e: e.student.name
    )
    assert enrollments[0].student.email.encode() in page.content
    course = registrar_client.get(f"/admin/academics/course/{cohort.course.pk}/grades/")
    assert len(course.context["rows"]) == 2


def test_the_cohort_and_course_pages_link_to_their_sheets(registrar_client):
    cohort, _ = enrolled_cohort(1)

    cohort_page = registrar_client.get(f"/admin/academics/cohort/{cohort.pk}/change/")
    course_page = registrar_client.get(f"/admin/academics/course/{cohort.course.pk}/change/")
    cohort_list = registrar_client.get("/admin/academics/cohort/")

    assert sheet_url(cohort).encode() in cohort_page.content
    assert f"/admin/academics/course/{cohort.course.pk}/grades/".encode() in course_page.content
    assert sheet_url(cohort).encode() in cohort_list.content


def test_a_sheet_saves_every_row_and_names_the_registrar(registrar_client, registrar):
    cohort, (first, second) = enrolled_cohort(2)
    page = registrar_client.get(sheet_url(cohort))

    saved = registrar_client.post(
        sheet_url(cohort),
        sheet_data(
            page,
            {
                first.pk: {
                    "completion_status": COMPLETED,
                    "grade": "8.25",
                    "completed_at": "2024-12-01",
                },
                second.pk: {"completion_status": DROPPED},
            },
        ),
        follow=True,
    )

    first.refresh_from_db(), second.refresh_from_db()
    assert (first.completion_status, first.grade, first.completed_at) == (
        COMPLETED,
        Decimal("8.25"),
        date(2024, 12, 1),
    )
    assert second.completion_status == DROPPED
    assert MSG_SAVED.format(count=2) in saved.content.decode()
    assert first.history.latest().history_user == registrar


def test_one_bad_grade_saves_nothing_and_is_shown_on_its_row(registrar_client):
    cohort, (good, bad) = enrolled_cohort(2)
    page = registrar_client.get(sheet_url(cohort))

    refused = registrar_client.post(
        sheet_url(cohort),
        sheet_data(
            page,
            {
                good.pk: {
                    "completion_status": COMPLETED,
                    "grade": "7",
                    "completed_at": "2024-12-01",
                },
                bad.pk: {
                    "completion_status": COMPLETED,
                    "grade": "11",
                    "completed_at": "2024-12-01",
                },
            },
        ),
    )

    rows = {row.enrollment.pk: row for row in refused.context["rows"]}
    assert rows[bad.pk].errors == [msg.GRADE_RANGE]
    assert rows[good.pk].errors == []
    assert f'id="errors-{bad.pk}"'.encode() in refused.content
    assert not Enrollment.objects.filter(completion_status=COMPLETED).exists()
    # what the registrar typed stays on the page, to be corrected
    assert rows[bad.pk].form["grade"].value() == "11"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ({"completion_status": COMPLETED, "grade": "8"}, msg.COMPLETED_AT_REQUIRED),
        ({"grade": "8"}, msg.GRADE_PROHIBITED),
        (
            {"completion_status": COMPLETED, "grade": "8.555", "completed_at": "2024-12-01"},
            msg.GRADE_DECIMALS,
        ),
        (
            {"completion_status": COMPLETED, "completed_at": "2023-01-01"},
            msg.COMPLETED_BEFORE_ENROLLED,
        ),
        ({"grade": "eight"}, msg.NUMERIC.format(attribute="grade")),
    ],
)
def test_the_lifecycle_rules_are_the_services(registrar_client, typed, error):
    cohort, (enrollment,) = enrolled_cohort(1)
    page = registrar_client.get(sheet_url(cohort))

    refused = registrar_client.post(sheet_url(cohort), sheet_data(page, {enrollment.pk: typed}))

    assert error in refused.context["rows"][0].errors
    enrollment.refresh_from_db()
    assert (enrollment.completion_status, enrollment.grade) == (ENROLLED, None)


def test_a_finalized_row_is_read_only_and_refuses_a_posted_change(registrar_client):
    cohort, (open_row,) = enrolled_cohort(1)
    finalized = EnrollmentFactory(
        cohort=cohort,
        course=cohort.course,
        completion_status=COMPLETED,
        completed_at=date(2024, 12, 1),
        grade=Decimal("9"),
    )
    enrollment_finalize(enrollment=finalized)
    page = registrar_client.get(sheet_url(cohort))
    rows = {row.enrollment.pk: row for row in page.context["rows"]}
    assert rows[finalized.pk].form is None
    content = page.content.decode()
    assert f'name="rows-0-id" value="{open_row.pk}"' in content
    assert 'name="rows-1-' not in content  # the finalized row has no inputs

    # the sheet as rendered saves the other rows
    registrar_client.post(
        sheet_url(cohort), sheet_data(page, {open_row.pk: {"completion_status": DROPPED}})
    )
    open_row.refresh_from_db()
    assert open_row.completion_status == DROPPED

    page = registrar_client.get(sheet_url(cohort))
    crafted = sheet_data(page, **{"rows-TOTAL_FORMS": "2", "rows-1-id": str(finalized.pk)})
    crafted.update(
        {"rows-1-revision": str(finalized.revision), "rows-1-completion_status": COMPLETED}
    )
    crafted.update({"rows-1-grade": "5", "rows-1-completed_at": "2024-12-01"})
    refused = registrar_client.post(sheet_url(cohort), crafted)

    rows = {row.enrollment.pk: row for row in refused.context["rows"]}
    assert rows[finalized.pk].errors == [msg.ENROLLMENT_FINALIZED]
    finalized.refresh_from_db()
    assert finalized.grade == Decimal("9")


def test_a_row_changed_since_the_sheet_was_read_is_refused(registrar_client):
    cohort, (enrollment,) = enrolled_cohort(1)
    page = registrar_client.get(sheet_url(cohort))
    enrollment.completion_status = DROPPED
    record_save(record=enrollment)  # someone else, meanwhile

    refused = registrar_client.post(
        sheet_url(cohort),
        sheet_data(
            page, {enrollment.pk: {"completion_status": COMPLETED, "completed_at": "2024-12-01"}}
        ),
    )

    assert "reload it" in refused.context["rows"][0].errors[0]
    enrollment.refresh_from_db()
    assert enrollment.completion_status == DROPPED


def test_a_viewer_reads_the_sheet_and_cannot_save(viewer_client, registrar_client):
    cohort, (enrollment,) = enrolled_cohort(1)
    page = registrar_client.get(sheet_url(cohort))
    data = sheet_data(page, {enrollment.pk: {"completion_status": DROPPED}})

    read = viewer_client.get(sheet_url(cohort))
    refused = viewer_client.post(sheet_url(cohort), data)

    assert read.status_code == 200
    assert b'name="rows-0-grade"' not in read.content
    assert refused.status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.completion_status == ENROLLED


def test_complete_uses_the_date_and_the_grades_typed_for_the_selected_rows(registrar_client):
    cohort, (chosen, other) = enrolled_cohort(2)
    page = registrar_client.get(sheet_url(cohort))

    done = registrar_client.post(
        sheet_url(cohort),
        sheet_data(
            page,
            {chosen.pk: {"selected": True, "grade": "6.5"}, other.pk: {"grade": "3"}},
            action="complete",
            action_date="2024-11-30",
        ),
        follow=True,
    )

    chosen.refresh_from_db(), other.refresh_from_db()
    assert (chosen.completion_status, chosen.grade, chosen.completed_at) == (
        COMPLETED,
        Decimal("6.5"),
        date(2024, 11, 30),
    )
    assert (other.completion_status, other.grade) == (ENROLLED, None)
    expected = MSG_ACTION_DONE["complete"].format(count=1, date=date(2024, 11, 30))
    assert expected in done.content.decode()


def test_drop_then_finalize_the_selected_rows(registrar_client):
    cohort, enrollments = enrolled_cohort(2)
    everyone = {e.pk: {"selected": True} for e in enrollments}

    registrar_client.post(
        sheet_url(cohort),
        sheet_data(registrar_client.get(sheet_url(cohort)), everyone, action="drop"),
    )
    registrar_client.post(
        sheet_url(cohort),
        sheet_data(registrar_client.get(sheet_url(cohort)), everyone, action="finalize"),
    )

    assert set(Enrollment.objects.values_list("completion_status", flat=True)) == {DROPPED}
    assert not Enrollment.objects.filter(finalized_at__isnull=True).exists()


def test_finalize_is_all_or_nothing(registrar_client):
    cohort, (ready, enrolled) = enrolled_cohort(2)
    ready.completion_status = DROPPED
    record_save(record=ready)
    page = registrar_client.get(sheet_url(cohort))

    refused = registrar_client.post(
        sheet_url(cohort),
        sheet_data(
            page, {ready.pk: {"selected": True}, enrolled.pk: {"selected": True}}, action="finalize"
        ),
    )

    rows = {row.enrollment.pk: row for row in refused.context["rows"]}
    assert rows[enrolled.pk].errors == [msg.ENROLLMENT_NOT_FINALIZABLE]
    assert not Enrollment.objects.filter(finalized_at__isnull=False).exists()


def test_the_sheet_runs_the_same_queries_for_3_and_30_rows(registrar_client):
    small, _ = enrolled_cohort(3)
    big, _ = enrolled_cohort(30)
    registrar_client.get(sheet_url(small))  # session and permission caches warm

    with CaptureQueriesContext(connection) as three:
        registrar_client.get(sheet_url(small))
    with CaptureQueriesContext(connection) as thirty:
        registrar_client.get(sheet_url(big))

    assert len(three) == len(thirty)


def test_the_sheet_is_paginated(registrar_client, monkeypatch):
    cohort, _ = enrolled_cohort(3)
    monkeypatch.setattr("academics.admin.grade_sheet.ROWS_PER_PAGE", 2)

    first = registrar_client.get(sheet_url(cohort))
    second = registrar_client.get(sheet_url(cohort) + "?page=2")

    assert (len(first.context["rows"]), len(second.context["rows"])) == (2, 1)
