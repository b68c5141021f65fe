from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import UniqueConstraint

from academics.models import Cohort, Course, Enrollment
from academics.models.checks import check_constraints, condition_holds
from academics.transfer.specs import SPECS

CASES = [
    Enrollment(grade=Decimal("10.01"), enrolled_at=date(2024, 2, 1)),
    Enrollment(grade=Decimal("-1"), enrolled_at=date(2024, 2, 1)),
    Enrollment(grade=Decimal("10"), enrolled_at=date(2024, 2, 1)),
    Enrollment(grade=None, enrolled_at=date(2024, 2, 1), completed_at=date(2024, 1, 31)),
    Enrollment(grade=None, enrolled_at=date(2024, 2, 1), completed_at=date(2024, 2, 1)),
    Enrollment(grade=Decimal("0"), enrolled_at=None, completed_at=date(2024, 2, 1)),
    Cohort(start_date=date(2024, 2, 1), end_date=date(2024, 1, 1)),
    Cohort(start_date=date(2024, 2, 1), end_date=None),
    Cohort(start_date=None, end_date=date(2024, 1, 1)),
    Course(workload_hours=-1),
    Course(workload_hours=0),
    Course(workload_hours=None),
]


@pytest.mark.parametrize("instance", CASES, ids=lambda instance: type(instance).__name__)
def test_python_check_constraints_agree_with_the_database(in_tenant_a, instance):
    for constraint in check_constraints(type(instance)):
        try:
            constraint.validate(type(instance), instance)
            database_accepts = True
        except ValidationError:
            database_accepts = False

        assert (condition_holds(constraint.condition, instance) is not False) == database_accepts


def test_every_unique_constraint_is_a_key_rows_are_matched_by():
    """The importer checks uniqueness only within the file, which is right only while each
    unique constraint is a key rows are matched by (an existing record is then updated)."""
    for spec in SPECS.values():
        for constraint in spec.model._meta.constraints:
            if isinstance(constraint, UniqueConstraint):
                fields = tuple(constraint.fields) or tuple(
                    expression.source_expressions[0].name for expression in constraint.expressions
                )
                assert fields in spec.keys, (spec.name, constraint.name)
