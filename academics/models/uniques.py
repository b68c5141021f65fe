"""The models' unique constraints, asked of the database before a write: does another record
already hold these values?

Django's `UniqueConstraint.validate` compiles every field of the record into a new query on
each call, a millisecond of a write's time. Here the question is one `EXISTS`, compiled by the
ORM once per model, constraint and shape — whether the record is new (else it leaves itself
out) and which of its values are NULL — with a parameter wherever a value of the record goes,
filled in from the record each time it runs. The constraint's condition is part of the query
(only the rows it covers clash); whether it covers the record itself is the caller's to decide
(`academics.models.checks.condition_holds`). The database's unique index still enforces the
rule at write time.
"""

from functools import cache

from django.db import connections
from django.db.models import Expression, F, Model, UniqueConstraint
from django.db.models.lookups import Exact


class _Slot(Expression):
    """Where a value of the record goes in a compiled probe: a parameter, read from the record
    (its field `output_field`) whenever the probe runs."""

    def __init__(self, field):
        super().__init__(output_field=field)

    def as_sql(self, compiler, connection):
        return "%s", [self]


def _constraint(model: type[Model], name: str) -> UniqueConstraint:
    (constraint,) = [c for c in model._meta.constraints if c.name == name]
    return constraint


@cache
def _probe(model: type[Model], name: str, adding: bool, nulls: frozenset[str]):
    """(sql, params) of the EXISTS for one shape; params hold a `_Slot` for each record value."""
    constraint = _constraint(model, name)
    meta = model._meta
    referenced = {name for (name, *_rest) in model._constraint_references(constraint)}
    slots = {name: _Slot(meta.get_field(name)) for name in referenced}
    clashes = [Exact(F(field), slots[field]) for field in constraint.fields if field not in nulls]
    lookups = {f"{field}__isnull": True for field in constraint.fields if field in nulls}
    values = {F(name): slot for name, slot in slots.items()}
    clashes += [
        Exact(expression, expression.replace_expressions(values))
        for expression in constraint.expressions
    ]
    others = model._default_manager.filter(*clashes, **lookups)
    if constraint.condition is not None:
        others = others.filter(constraint.condition)
    if not adding:
        others = others.exclude(pk=_Slot(meta.pk))
    query = others.query.exists()
    return query.get_compiler(connection=connections[others.db]).as_sql()


def unique_taken(record: Model, constraint: UniqueConstraint, using: str) -> bool:
    """Whether another record of `record`'s model holds its values of `constraint` (among the
    rows the constraint's condition covers)."""
    nulls = frozenset(
        name
        for name in constraint.fields
        if getattr(record, record._meta.get_field(name).attname) is None
    )
    if nulls and constraint.nulls_distinct is not False:
        return False  # NULLs never clash
    sql, params = _probe(type(record), constraint.name, record._state.adding, nulls)
    connection = connections[using]
    values = [
        param.output_field.get_db_prep_value(
            getattr(record, param.output_field.attname), connection
        )
        if isinstance(param, _Slot)
        else param
        for param in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone() is not None
