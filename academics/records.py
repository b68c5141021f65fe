"""The record registry: each resource declared once; every layer derives from it.

A `RecordType` holds what cannot be read off the model: the API name, how other records show it
(`summary`) and name it in files (`named_by`), its `where[...]` / sort / search lists and the
natural keys a file row is matched by. The rest is read off the model: its fields, the records it
belongs to (foreign keys to other records: `<relation>_uuid` in the API, `<relation>_<key>` in
files), and what protects it from deletion (the `PROTECT` relations pointing at it).

Derived from `REGISTRY`: the API routes, serializers, filtersets and viewsets
(`academics.api.views`), the import/export specs (`academics.transfer.specs`), the staff roles'
permissions (`academics.roles`), the OpenAPI enums and the generic test tables.
`tests/test_registry.py` fails when a model field is missing from a layer without a reason
listed in `EXCLUDED`. Adding a resource: `docs/development.md`.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.db import models

from academics.models import Cohort, Course, Enrollment, Institution, Organization, Student
from academics.models.base import RecordModel

TIMESTAMPS = ("created_at", "updated_at")


@dataclass(frozen=True)
class RecordType:
    """One resource.

    - `name`: plural, the API path (`/api/<name>`), the file resource and the feed's name;
    - `summary`: the fields other records' output shows of it (`course: {"uuid", "name"}`);
    - `named_by`: the fields a file names it by from another record's row, first preferred
      (`course_code`, `course_uuid`); `named_within`: the relation such a name is unique in;
    - `filters`: the `where[...]` allow-list in API names (`course_uuid` for a relation);
    - `sort`, `search`: sortable columns, model paths searched by `search=`;
    - `keys`: alternatives of model fields a file row finds the record it updates by;
    - `casefold`: fields compared case-insensitively (keys, filters, file names);
    - `dates_as_timestamps`: date fields the API shows as midnight-UTC timestamps;
    - `bounds`: number fields' (minimum, maximum) that a check constraint enforces, for the
      schema (the constraint itself is the rule);
    - `clean_reads`: relation -> fields of the related record that the model's `clean()` reads
      (the importer loads those; other related records are attached by id);
    - `read_only`: fields the record's output shows but no writer sets (only a service does, e.g.
      an enrollment's `finalized_at`).
    """

    name: str
    model: type[RecordModel]
    summary: tuple[str, ...]
    named_by: tuple[str, ...]
    filters: tuple[str, ...]
    sort: tuple[str, ...]
    search: tuple[str, ...]
    keys: tuple[tuple[str, ...], ...]
    named_within: str | None = None
    casefold: frozenset[str] = frozenset()
    dates_as_timestamps: tuple[str, ...] = ()
    bounds: dict[str, tuple[int, int]] = field(default_factory=dict)
    clean_reads: dict[str, tuple[str, ...]] = field(default_factory=dict)
    read_only: tuple[str, ...] = ()

    def __str__(self):
        return self.name

    @cached_property
    def relations(self) -> tuple[models.ForeignKey, ...]:
        """The records this one belongs to, in model order."""
        return tuple(
            f
            for f in self.model._meta.concrete_fields
            if f.many_to_one and issubclass(f.related_model, RecordModel)
        )

    @cached_property
    def own_fields(self) -> tuple[str, ...]:
        """The record's own data: editable concrete fields that are not relations."""
        return tuple(
            f.name
            for f in self.model._meta.concrete_fields
            if f.editable and not f.primary_key and not f.many_to_one
        )

    @cached_property
    def protected_by(self) -> tuple[models.ManyToOneRel, ...]:
        """Relations whose live rows forbid deleting this record: every `PROTECT` foreign key of
        another record pointing at it."""
        return tuple(
            rel
            for rel in self.model._meta.related_objects
            if rel.on_delete is models.PROTECT and issubclass(rel.related_model, RecordModel)
        )


