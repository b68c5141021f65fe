"""A filter for looking up a chunk's keys with one array parameter.

`field__in=[...]` sends one query parameter per value, which Django and psycopg then process one
by one; for a few thousand keys per chunk that costs more than the query itself.
`EqualsAny(expression, values)` sends `expression = ANY(%s)` with the values as one array.
"""

from django.db.models import BooleanField, Func


class EqualsAny(Func):
    output_field = BooleanField()

    def __init__(self, expression, values):
        super().__init__(expression)
        self.values = list(values)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s)", (*params, self.values)
