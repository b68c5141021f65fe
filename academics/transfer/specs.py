"""What a file of each resource holds, declared once for the importer, the exporter and the admin.

A file names related records by keys a registrar has in hand (a student's email, a course's
code, or a record's public uuid), never by database ids; a row finds the record it updates the
same way (`keys`). Every file carries the records' own uuids too, so that an exported tenant
imported elsewhere keeps the identities API clients know its records by.
"""

from dataclasses import dataclass, field

from django.db import models

from academics.models import Cohort, Course, Enrollment, Institution, Organization, Student


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
    - `required`: groups of columns of which the header must hold at least one each.
    """

    name: str
    model: type[models.Model]
    fields: tuple[str, ...]
    refs: tuple[Ref, ...] = ()
    keys: tuple[tuple[str, ...], ...] = ()
    casefold: frozenset[str] = field(default_factory=frozenset)
    required: tuple[tuple[str, ...], ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for ref in self.refs for c in ref.column_names) + self.fields

    def ref_for_column(self, column: str) -> Ref | None:
        return next((ref for ref in self.refs if column in ref.column_names), None)


INSTITUTION_REF = Ref(
    field="institution",
    columns=(("institution_uuid", "uuid"), ("institution_name", "name")),
)
# A course or an organization may have no code: its uuid names it then.
COURSE_COLUMNS = (("course_code", "code"), ("course_uuid", "uuid"))

SPECS: dict[str, Spec] = {
    spec.name: spec
    for spec in (
        Spec(
            name="institutions",
            model=Institution,
            fields=(
                "uuid",
                "name",
                "legal_name",
                "tax_id",
                "country",
                "website",
                "linkedin_organization",
                "status",
                "is_badges_enabled",
                "badge_image_uuid",
            ),
            keys=(("uuid",), ("name",)),
            required=(("uuid", "name"),),
        ),
        Spec(
            name="organizations",
            model=Organization,
            fields=("uuid", "code", "name"),
            refs=(INSTITUTION_REF,),
            keys=(("uuid",), ("institution", "code"), ("institution", "name")),
            required=(("uuid", *INSTITUTION_REF.column_names), ("uuid", "code", "name")),
        ),
        Spec(
            name="courses",
            model=Course,
            fields=(
                "uuid",
                "code",
                "name",
                "description",
                "workload_hours",
                "area",
                "version",
                "status",
            ),
            refs=(
                INSTITUTION_REF,
                Ref(
                    field="organization",
                    columns=(("organization_code", "code"), ("organization_uuid", "uuid")),
                    scope="institution",
                    reads=("institution",),
                ),
            ),
            keys=(("uuid",), ("code",), ("institution", "name")),
            required=(("uuid", "code", "name"),),
        ),
        Spec(
            name="cohorts",
            model=Cohort,
            fields=("uuid", "code", "modality", "start_date", "end_date"),
            refs=(Ref(field="course", columns=COURSE_COLUMNS),),
            keys=(("uuid",), ("code",)),
            required=(("uuid", "code"),),
        ),
        Spec(
            name="students",
            model=Student,
            fields=("uuid", "email", "name", "date_of_birth", "gender", "social_name"),
            keys=(("uuid",), ("email",)),
            casefold=frozenset({"email"}),
            required=(("uuid", "email"),),
        ),
        Spec(
            name="enrollments",
            model=Enrollment,
            fields=("uuid", "completion_status", "grade", "enrolled_at", "completed_at"),
            refs=(
                Ref(field="student", columns=(("student_email", "email"),), casefold=True),
                Ref(field="course", columns=COURSE_COLUMNS, reads=("status",)),
                Ref(field="cohort", columns=(("cohort_code", "code"),), reads=("course",)),
            ),
            keys=(("uuid",), ("student", "course", "cohort")),
            required=(("uuid", "student_email"), ("uuid", "course_code", "course_uuid")),
        ),
    )
}
