"""Check constraints decided in Python (academics/models/checks.py) decide as PostgreSQL does:
every check constraint of every record model, over every combination of boundary values of the
fields it reads, gives the same verdict as the database's own evaluation (Django's
`Q.check`, a `SELECT … WHERE` of the condition)."""

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db.models import CheckConstraint, Q

from academics.choices import CompletionStatus
from academics.models.checks import Undecidable, condition_holds, passes
from academics.records import REGISTRY

pytestmark = pytest.mark.usefixtures("in_tenant_a")

# Boundary values per kind of field: below, on and above the limits the constraints name.
SAMPLES = {
    "DecimalField": [None, Decimal("-0.01"), Decimal("0"), Decimal("10"), Decimal("10.01")],
    "PositiveIntegerField": [None, 0, 1],
    "IntegerField": [None, -1, 0, 1],
    "DateField": [None, date(2024, 1, 31), date(2024, 2, 1), date(2024, 2, 2)],
    "DateTimeField": [None, datetime(2024, 2, 1, tzinfo=UTC)],
}


def _samples(field) -> list:
    if field.choices:
        return [None, *(value for value, _label in field.choices)]
    return SAMPLES[field.get_internal_type()]


CONSTRAINTS = [
    pytest.param(record.model, constraint, id=constraint.name)
    for record in REGISTRY
    for constraint in record.model._meta.constraints
    if isinstance(constraint, CheckConstraint)
]


@pytest.mark.parametrize(("model", "constraint"), CONSTRAINTS)
def test_python_decides_each_check_constraint_as_the_database_does(model, constraint):
    # given every combination of boundary values of the fields the condition reads
    names = sorted({ref[0] for ref in model._get_expr_references(constraint.condition)})
    fields = [model._meta.get_field(name) for name in names]
    combinations = list(itertools.product(*(_samples(field) for field in fields)))
    assert len(combinations) > 1

    disagreements = []
    for values in combinations:
        record = model(**dict(zip(names, values, strict=True)))
        # when both decide
        in_python = passes(constraint, record)
        in_database = Q(constraint.condition).check(
            record._get_field_expression_map(meta=model._meta)
        )
        # then they agree
        if in_python != in_database:
            disagreements.append((values, in_python, in_database))
    assert disagreements == []


def test_both_verdicts_occur():
    # given a rule with a violation and a pass
    from academics.models import Enrollment

    (rule,) = [c for c in Enrollment._meta.constraints if c.name == "enrollment_grade_range"]

    # then each verdict happens: the equivalence test above is not comparing constants
    assert passes(rule, Enrollment(grade=Decimal("7"))) is True
    assert passes(rule, Enrollment(grade=Decimal("11"))) is False
    assert passes(rule, Enrollment(grade=None)) is True


def test_a_comparison_with_null_is_unknown_and_so_is_its_negation():
    from academics.models import Enrollment

    record = Enrollment(completion_status=CompletionStatus.COMPLETED, completed_at=None)
    assert condition_holds(Q(completed_at__gte=date(2024, 1, 1)), record) is None
    assert condition_holds(~Q(completed_at__gte=date(2024, 1, 1)), record) is None
    assert condition_holds(Q(completed_at__isnull=False), record) is False


def test_what_it_cannot_decide_is_left_to_the_database():
    from academics.models import Enrollment, Student

    with pytest.raises(Undecidable):
        condition_holds(Q(name__icontains="a"), Student(name="Ana"))
    with pytest.raises(Undecidable):
        condition_holds(Q(course__code="X"), Enrollment())
