"""Rows name related records by natural keys (a course's code, a student's email) or uuids; these
are looked up with one query per relation and chunk, live, and locked against deletion
(`academics.concurrency`) until the import's transaction ends."""

import uuid

from django.db import models
from django.db.models import F
from django.db.models.functions import Lower

from academics import messages as rules_msg
from academics.concurrency import lock_live_parents
from academics.transfer import messages as msg
from academics.transfer.queries import InArray
from academics.transfer.rows import Row
from academics.transfer.specs import Ref
from academics.wording import attribute

CHUNK_SIZE = 2000
ANALYZE_AFTER = 10_000
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})
TEXT_FIELDS = (models.CharField, models.TextField)


class ReferenceResolution:
    """RowImporter's part that attaches each row's related records."""

    def _lock_related(self, ref: Ref, rows: list[Row]) -> None:
        """Keep the records `ref` resolved to from being deleted until the import ends; one
        deleted since it was looked up is a reference to nothing."""
        named = [row for row in rows if row.related.get(ref.field, (None, None))[0] is not None]
        related = self.meta.get_field(ref.field).related_model
        live = lock_live_parents(related, {row.related[ref.field][0] for row in named})
        for row in named:
            if row.related[ref.field][0] not in live:
                del row.related[ref.field]
                column = self._ref_value(ref, row)[0]
                row.fail_ref(
                    ref, column, rules_msg.SELECTED_INVALID.format(attribute=attribute(column))
                )

    def _resolve(self, ref: Ref, rows: list[Row]) -> None:
        """Attach to each row the record its `ref` columns name: one query per lookup field."""
        fk = self.meta.get_field(ref.field)
        related = fk.related_model
        wanted: dict[str, set] = {}
        picks: list[tuple[Row, str, str, object]] = []
        for row in rows:
            column, lookup, value = self._ref_value(ref, row)
            if value is None:
                if fk.null:
                    row.related[ref.field] = (None, None)
                else:
                    row.fail_ref(ref, ref.column_names[0], fk.error_messages["null"])
                continue
            if lookup == "uuid":
                try:
                    value = uuid.UUID(value)
                except ValueError:
                    row.fail_ref(
                        ref, column, rules_msg.SELECTED_INVALID.format(attribute=attribute(column))
                    )
                    continue
            elif ref.casefold:
                value = value.lower()
            wanted.setdefault(lookup, set()).add(value)
            picks.append((row, column, lookup, value))

        found: dict[tuple, list] = {}
        scope_path = f"{ref.scope}_id" if ref.scope else None
        for lookup, values in wanted.items():
            queryset = related._default_manager.order_by()
            path = lookup
            if ref.casefold and lookup != "uuid":
                queryset = queryset.annotate(_transfer_key=Lower(lookup))
                path = "_transfer_key"
            queryset = queryset.filter(InArray(F(path), values))
            if ref.reads:
                # The rules read these fields of the related record: load it (only them).
                loaded = queryset.only(lookup, *ref.reads, *([ref.scope] if ref.scope else []))
                for record in loaded:
                    scope = getattr(record, scope_path) if scope_path else None
                    entry = (record.pk, record)
                    found.setdefault((lookup, getattr(record, path), scope), []).append(entry)
            else:
                paths = ["pk", path, *([scope_path] if scope_path else [])]
                for pk, value, *scope in queryset.values_list(*paths):
                    key = (lookup, value, scope[0] if scope else None)
                    found.setdefault(key, []).append((pk, None))

        for row, column, lookup, value in picks:
            scope = None
            if ref.scope:
                if ref.scope not in row.related:
                    continue  # the scope itself is missing or invalid and reported already
                scope = row.related[ref.scope][0]
            records = found.get((lookup, value, scope), [])
            if len(records) == 1:
                row.related[ref.field] = records[0]
            elif records:
                row.fail_ref(
                    ref,
                    column,
                    msg.REFERENCE_AMBIGUOUS.format(
                        model=related._meta.verbose_name, attribute=attribute(column)
                    ),
                )
            else:
                row.fail_ref(
                    ref, column, rules_msg.SELECTED_INVALID.format(attribute=attribute(column))
                )

    def _ref_value(self, ref: Ref, row: Row) -> tuple[str, str, str | None]:
        for column, lookup in ref.columns:
            value = row.cells.get(column, "")
            if value:
                return column, lookup, value
        return ref.column_names[0], ref.columns[0][1], None
