"""Importing rows of a resource: validate every row by the model rules, then upsert all of them,
or write nothing at all.

The rules are those of `academics.services.record_save` (`full_clean`: field validation, the
model's `clean()`, its constraints), applied set-wise so that a large file costs a few queries
per chunk of rows instead of several per row:

- related records named by natural keys are looked up with one query per relation and chunk,
  and attached to the instances, so `clean()` reads them without querying;
- the records the rows update are found with one query per chunk;
- `Model.clean_fields()` and `Model.clean()` run as they are, in Python;
- check constraints are evaluated in Python (`rules`);
- unique constraints: every model's unique constraint is the key its rows are matched by
  (`Spec.keys`), so a row can only break one by naming, by any of its keys, a record an earlier
  row of the same file created or changed, which is checked here; a concurrent writer is still
  caught by the database at insert.

New records stream into their table with COPY while their chunk is being validated (`writer`),
changed ones are written with simple_history's `bulk_update_with_history`; either way every
created or changed record gets its history entry, in one transaction that is rolled back if any
row is invalid.

Concurrent writers (`academics.concurrency`): the records rows update are locked when they are
matched, so only what a row changes is written over them and their revision is bumped from the
current one; the related records rows name are locked against deletion and re-read live.

By job: `rows` (results, the report, the header check), `references` (related records),
`matching` (the record a row updates), `writer` (COPY and history), `rules` (check constraints);
this module validates and writes each chunk.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from functools import partial
from itertools import islice

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import signals
from django.db.models.base import ModelState
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from academics import messages as rules_msg
from academics.history import current_actor
from academics.lifecycle import finalized_dependants, fixed_field_errors
from academics.transfer import messages as msg
from academics.transfer.files import UNNAMED
from academics.transfer.matching import RecordMatching, instance_key, unmatched
from academics.transfer.references import ReferenceResolution
from academics.transfer.rows import (
    CREATE,
    REJECT,
    UNCHANGED,
    UPDATE,
    ImportReport,
    Rollback,
    Row,
    RowError,
    RowResult,
)
from academics.transfer.rules import CheckRules
from academics.transfer.specs import Spec
from academics.transfer.writer import RecordStream

CHUNK_SIZE = 2000
ANALYZE_AFTER = 10_000
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})
TEXT_FIELDS = (models.CharField, models.TextField)


class RowImporter(ReferenceResolution, RecordMatching):
    """Imports rows of one resource. Rows are `(line number, {column: text})`; the columns must
    have been checked against the spec (`check_columns`)."""

    def __init__(
        self,
        spec: Spec,
        columns: Iterable[str],
        *,
        unit: str = "line",
    ):
        self.spec = spec
        self.unit = unit
        self.model = spec.model
        self.meta = spec.model._meta
        self.columns = tuple(columns)
        self.plain = [self.meta.get_field(name) for name in spec.fields if name in self.columns]
        self.refs = [ref for ref in spec.refs if set(ref.column_names) & set(self.columns)]
        self.fk_names = {ref.field for ref in spec.refs}
        self.ref_fields = [self.meta.get_field(ref.field) for ref in self.refs]
        self.constraints = CheckRules(spec.model)
        # Fields validated on a new record: everything a registrar could fill in. On an update,
        # only the columns the file has (a missing column leaves the field as it is).
        editable = {
            f.name
            for f in self.meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in self.fk_names
        }
        self.all_names = {f.name for f in self.meta.concrete_fields}
        self.checked_on_create = editable | {f.name for f in self.plain}
        self.checked_on_update = {f.name for f in self.plain}
        # What `clean_fields` skips, computed once rather than per row.
        self.unchecked_on_create = frozenset(self.all_names - self.checked_on_create)
        self.unchecked_on_update = frozenset(self.all_names - self.checked_on_update)
        # Each key alternative's parts: (field name, attname, is a relation, compared casefolded).
        self.key_parts = [
            (
                key_fields,
                tuple(
                    (
                        name,
                        self.meta.get_field(name).attname,
                        name in self.fk_names,
                        name in spec.casefold,
                    )
                    for name in key_fields
                ),
            )
            for key_fields in spec.keys
        ]
        self.key_order = {
            named: sorted(self.key_parts, key=lambda alternative: alternative[0] != named)
            for named in spec.keys
        }
        # Keys whose value a new record draws itself when the file leaves it empty (its uuid).
        self.drawn_keys = {
            (f.name,)
            for f in self.meta.concrete_fields
            if not f.editable and callable(f.default) and (f.name,) in spec.keys
        }
        # Who the history names: the actor of the import's entry point (academics/history.py).
        actor = current_actor()
        self.user = actor.user if actor else None
        self.actor_columns = actor.history_columns() if actor else {}
        self.seen: dict[tuple, int] = {}
        self._template: dict | None = None
        self.callable_defaults = [
            f for f in self.meta.concrete_fields if f.has_default() and callable(f.default)
        ]
        self.inserted = self.analyzed_at = 0

    # --- the whole run ---------------------------------------------------------------------

    def run(
        self,
        rows: Iterable[tuple[int, dict[str, str]]],
        *,
        dry_run: bool = False,
        chunk_size: int = CHUNK_SIZE,
        on_row: Callable[[RowResult], None] | None = None,
    ) -> ImportReport:
        report = ImportReport(resource=self.spec.name, dry_run=dry_run)
        try:
            with transaction.atomic():
                for chunk in _chunks(iter(rows), chunk_size):
                    looked_up = self._look_up(chunk)
                    if dry_run or not report.ok:
                        self._check(looked_up, report, on_row)
                    else:
                        self._check_and_write(looked_up, report, on_row)
                if dry_run or not report.ok:
                    raise Rollback
                report.written = True
        except Rollback:
            pass
        return report

    def _look_up(self, chunk) -> list[Row]:
        """The chunk's rows, with the related records they name and the records they update."""
        rows = [Row(line=line, cells=cells) for line, cells in chunk]
        readable = [row for row in rows if row.cells is not None]
        for ref in self.refs:
            self._resolve(ref, readable)
            self._lock_related(ref, readable)
        self._match(readable)
        # Records whose fields finalized enrollments fix (academics/lifecycle.py), before the
        # chunk's COPY holds the connection.
        matched = [row.match.pk for row in readable if row.match is not None]
        self.finalized_dependants = finalized_dependants(self.model, matched)
        return rows

    def _check(self, rows: list[Row], report, on_row, create=None) -> list:
        """Validate every row in Python, handing each new record to `create` while the file is
        valid so far; returns the records to update."""
        updates = []
        for row in rows:
            if row.cells is None:
                row.fail("", msg.ROW_LENGTH)
                instance, action = None, REJECT
            elif UNNAMED in row.cells:
                row.fail("", msg.UNNAMED_CELL.format(number=row.cells[UNNAMED]))
                instance, action = None, REJECT
            else:
                instance, action = self._apply(row)
            errors = [
                RowError(row.line, column, message, self.unit)
                for column, messages in row.errors.items()
                for message in messages
            ]
            report.counts[action] += 1
            report.errors.extend(errors)
            if action == CREATE:
                if create is not None and report.ok:
                    create(instance)
            elif action == UPDATE:
                updates.append(instance)
            if on_row is not None:
                changed = self._changed_columns(instance) if action == UPDATE else ()
                on_row(RowResult(row.line, action, errors, changed, partial(self._label, row)))
        return updates

    def _check_and_write(self, rows: list[Row], report, on_row) -> None:
        """Check the chunk while its new records stream into the table (the database inserts
        them meanwhile), then write its changed records; in a savepoint, so that a constraint
        broken by another writer is reported and the remaining rows are still checked."""
        creates = unmatched(rows)
        stream = RecordStream(self.model, count=creates)
        try:
            with transaction.atomic():
                with stream if creates else nullcontext():
                    create = stream.write if creates else None
                    updates = self._check(rows, report, on_row, create=create)
                if report.ok:
                    self._update(updates)
        except IntegrityError as error:
            # Another writer took a unique value between our check and the insert.
            report.errors.append(RowError(None, "", self._integrity_message(error)))
            return
        self._analyze_when_grown(len(stream.written))

    def _update(self, records: list) -> None:
        if not records:
            return
        now = timezone.now()
        changed = set().union(*(record._transfer_changed for record in records))
        for record in records:
            record.updated_at = now
            record.revision += 1
        bulk_update_with_history(
            records,
            self.model,
            [*sorted(changed), "updated_at", "revision"],
            batch_size=1000,
            default_user=self.user,
            custom_historical_attrs=self.actor_columns,
        )

    def _analyze_when_grown(self, inserted: int) -> None:
        """Refresh the table's statistics each time this import has doubled it. Autovacuum
        cannot see rows of a transaction still open, and with statistics that say the table is
        empty the planner scans the whole table for each chunk's lookups."""
        self.inserted += inserted
        if self.inserted >= max(2 * self.analyzed_at, ANALYZE_AFTER):
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(self.meta.db_table)}")
            self.analyzed_at = self.inserted

    def _integrity_message(self, error: IntegrityError) -> str:
        for constraint in self.meta.constraints:
            if constraint.name in str(error):
                return constraint.violation_error_message
        return str(error).splitlines()[0]

    # --- related records by natural key ------------------------------------------------------

    # --- the records rows update -----------------------------------------------------------

    # --- one row -----------------------------------------------------------------------------

    def _apply(self, row: Row) -> tuple[models.Model | None, str]:
        """Put the row's values on its record (new or matched) and validate it."""
        instance = row.match if row.match is not None else self._new_instance()
        adding = row.match is None
        unchecked = self.unchecked_on_create if adding else self.unchecked_on_update
        before = {} if adding else {f.attname: getattr(instance, f.attname) for f in self.plain}

        for field_ in self.plain:
            raw = row.cells.get(field_.name, "")
            if not raw and (not field_.editable or (adding and field_.has_default())):
                continue  # an empty cell keeps the default, and never blanks a uuid
            setattr(instance, field_.attname, self._parse(field_, raw))
        for fk in self.ref_fields:
            if fk.name in row.related:
                if not adding:
                    before[fk.attname] = getattr(instance, fk.attname)
                pk, record = row.related[fk.name]
                # Set the id and prime the relation cache directly: the descriptor's checks
                # cost more than the rest of the row, and the record comes from our own query.
                instance.__dict__[fk.attname] = pk
                if record is not None:
                    fk.set_cached_value(instance, record)
                elif fk.is_cached(instance):
                    fk.delete_cached_value(instance)

        field_errors = {}
        try:
            instance.clean_fields(exclude=unchecked)
        except ValidationError as error:
            field_errors = error.message_dict
            for name in field_errors:
                # Leave no unparsed text behind for clean() to compare with dates or numbers.
                setattr(instance, self.meta.get_field(name).attname, None)
        for name, messages in field_errors.items():
            for message in messages:
                row.fail(self._column(name), message)
        try:
            instance.clean()
        except ValidationError as error:
            found = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for name, messages in found.items():
                for message in messages:
                    row.fail(self._column(name), message)
        invalid = set(field_errors) | row.failed
        for name, messages in self.constraints.violations(instance, invalid).items():
            for message in messages:
                row.fail(self._column(name), message)

        # One row per record: a row may not name, by any of its keys as the row leaves them, a
        # record an earlier row of the file created or changed. Rows are matched a chunk at a
        # time, so without this the outcome would depend on where the chunks are cut.
        # The key the row itself names its record by is tried first, for the column reported.
        for key_fields, parts in self.key_order.get(row.key_fields, self.key_parts):
            if adding and key_fields in self.drawn_keys and not row.cells.get(key_fields[0]):
                continue  # a uuid just drawn for a new record: no other row can name it
            key = instance_key(instance, parts, invalid)
            if key is None:
                continue
            first = self.seen.setdefault((key_fields, key), row.line)
            if first != row.line:
                row.fail(
                    self._column(key_fields[0]),
                    msg.DUPLICATE_IN_FILE.format(model=self.meta.verbose_name, line=first),
                )
                break

        if row.errors:
            return None, REJECT
        if adding:
            return instance, CREATE
        changed = {name for name, old in before.items() if not _same(old, getattr(instance, name))}
        if not changed:
            return None, UNCHANGED
        if getattr(instance, "is_finalized", False):
            row.fail("", rules_msg.ENROLLMENT_FINALIZED)
            return None, REJECT
        names = {self.meta.get_field(n).name for n in changed}
        dependants = self.finalized_dependants.get(instance.pk, 0)
        for name, message in fixed_field_errors(self.model, names, dependants).items():
            row.fail(self._column(name), message)
        if row.errors:
            return None, REJECT
        instance._transfer_changed = names
        return instance, UPDATE

    def _new_instance(self) -> models.Model:
        """A new record with its defaults, as `Model()` makes it: a copy of one made once, with
        the callable defaults (the uuid) drawn again. `Model()` costs as much as the rest of a
        row's validation; the copy is used only when no init signal is listened to."""
        if self._template is None:
            if signals.pre_init.has_listeners(self.model) or signals.post_init.has_listeners(
                self.model
            ):
                return self.model()
            self._template = self.model().__dict__
        instance = self.model.__new__(self.model)
        instance.__dict__.update(self._template)
        instance._state = ModelState()
        for field_ in self.callable_defaults:
            setattr(instance, field_.attname, field_.get_default())
        return instance

    def _parse(self, field_: models.Field, raw: str):
        if raw == "":
            if field_.null or not isinstance(field_, TEXT_FIELDS):
                return None
            return ""
        if isinstance(field_, models.BooleanField):
            word = raw.lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
        if isinstance(field_, models.DecimalField) and "," in raw and "." not in raw:
            # A decimal comma, as spreadsheets in many locales write a grade: 8,5 is 8.5.
            return raw.replace(",", ".", 1) if raw.count(",") == 1 else raw
        return raw

    def _column(self, name: str) -> str:
        if name == NON_FIELD_ERRORS:
            return ""
        if name in self.fk_names:
            ref = next(r for r in self.spec.refs if r.field == name)
            present = [c for c in ref.column_names if c in self.columns]
            return (present or ref.column_names)[0]
        return name

    def _changed_columns(self, instance) -> tuple[str, ...]:
        def field_of(column: str) -> str:
            ref = self.spec.ref_for_column(column)
            return ref.field if ref else column

        return tuple(c for c in self.columns if field_of(c) in instance._transfer_changed)

    def _label(self, row: Row) -> str:
        """The row's record as a registrar names it: by its natural key (the first one filled
        in, a record's uuid only when there is nothing else)."""
        cells = row.cells or {}
        natural = [k for k in self.spec.keys if k != ("uuid",)] + [("uuid",)]
        for names in natural:
            columns = []
            for name in names:
                if name in self.fk_names:
                    ref = next(r for r in self.spec.refs if r.field == name)
                    columns.extend(ref.column_names)
                else:
                    columns.append(name)
            if any(cells.get(c) for c in columns):
                break
        return " / ".join(cells[c] for c in columns if cells.get(c)) or "—"


def _same(old, new) -> bool:
    # A nullable text field holding "" and a file cell that is empty mean the same thing.
    return old == new or (old in ("", None) and new in ("", None))


def _chunks(iterator: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(iterator, size)):
        yield chunk
