"""Row locks that keep record writes right when they run at the same time (docs/api.md, "Safe
writes under concurrency"). The services take them; nothing else should need to.

- A write to a record locks its row `FOR NO KEY UPDATE` and reads it back: the writer's changed
  fields go on top of the row as it is now, and its revision is checked under the lock.
- A delete locks its rows `FOR UPDATE` before counting live dependants.
- A write that makes a record reference a parent (create, a changed reference, a restore) locks
  the parent `FOR KEY SHARE` and reads that it is still live.
- Finalizing an enrollment locks its course `FOR SHARE`: a course's workload and `graded` flag
  are fixed while finalized enrollments depend on them, so a finalization and a change of those
  fields serialize on the course's row, and the second sees the first.

`FOR UPDATE` conflicts with `FOR KEY SHARE` and nothing else here does, so a delete and a new
reference to the same parent serialize on the parent's row, while ordinary edits of a parent
and new references to it do not wait for each other. Under READ COMMITTED the second of the two
re-reads the row as committed by the first: a delete that comes second counts the new
dependant (409), a reference that comes second finds the parent deleted (422).
"""

from django.db import connection


def _quoted(model) -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), quote(model._meta.pk.column)


def lock_for_write(model, pk: int, *, mode: str = "NO KEY UPDATE") -> dict | None:
    """The row of `model` with primary key `pk` (attname -> value), locked for an update of its
    non-key columns until the transaction ends; None when there is no such row. `mode="SHARE"`
    locks it against every update instead, for a write that depends on the row's values (a
    finalized enrollment fixes its course's workload: academics/lifecycle.py)."""
    fields = model._meta.concrete_fields
    table, pk_column = _quoted(model)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        # The record fields' database types are what psycopg returns (uuid, numeric, date,
        # timestamptz, text): no conversion is needed.
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {pk_column} = %s FOR {mode}", [pk])
        row = cursor.fetchone()
    return None if row is None else {f.attname: v for f, v in zip(fields, row, strict=True)}


def lock_for_delete(model, pks: list[int]) -> dict[int, tuple[int, bool]]:
    """Lock the rows of `model` with these primary keys against every other writer and any new
    reference to them; returns each row's (revision, is deleted)."""
    table, pk_column = _quoted(model)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk_column}, revision, deleted_at IS NOT NULL FROM {table} "
            f"WHERE {pk_column} = ANY(%s) ORDER BY {pk_column} FOR UPDATE",
            [sorted(pks)],
        )
        return {pk: (revision, deleted) for pk, revision, deleted in cursor.fetchall()}


def lock_live_parents(model, pks: set[int]) -> set[int]:
    """Lock against deletion the live rows of `model` among `pks`; returns those found live.
    A pk missing from the answer names a parent that is deleted (or was, meanwhile)."""
    return lock_live_records({model: pks}).get(model, set())


def lock_live_records(wanted: dict) -> dict:
    """`lock_live_parents` for several models in one statement: model -> pks in, model -> the
    pks found live (and now locked) out. Models are locked in the order given, the same order
    for every writer of a kind of record."""
    wanted = {model: sorted(pks) for model, pks in wanted.items() if pks}
    if not wanted:
        return {}
    parts, params = [], []
    for n, (model, pks) in enumerate(wanted.items()):
        table, pk_column = _quoted(model)
        parts.append(
            f"SELECT {n}, {pk_column} FROM (SELECT {pk_column} FROM {table} "
            f"WHERE {pk_column} = ANY(%s) AND deleted_at IS NULL ORDER BY {pk_column} "
            f"FOR KEY SHARE) AS parent_{n}"
        )
        params.append(pks)
    models = list(wanted)
    live: dict = {model: set() for model in models}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for n, pk in cursor.fetchall():
            live[models[n]].add(pk)
    return live
