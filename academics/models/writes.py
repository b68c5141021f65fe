"""A record's INSERT and UPDATE, and its history row's INSERT, compiled once per shape.

Django builds and compiles an insert or an update query anew for every save. A record is
written in a few shapes only (its table, the columns written), so each shape's SQL is made once
and sent again with the save's values, prepared for the database exactly as Django's compiler
prepares them (`get_db_prep_save` of the value `pre_save` gives). A save whose values are not
plain (an expression, a database default) takes Django's own path.

A model that keeps history (`history_values`) has its history row written by the write's own
statement: the row as written, `RETURNING` its columns, is copied into the history table in a
data-modifying `WITH` (one statement and one round trip instead of two, and no history instance
built in Python). simple-history then writes none for that save (academics/models/base.py,
`RecordHistory`).
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


@cache
def _logged_sql(
    write: str,
    history_model,
    copied: tuple[str, ...],
    own: tuple[str, ...],
    returning: tuple[str, ...],
) -> str:
    """`write` (an INSERT or UPDATE of one row, without RETURNING) that also inserts its history
    row: the record's `copied` columns as written, then the history's `own` columns, whose
    values follow the write's parameters. Answers the `returning` columns of the row written
    (one row, or none when an UPDATE matched none)."""
    quote = connections["default"].ops.quote_name
    written = ", ".join(quote(column) for column in dict.fromkeys(copied + returning))
    columns = ", ".join(quote(column) for column in copied + own)
    values = ", ".join([quote(column) for column in copied] + ["%s"] * len(own))
    answer = ", ".join(quote(column) for column in returning) or "1"
    return (
        f"WITH written AS ({write} RETURNING {written}), "
        f"logged AS (INSERT INTO {quote(history_model._meta.db_table)} ({columns}) "
        f"SELECT {values} FROM written) "
        f"SELECT {answer} FROM written"
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

    def history_values(self, history_type: str):
        """(history model, the record's columns it copies, its own columns' values) for the
        history row a write of this record makes, or None when the write makes none here."""
        return None

    def save_base(self, *args, **kwargs):
        self.__dict__.pop("history_written", None)
        return super().save_base(*args, **kwargs)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        plain = all(_plain(field, value) for field, _model, value in values)
        if not values or not plain or base_qs.query.where or self._meta.select_on_save:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        connection = connections[using]
        sql = _update_sql(type(self), tuple(field.column for field, _model, _value in values))
        params = [field.get_db_prep_save(value, connection) for field, _model, value in values]
        params.append(self._meta.pk.get_db_prep_value(pk_val, connection))
        sql, params = self._logged(sql, params, self.history_values("~"), ())
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount > 0

    def _logged(self, sql: str, params: list, logged, returning: tuple[str, ...]):
        """The write's statement and parameters, writing its history row too when it has one
        (`logged`: `history_values`)."""
        if logged is None:
            return sql, params
        history_model, copied, own = logged
        self.history_written = True  # unless the statement fails, when the save raises
        sql = _logged_sql(sql, history_model, copied, tuple(own), returning)
        return sql, [*params, *own.values()]

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        returning_fields = returning_fields or []
        if raw or not fields or not all(map(_returned_as_is, returning_fields)):
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        values = [field.pre_save(self, add=True) for field in fields]
        if not all(_plain(field, value) for field, value in zip(fields, values, strict=True)):
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        connection = connections[using]
        columns = tuple(field.column for field in fields)
        returning = tuple(field.column for field in returning_fields)
        params = [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, values, strict=True)
        ]
        logged = self.history_values("+")
        if logged is None:
            sql = _insert_sql(type(self), columns, returning)
        else:
            sql = _insert_sql(type(self), columns, ())
            sql, params = self._logged(sql, params, logged, returning)
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [cursor.fetchone()] if returning_fields else []