REGISTRY: tuple[RecordType, ...] = (
    RecordType(
        name="institutions",
        model=Institution,
        summary=("uuid", "name"),
        named_by=("uuid", "name"),
        filters=("status", "country", "name", "tax_id"),
        sort=("name", "created_at", "updated_at"),
        search=("name", "legal_name", "tax_id"),
        keys=(("uuid",), ("name",)),
    ),
    RecordType(
        name="organizations",
        model=Organization,
        summary=("uuid", "name"),
        named_by=("code", "uuid"),
        named_within="institution",
        filters=("institution_uuid", "code", "name"),
        sort=("name", "code", "created_at", "updated_at"),
        search=("name", "code"),
        keys=(("uuid",), ("institution", "code"), ("institution", "name")),
    ),
    RecordType(
        name="courses",
        model=Course,
        summary=("uuid", "name"),
        # A course may have no code: its uuid names it then.
        named_by=("code", "uuid"),
        filters=(
            "status",
            "code",
            "institution_uuid",
            "organization_uuid",
            "area",
            "version",
            "workload_hours",
        ),
        sort=("name", "code", "status", "workload_hours", "created_at", "updated_at"),
        search=("name", "code"),
        keys=(("uuid",), ("code",), ("institution", "name")),
        clean_reads={"organization": ("institution",)},
    ),
    RecordType(
        name="cohorts",
        model=Cohort,
        summary=("uuid", "code"),
        named_by=("code",),
        filters=("course_uuid", "code", "modality"),
        sort=("code", "start_date", "end_date", "created_at"),
        search=("code",),
        keys=(("uuid",), ("code",)),
        dates_as_timestamps=("start_date", "end_date"),
    ),
    RecordType(
        name="students",
        model=Student,
        summary=("uuid", "name"),
        named_by=("email",),
        # Emails are unique whatever their case, so they are found whatever their case.
        casefold=frozenset({"email"}),
        filters=("email", "name", "gender", "date_of_birth"),
        sort=("name", "email", "date_of_birth", "created_at"),
        search=("name", "email", "social_name"),
        keys=(("uuid",), ("email",)),
    ),
    RecordType(
        name="enrollments",
        model=Enrollment,
        summary=("uuid",),
        named_by=("uuid",),
        filters=("completion_status", "course_uuid", "student_uuid", "cohort_uuid", "grade"),
        sort=("enrolled_at", "completed_at", "grade", "completion_status", "created_at"),
        search=("student__name", "student__email", "course__name", "course__code"),
        keys=(("uuid",), ("student", "course", "cohort")),
        dates_as_timestamps=("enrolled_at", "completed_at"),
        bounds={"grade": (0, 10)},
        clean_reads={"course": ("status",), "cohort": ("course",)},
        read_only=("finalized_at",),
    ),
)

BY_NAME: dict[str, RecordType] = {record.name: record for record in REGISTRY}
BY_MODEL: dict[type[RecordModel], RecordType] = {record.model: record for record in REGISTRY}

# Model fields a layer leaves out on purpose, with the reason; the completeness test
# (`tests/test_registry.py`) accepts no other omission.
EXCLUDED: dict[str, dict[str, str]] = {
    "api": {
        "deleted_at": "soft-deleted records do not exist for API clients (docs/api.md, Writes)",
        "revision": "shown as the ETag header, not in the body (docs/api.md, Safe writes)",
    },
    "files": {
        "created_at": "write times belong to the tenant that wrote the record, not to its data",
        "updated_at": "write times belong to the tenant that wrote the record, not to its data",
        "deleted_at": "files carry live records; deletion is not imported",
        "revision": "counts writes in one tenant; a record imported elsewhere starts again",
        "finalized_at": "finalizing and reopening are acts with a reason, not data a file sets "
        "(docs/api.md, Enrollment lifecycle)",
    },
    "admin": {
        "revision": "carried by the change form as `revision_seen` for its stale-form check",
    },
    "openapi": {
        "deleted_at": "soft-deleted records do not exist for API clients (docs/api.md, Writes)",
        "revision": "shown as the ETag header, not in the body (docs/api.md, Safe writes)",
    },
}


def record_type(model: type[models.Model]) -> RecordType:
    return BY_MODEL[model]
