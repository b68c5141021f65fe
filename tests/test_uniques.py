"""Unique rules asked with a probe compiled once per shape (academics/models/uniques.py) decide
as Django's own `UniqueConstraint.validate` does, for every unique constraint of every record
model: a copy of a live holder's values clashes, the holder itself does not, nor a copy of a
deleted holder or one that differs in a value; and a second record of the same shape is checked
without compiling any SQL."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import UniqueConstraint
from django.db.models.sql.compiler import SQLCompiler

from academics.models import Enrollment, Student
from academics.records import REGISTRY
from academics.services import record_soft_delete
from tests.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    OrganizationFactory,
    StudentFactory,
)

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def _copy_of(holder):
    """A new record holding `holder`'s values (another uuid, not saved)."""
    values = {
        field.attname: getattr(holder, field.attname)
        for field in holder._meta.concrete_fields
        if not field.primary_key and field.name not in {"uuid", "created_at", "updated_at"}
    }
    return type(holder)(**values)


# Per constraint: a saved holder, and how to make a copy of it differ in one covered value.
SCENARIOS = {
    "course_code_unique": (lambda: CourseFactory(code="U-1"), {"code": "U-2"}),
    "cohort_code_unique": (lambda: CohortFactory(code="K-1"), {"code": "K-2"}),
    "enrollment_unique_live": (EnrollmentFactory, {"course_id": None}),
    "enrollment_unique_live/no cohort": (
        lambda: EnrollmentFactory(cohort=None, course=CourseFactory()),
        {"student": None},
    ),
    "organization_code_unique_in_institution": (
        lambda: OrganizationFactory(code="F-1"),
        {"institution": None},
    ),
    "student_email_unique_ci": (
        lambda: StudentFactory(email="Ana@Example.edu"),
        {"email": "other@example.edu"},
    ),
}
OTHER = {
    "course_id": lambda: CourseFactory().pk,
    "student": StudentFactory,
    "institution": lambda: OrganizationFactory().institution,
}


def _constraint(model, scenario: str) -> UniqueConstraint:
    name = scenario.split("/")[0]
    (constraint,) = [c for c in model._meta.constraints if c.name == name]
    return constraint


def _django_says_taken(record, constraint) -> bool:
    try:
        constraint.validate(type(record), record, using=DEFAULT_DB_ALIAS)
    except ValidationError:
        return True
    return False


def _cases(holder, change: dict):
    copy = _copy_of(holder)
    if isinstance(holder, Student):
        copy.email = holder.email.swapcase()  # case-insensitive rule: still a clash
    different = _copy_of(holder)
    for name, value in change.items():
        setattr(different, name, value if value is not None else OTHER[name]())
    return {"copy": (copy, True), "itself": (holder, False), "different": (different, False)}


def test_every_unique_constraint_has_a_scenario():
    names = {
        constraint.name
        for record in REGISTRY
        for constraint in record.model._meta.constraints
        if isinstance(constraint, UniqueConstraint)
    }
    assert names == {scenario.split("/")[0] for scenario in SCENARIOS}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_probe_decides_each_unique_constraint_as_django_does(scenario):
    make_holder, change = SCENARIOS[scenario]
    holder = make_holder()
    constraint = _constraint(type(holder), scenario)
    cases = _cases(holder, change)

    for case, (record, taken) in cases.items():
        assert record._unique_taken(constraint, DEFAULT_DB_ALIAS) is taken, case
        assert _django_says_taken(record, constraint) is taken, case

    # once the holder is deleted, its copy is free too
    record_soft_delete(record=holder)
    copy = cases["copy"][0]
    assert copy._unique_taken(constraint, DEFAULT_DB_ALIAS) is False
    assert _django_says_taken(copy, constraint) is False


def test_a_second_record_of_the_same_shape_is_checked_without_compiling_sql():
    holder = EnrollmentFactory()
    constraint = _constraint(Enrollment, "enrollment_unique_live")
    assert _copy_of(holder)._unique_taken(constraint, DEFAULT_DB_ALIAS) is True

    other = EnrollmentFactory()
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True) as compile_sql:
        assert _copy_of(other)._unique_taken(constraint, DEFAULT_DB_ALIAS) is True
    assert compile_sql.call_count == 0
