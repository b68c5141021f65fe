"""The models' check constraints, evaluated in Python on unsaved instances.

Django validates a CheckConstraint with one query per record; an import checks many thousand
rows, so it evaluates the same `condition` here instead, with SQL's three-valued logic (a
comparison with NULL is unknown, and an unknown CHECK passes, as in PostgreSQL). Only the
lookups the models use are understood; any other raises, which the tests would notice.
"""

import operator
from collections.abc import Callable

from django.db.models import CheckConstraint, F, Model, Q

COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def _compile_leaf(meta, lookup: str, expected) -> Callable[[Model], bool | None]:
    name, _, kind = lookup.partition("__")
    attname = meta.get_field(name).attname
    if kind == "isnull":
        wanted = bool(expected)
        return lambda instance: (getattr(instance, attname) is None) == wanted
    compare = COMPARISONS[kind or "exact"]
    if isinstance(expected, F):
        other = meta.get_field(expected.name).attname

        def leaf(instance):
            actual, bound = getattr(instance, attname), getattr(instance, other)
            return None if actual is None or bound is None else compare(actual, bound)

        return leaf

    def leaf(instance):
        actual = getattr(instance, attname)
        return None if actual is None or expected is None else compare(actual, expected)

    return leaf


def compile_condition(condition: Q, meta) -> Callable[[Model], bool | None]:
    """A function telling whether an instance satisfies `condition`: True, False, or None when
    unknown (a NULL took part), like SQL."""
    parts = tuple(
        compile_condition(child, meta) if isinstance(child, Q) else _compile_leaf(meta, *child)
        for child in condition.children
    )
    # Three-valued AND and OR: one False (AND) or one True (OR) decides; else any unknown part
    # makes the whole unknown.
    if condition.connector not in (Q.AND, Q.OR):
        raise ValueError(f"Unsupported connector in a check constraint: {condition.connector}")
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


def referenced_fields(condition: Q) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= referenced_fields(child)
        else:
            lookup, expected = child
            names.add(lookup.split("__")[0])
            if isinstance(expected, F):
                names.add(expected.name)
    return names


def check_constraints(model: type[Model]) -> list[CheckConstraint]:
    return [c for c in model._meta.constraints if isinstance(c, CheckConstraint)]


class CheckRules:
    """A model's check constraints, each with the fields it reads, for many instances."""

    def __init__(self, model: type[Model]):
        self.rules = [
            (
                constraint,
                compile_condition(constraint.condition, model._meta),
                referenced_fields(constraint.condition),
                model.constraint_fields.get(constraint.name, "__all__"),
            )
            for constraint in check_constraints(model)
        ]

    def violations(self, instance: Model, exclude: set[str]) -> dict[str, list[str]]:
        """Field -> messages of the constraints `instance` breaks, skipping those that read a
        field in `exclude` (already invalid), as `Model.validate_constraints` does."""
        errors: dict[str, list[str]] = {}
        for constraint, holds, fields, field in self.rules:
            if fields & exclude:
                continue
            if holds(instance) is False:
                errors.setdefault(field, []).append(constraint.violation_error_message)
        return errors
