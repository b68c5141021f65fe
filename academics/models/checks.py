"""Check constraints decided in Python, the way PostgreSQL decides them, so that validating a
record costs no round trip per rule (Django's own `CheckConstraint.validate` sends a
`SELECT … WHERE condition` in a savepoint for each one).

A condition is a `Q` of plain lookups on the record's own fields — `exact`, `gt`, `gte`, `lt`,
`lte`, `in`, `isnull` — against constants or `F()` of other fields, combined with AND, OR and NOT.
Comparisons follow SQL's three-valued logic: a comparison with NULL is unknown, and a CHECK passes
unless its condition is false. Anything else raises `Undecidable`, and the caller asks the
database as Django would; the database enforces every constraint at write time in any case.
"""

import operator

from django.db.models import F, Q
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


def passes(condition: Q, record) -> bool:
    """Whether `record` satisfies `condition` as a CHECK constraint (true or unknown)."""
    return _evaluate(condition, record) is not False


def _evaluate(node, record) -> bool | None:
    if isinstance(node, Q):
        results = [_evaluate(child, record) for child in node.children]
        combined = _all(results) if node.connector == Q.AND else _any(results)
        return None if combined is None else (not combined if node.negated else combined)
    if not isinstance(node, tuple):
        raise Undecidable(node)
    lookup, operand = node
    name, _, kind = lookup.partition(LOOKUP_SEP)
    kind = kind or "exact"
    if kind not in COMPARISONS and kind not in ("in", "isnull"):
        raise Undecidable(lookup)  # a transform or a relation's field
    value = _field_value(record, name)
    if kind == "isnull":
        return (value is None) is bool(operand)
    other = _field_value(record, operand.name) if isinstance(operand, F) else operand
    if hasattr(other, "resolve_expression"):
        raise Undecidable(other)
    if value is None or other is None:
        return None
    try:
        if kind == "in":
            return value in other
        return COMPARISONS[kind](value, other)
    except TypeError as error:
        raise Undecidable(lookup) from error


def _field_value(record, name: str):
    if LOOKUP_SEP in name:
        raise Undecidable(name)
    return getattr(record, record._meta.get_field(name).attname)


def _all(results: list) -> bool | None:
    if False in results:
        return False
    return None if None in results else True


def _any(results: list) -> bool | None:
    if True in results:
        return True
    return None if None in results else False
