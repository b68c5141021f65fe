"""The models' check constraints, evaluated in Python on unsaved instances.

Django validates a CheckConstraint with one query per record; an import checks many thousand
rows, so it evaluates the same `condition` here instead, with SQL's three-valued logic (a
comparison with NULL is unknown, and an unknown CHECK passes, as in PostgreSQL). Only the
lookups the models use are understood; any other raises, which the tests would notice.
"""

import operator

from django.db.models import CheckConstraint, F, Model, Q

COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def _value(instance: Model, name: str):
    return getattr(instance, instance._meta.get_field(name).attname)


def _leaf(instance: Model, lookup: str, expected) -> bool | None:
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    actual = _value(instance, name)
    if kind == "isnull":
        return (actual is None) == bool(expected)
    if isinstance(expected, F):
        expected = _value(instance, expected.name)
    if actual is None or expected is None:
        return None
    return COMPARISONS[kind](actual, expected)


def condition_holds(condition: Q, instance: Model) -> bool | None:
    """True, False, or None when unknown (a NULL took part), like SQL."""
    results = [
        condition_holds(child, instance) if isinstance(child, Q) else _leaf(instance, *child)
        for child in condition.children
    ]
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    else:
        result = True if True in results else (None if None in results else False)
    if condition.negated and result is not None:
        result = not result
    return result


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


def constraint_violations(instance: Model, exclude: set[str]) -> dict[str, list[str]]:
    """Field -> messages of the check constraints `instance` breaks, skipping those that read a
    field in `exclude` (already invalid), as `Model.validate_constraints` does."""
    errors: dict[str, list[str]] = {}
    for constraint in check_constraints(type(instance)):
        if referenced_fields(constraint.condition) & exclude:
            continue
        if condition_holds(constraint.condition, instance) is False:
            field = instance.constraint_fields.get(constraint.name, "__all__")
            errors.setdefault(field, []).append(constraint.violation_error_message)
    return errors
