"""The registrar dashboard (docs/admin.md, Dashboard): this term's figures, each a link to a list
that shows the same count; certificate readiness per cohort; bounded queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from academics.choices import CompletionStatus
from academics.services import enrollment_finalize
from tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
COMPLETED = CompletionStatus.COMPLETED


def running_cohort():
    today = timezone.localdate()
    return CohortFactory(start_date=today - timedelta(days=30), end_date=today + timedelta(days=30))


def seed_term():
    """A running cohort with one enrollment of each kind, and an old cohort."""
    cohort = running_cohort()
    done = dict(completion_status=COMPLETED, completed_at=timezone.localdate())
    same = dict(cohort=cohort, course=cohort.course)
    EnrollmentFactory(**same)
    EnrollmentFactory(**same, **done)  # completed without a grade
    graded = EnrollmentFactory(**same, **done, grade=Decimal("8"))
    enrollment_finalize(enrollment=graded)
    EnrollmentFactory(**same, completion_status=CompletionStatus.DROPPED)
    EnrollmentFactory(cohort__start_date=date(2020, 1, 1), cohort__end_date=date(2020, 6, 1))
    return cohort


def listed_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    if "cl" in response.context:
        return response.context["cl"].result_count
    return response.context["total"]  # the data-quality page


def test_every_dashboard_figure_links_to_a_list_of_as_many_records(registrar_client):
    cohort = seed_term()

    dashboard = registrar_client.get("/admin/").context["dashboard"]

    figures = {figure.label: figure.count for figure in dashboard["figures"]}
    assert figures == {
        "Students": 5,
        "Active courses": 2,
        "Cohorts in progress": 1,
        "Completed without grade": 1,
        "Data-quality findings": 3,  # that one, and both cohorts: enrolled outside their dates
    }
    by_status = {figure.label: figure.count for figure in dashboard["enrollments"]}
    assert by_status == {"Enrolled": 2, "Completed": 2, "Dropped": 1}
    (readiness,) = dashboard["readiness"]
    assert readiness.cohort == cohort
    counts = [readiness.enrollments, readiness.completed, readiness.graded, readiness.finalized]
    assert [figure.count for figure in counts] == [4, 2, 1, 1]
    for figure in [*dashboard["figures"], *dashboard["enrollments"], *counts]:
        assert listed_count(registrar_client, figure.url) == figure.count, figure.label


def test_a_viewer_sees_the_figures_but_not_the_data_quality_one(viewer_client):
    seed_term()

    dashboard = viewer_client.get("/admin/").context["dashboard"]

    assert "Data-quality findings" not in {figure.label for figure in dashboard["figures"]}


def test_the_dashboard_runs_the_same_queries_for_one_and_many_cohorts(registrar_client):
    seed_term()
    registrar_client.get("/admin/")
    with CaptureQueriesContext(connection) as one:
        registrar_client.get("/admin/")

    for _ in range(5):
        cohort = running_cohort()
        EnrollmentFactory.create_batch(2, cohort=cohort, course=cohort.course)
    with CaptureQueriesContext(connection) as six:
        page = registrar_client.get("/admin/")

    assert len(page.context["dashboard"]["readiness"]) == 6
    assert len(one) == len(six)
