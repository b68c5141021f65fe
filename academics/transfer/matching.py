"""Which existing record a row updates: its key alternatives (`Spec.keys`), looked up with one
query per alternative and chunk; and a record named twice in one file, found by the same keys."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from academics.transfer import messages as msg
from academics.transfer.queries import InArray
from academics.transfer.rows import Row

CHUNK_SIZE = 2000
ANALYZE_AFTER = 10_000
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})
TEXT_FIELDS = (models.CharField, models.TextField)


class RecordMatching:
    """RowImporter's part that finds the record each row updates."""

    def _match(self, rows: list[Row]) -> None:
        """Find, with one query per key alternative, the live record each row updates."""
        by_alternative: dict[tuple[str, ...], list[Row]] = {}
        for row in rows:
            for key_fields in self.spec.keys:
                key = self._key(row, key_fields)
                if key is not None:
                    row.key, row.key_fields = key, key_fields
                    by_alternative.setdefault(key_fields, []).append(row)
                    break
        for key_fields, matched_rows in by_alternative.items():
            # Locked until the import ends: the rows' changes go on top of the records as read.
            queryset = self.model._default_manager.order_by().select_for_update(no_key=True)
            paths = []
            for name in key_fields:
                field_ = self.meta.get_field(name)
                if name in self.spec.casefold:
                    alias = f"_transfer_{name}"
                    queryset = queryset.annotate(**{alias: Lower(name)})
                    paths.append(alias)
                else:
                    paths.append(field_.attname)
            # Filter on the key part with the most distinct values only (the most selective, and
            # a query simple enough for the planner); the whole key is compared below.
            distinct = [{row.key[p] for row in matched_rows} for p in range(len(paths))]
            position = max(range(len(paths)), key=lambda p: len(distinct[p]))
            path, values = paths[position], distinct[position]
            condition = Q(InArray(F(path), values - {None}))
            if None in values:
                condition |= Q(**{f"{path}__isnull": True})
            existing: dict[tuple, list] = {}
            for record in queryset.filter(condition):
                existing.setdefault(tuple(getattr(record, p) for p in paths), []).append(record)
            for row in matched_rows:
                records = existing.get(row.key, [])
                if len(records) > 1:
                    row.fail("", msg.RECORD_AMBIGUOUS.format(model=self.meta.verbose_name))
                elif records:
                    row.match = records[0]

    def _key(self, row: Row, key_fields: tuple[str, ...]) -> tuple | None:
        """The row's value of a key alternative, or None when a text part of it is blank."""
        values = []
        for name in key_fields:
            if name in self.fk_names:
                if name in row.failed:
                    return None
                values.append(row.related.get(name, (None, None))[0])
                continue
            raw = row.cells.get(name, "")
            if not raw:
                return None
            try:
                value = self.meta.get_field(name).to_python(raw)
            except ValidationError:
                return None
            values.append(value.lower() if name in self.spec.casefold else value)
        return tuple(values)


def instance_key(instance, parts, invalid: set[str]) -> tuple | None:
    """The instance's value of a key alternative (`RowImporter.key_parts`), or None when a part
    of it is invalid or a text part is blank (such a key names no record)."""
    values = []
    for name, attname, is_relation, casefold in parts:
        if name in invalid:
            return None
        value = getattr(instance, attname)
        if not is_relation:
            if value is None or value == "":
                return None
            if casefold:
                value = value.lower()
        values.append(value)
    return tuple(values)


def unmatched(rows: list[Row]) -> int:
    """How many of the rows would create a record (all of them valid)."""
    return sum(1 for row in rows if row.cells is not None and row.match is None)
