"""A read plan's statement has PostgreSQL write timestamps, dates shown as timestamps and uuids
as text (academics/api/reads.py, SQL_TEXT); what it gives must be exactly what the plan's Python
converters give for the same records (`one`, the output of GET one and of writes), for every
resource, whatever the values: whole and fractional seconds, NULLs, empty relations, years
before 1000."""

from datetime import UTC, date, datetime

import pytest

from academics.api.serializers import SERIALIZERS
from academics.models import Enrollment
from academics.records import REGISTRY
from tests.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    OrganizationFactory,
    StudentFactory,
)

pytestmark = pytest.mark.usefixtures("in_tenant_a")

MOMENTS = [
    datetime(2024, 3, 1, 12, 30, 5, tzinfo=UTC),  # no fraction: PostgreSQL omits it in its text
    datetime(2024, 3, 1, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2031, 12, 31, 0, 0, 0, 1, tzinfo=UTC),
]


def _records():
    OrganizationFactory()
    for n, moment in enumerate(MOMENTS):
        enrollment = EnrollmentFactory()
        EnrollmentFactory(cohort=None, course=CourseFactory(), student=StudentFactory())
        CohortFactory()
        Enrollment.all_objects.filter(pk=enrollment.pk).update(
            created_at=moment,
            updated_at=moment,
            finalized_at=moment if n else None,
            enrolled_at=date(999, 1, 2) if n == 2 else date(2024, 2, 1),
        )


@pytest.mark.parametrize("record", REGISTRY, ids=lambda record: record.name)
def test_the_statements_text_is_what_the_converters_give(record):
    _records()
    serializer = SERIALIZERS[record.name]
    plan = serializer.plan()
    relations = [relation.name for relation in record.relations]
    records = record.model.objects.select_related(*relations).order_by("pk")
    assert records.exists()

    by_sql = plan.rows(records)
    by_python = [plan.one(instance) for instance in records]

    assert by_sql == by_python
