"""What a file of each resource holds, derived from the record registry (`academics.records`)
for the importer, the exporter and the admin.

A file names related records by keys a registrar has in hand (a student's email, a course's
code, or a record's public uuid), never by database ids; a row finds the record it updates the
same way (`keys`). Every file carries the records' own uuids too, so that an exported tenant
imported elsewhere keeps the identities API clients know its records by.
"""

from dataclasses import dataclass, field

from django.db import models

from academics.records import REGISTRY, RecordType, record_type


@dataclass(frozen=True)
class Ref:
    """Columns that name one related record. `columns` pairs each column with the field of the
        related model it is looked up by; the first column filled in on a row is used. `scope` names
        a relation the related record must share with the row (an organization code means something
        only within its institution). `reads` lists the fields of the related record the model rules
    (`clean()`) read: such records are loaded; the others are attached by id only."""

    field: str
    columns: tuple[tuple[str, str], ...]
    scope: str | None = None
    casefold: bool = False
    reads: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column for column, _ in self.columns)


@dataclass(frozen=True)
class Spec:
    """One resource's file layout.

    - `fields`: columns that are model fields of the same name;
    - `refs`: columns that name related records;
    - `keys`: how a row finds the record it updates: alternatives of model field names, the
      first whose text fields are all filled in wins (a row matching nothing creates a record);
    - `casefold`: key fields compared case-insensitively;
    - `required`: groups of columns of which the header must hold at least one each;
    - `readable`: export-only columns, (column, model path): the name of a related record that
      the file names by another key (the student's name beside their email), for the people who
      read the file; import accepts and ignores them, so an export imports again.
    """

    name: str
    model: type[models.Model]
    fields: tuple[str, ...]
    refs: tuple[Ref, ...] = ()
    keys: tuple[tuple[str, ...], ...] = ()
    casefold: frozenset[str] = field(default_factory=frozenset)
    required: tuple[tuple[str, ...], ...] = ()
    readable: tuple[tuple[str, str], ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """What import reads."""
        return tuple(c for ref in self.refs for c in ref.column_names) + self.fields

    @property
    def export_columns(self) -> tuple[str, ...]:
        """What export writes: the import columns, then the readable ones."""
        return self.columns + tuple(column for column, _ in self.readable)

    def ref_for_column(self, column: str) -> Ref | None:
        return next((ref for ref in self.refs if column in ref.column_names), None)


def _ref(owner: RecordType, relation) -> Ref:
    """How a row names the record `relation` points at: `<relation>_<key>` for each key the
    related resource is named by."""
    target = record_type(relation.related_model)
    return Ref(
        field=relation.name,
        columns=tuple((f"{relation.name}_{key}", key) for key in target.named_by),
        scope=target.named_within,
        casefold=bool(set(target.named_by) & target.casefold),
        reads=owner.clean_reads.get(relation.name, ()),
    )


def spec_for(record: RecordType) -> Spec:
    """A resource's file: its relations' columns, then `uuid`, the key fields, the rest of its
    own fields. The header must hold, with `uuid` as the alternative to each: a key field
    (unless every key is made of relations) and the columns of each required relation that
    every key names."""
    refs = tuple(_ref(record, relation) for relation in record.relations)
    key_fields = [name for key in record.keys for name in key if name in record.own_fields]
    fields = tuple(dict.fromkeys(("uuid", *key_fields, *record.own_fields)))
    natural = [key for key in record.keys if key != ("uuid",)]
    required = tuple(
        ("uuid", *ref.column_names)
        for relation, ref in zip(record.relations, refs, strict=True)
        if not relation.null and natural and all(relation.name in key for key in natural)
    )
    if key_fields:
        required += (("uuid", *dict.fromkeys(key_fields)),)
    readable = tuple(
        (f"{relation.name}_name", f"{relation.name}__name")
        for relation in record.relations
        if "name" not in record_type(relation.related_model).named_by
        and any(field.name == "name" for field in relation.related_model._meta.fields)
    )
    return Spec(
        name=record.name,
        model=record.model,
        fields=fields,
        refs=refs,
        keys=record.keys,
        casefold=record.casefold,
        required=required,
        readable=readable,
    )


SPECS: dict[str, Spec] = {record.name: spec_for(record) for record in REGISTRY}
