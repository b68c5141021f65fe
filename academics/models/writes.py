"""A record's INSERT and UPDATE, and its history row's INSERT, compiled once per shape.

Django builds and compiles an insert or an update query anew for every save. A record is
written in a few shapes only (its table, the columns written), so each shape's SQL is made once
and sent again with the save's values, prepared for the database exactly as Django's compiler
prepares them (`get_db_prep_save` of the value `pre_save` gives). A save whose values are not
plain (an expression, a database default) takes Django's own path.
"""

from functools import cache

from django.db import connections, models, transaction


@cache
def _update_sql(model, columns: tuple[str, ...]) -> str:
    quote = connections["default"].ops.quote_name
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    return f"UPDATE {table} SET {assignments} WHERE {table}.{quote(model._meta.pk.column)} = %s"


@cache
def _insert_sql(model, columns: tuple[str, ...], returning: tuple[str, ...]) -> str:
    quote = connections["default"].ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    values = ", ".join(["%s"] * len(columns))
    returned = ", ".join(f"{table}.{quote(column)}" for column in returning)
    return f"INSERT INTO {table} ({names}) VALUES ({values})" + (
        f" RETURNING {returned}" if returning else ""
    )


def _plain(field, value) -> bool:
    """A value Django would bind as it is, with `%s`: not an expression (a database default
    included), not a model instance, for a field without a placeholder of its own."""
    return not (
        hasattr(value, "resolve_expression")
        or hasattr(value, "prepare_database_save")
        or hasattr(field, "get_placeholder")
    )


def _returned_as_is(field) -> bool:
    """A returned column Django would not convert: an integer (the primary key, a revision) or
    a boolean (a column with a database default is returned too)."""
    kinds = (models.IntegerField, models.BooleanField)
    return isinstance(field, kinds) and not hasattr(field, "from_db_value")


class CompiledWrites(models.Model):
    class Meta:
        abstract = True

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        plain = all(_plain(field, value) for field, _model, value in values)
        if not values or not plain or base_qs.query.where or self._meta.select_on_save:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        connection = connections[using]
        sql = _update_sql(type(self), tuple(field.column for field, _model, _value in values))
        params = [field.get_db_prep_save(value, connection) for field, _model, value in values]
        params.append(self._meta.pk.get_db_prep_value(pk_val, connection))
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount > 0

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        returning_fields = returning_fields or []
        if raw or not fields or not all(map(_returned_as_is, returning_fields)):
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        values = [field.pre_save(self, add=True) for field in fields]
        if not all(_plain(field, value) for field, value in zip(fields, values, strict=True)):
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        connection = connections[using]
        sql = _insert_sql(
            type(self),
            tuple(field.column for field in fields),
            tuple(field.column for field in returning_fields),
        )
        params = [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, values, strict=True)
        ]
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [cursor.fetchone()] if returning_fields else []
