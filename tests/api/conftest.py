"""Fixtures shared by the per-resource API tests."""

import pytest

from tests.factories import CohortFactory, StudentFactory


@pytest.fixture
def enrollment_body():
    """A valid minimal body for `POST /api/enrollments` (its records made in the active
    tenant)."""
    cohort = CohortFactory()
    return {
        "student_uuid": str(StudentFactory().uuid),
        "course_uuid": str(cohort.course.uuid),
        "cohort_uuid": str(cohort.uuid),
        "enrolled_at": "2024-02-01",
    }
