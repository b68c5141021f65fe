"""A filter for looking up a chunk's keys with one array parameter.

`field__in=[...]` sends one query parameter per value, which Django and psycopg then process one
by one; for a few thousand keys per chunk that costs more than the query itself. And
`field = ANY(array)` is checked against the array element by element on every row the planner
did not rule out, which is all of them when a table grew during the import (its statistics still
say it is empty). `InArray(expression, values)` sends `expression IN (SELECT unnest(%s))`: one
typed array parameter, joined by hash or by index.
"""

from django.db.models import BooleanField, Func


class InArray(Func):
    output_field = BooleanField()

    def __init__(self, expression, values):
        super().__init__(expression)
        self.values = list(values)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        db_type = self.source_expressions[0].output_field.cast_db_type(connection)
        return f"{sql} IN (SELECT unnest(%s::{db_type}[]))", (*params, self.values)
