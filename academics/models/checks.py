"""The models' check constraints, decided in Python the way PostgreSQL decides them.

Django validates a CheckConstraint with a query per constraint and record (a `SELECT … WHERE
condition` in a savepoint); a write would pay a round trip per rule and an import one per row
and rule. The same `condition` is compiled here into a Python predicate once per constraint:
plain lookups on the record's own fields — `exact`, `gt`, `gte`, `lt`, `lte`, `isnull` — against
constants or `F()` of other fields, combined with AND, OR and NOT, in SQL's three-valued logic (a
comparison with NULL is unknown, and a CHECK passes unless its condition is false). Anything else
raises `Undecidable` when compiled, and the caller asks the database as Django would; the
database enforces every constraint at write time in any case.
"""

import operator
from collections.abc import Callable
from functools import cache

from django.db.models import CheckConstraint, F, Model, Q
from django.db.models.constants import LOOKUP_SEP

COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class Undecidable(Exception):
    """The condition uses something this module does not evaluate."""


def _attname(meta, name: str) -> str:
    if LOOKUP_SEP in name:
        raise Undecidable(name)  # a related record's field
    return meta.get_field(name).attname


def _compile_leaf(meta, lookup: str, expected) -> Callable[[Model], bool | None]:
    name, _, kind = lookup.partition(LOOKUP_SEP)
    if kind == "isnull":
        attname, wanted = _attname(meta, name), bool(expected)
        return lambda instance: (getattr(instance, attname) is None) == wanted
    if (kind or "exact") not in COMPARISONS:
        raise Undecidable(lookup)  # a transform, or a relation's field
    compare, attname = COMPARISONS[kind or "exact"], _attname(meta, name)
    if isinstance(expected, F):
        other = _attname(meta, expected.name)

        def leaf(instance):
            actual, bound = getattr(instance, attname), getattr(instance, other)
            return None if actual is None or bound is None else compare(actual, bound)

        return leaf
    if hasattr(expected, "resolve_expression"):
        raise Undecidable(expected)

    def leaf(instance):
        actual = getattr(instance, attname)
        return None if actual is None or expected is None else compare(actual, expected)

    return leaf


def compile_condition(condition: Q, meta) -> Callable[[Model], bool | None]:
    """A function telling whether an instance satisfies `condition`: True, False, or None when
    unknown (a NULL took part), like SQL."""
    if condition.connector not in (Q.AND, Q.OR):
        raise Undecidable(condition.connector)
    parts = tuple(
        compile_condition(child, meta) if isinstance(child, Q) else _compile_leaf(meta, *child)
        for child in condition.children
    )
    # Three-valued AND and OR: one False (AND) or one True (OR) decides; else any unknown part
    # makes the whole unknown.
    decisive = condition.connector == Q.OR

    def holds(instance):
        unknown = False
        for part in parts:
            result = part(instance)
            if result is decisive:
                return decisive
            if result is None:
                unknown = True
        return None if unknown else not decisive

    if not condition.negated:
        return holds

    def negation(instance):
        result = holds(instance)
        return None if result is None else not result

    return negation


def condition_holds(condition: Q, instance: Model) -> bool | None:
    return compile_condition(condition, instance._meta)(instance)


@cache
def _predicate(model: type[Model], name: str) -> Callable[[Model], bool | None]:
    (constraint,) = [c for c in check_constraints(model) if c.name == name]
    return compile_condition(constraint.condition, model._meta)


def passes(constraint: CheckConstraint, record: Model) -> bool:
    """Whether `record` satisfies the check `constraint` of its model (true or unknown); the
    predicate is compiled once per constraint."""
    return _predicate(type(record), constraint.name)(record) is not False


def referenced_fields(condition: Q) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= referenced_fields(child)
        else:
            lookup, expected = child
            names.add(lookup.split(LOOKUP_SEP)[0])
            if isinstance(expected, F):
                names.add(expected.name)
    return names


def check_constraints(model: type[Model]) -> list[CheckConstraint]:
    return [c for c in model._meta.constraints if isinstance(c, CheckConstraint)]
