"""What a file of each resource holds, declared once for the importer, the exporter and the admin.

A file names related records by keys a registrar has in hand (a student's email, a course's
code), never by database ids; a row finds the record it updates the same way (`keys`).
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
            fields=("code", "name"),
            refs=(INSTITUTION_REF,),
            keys=(("institution", "code"), ("institution", "name")),
            required=(INSTITUTION_REF.column_names, ("code", "name")),
        ),
        Spec(
            name="courses",
            model=Course,
            fields=("code", "name", "description", "workload_hours", "area", "version", "status"),
            refs=(
                INSTITUTION_REF,
                Ref(
                    field="organization",
                    columns=(("organization_code", "code"),),
                    scope="institution",
                    reads=("institution",),
                ),
            ),
            keys=(("code",), ("institution", "name")),
            required=(("code", "name"),),
        ),
        Spec(
            name="cohorts",
            model=Cohort,
            fields=("code", "modality", "start_date", "end_date"),
            refs=(Ref(field="course", columns=(("course_code", "code"),)),),
            keys=(("code",),),
            required=(("code",),),
        ),
        Spec(
            name="students",
            model=Student,
            fields=("email", "name", "date_of_birth", "gender", "social_name"),
            keys=(("email",),),
            casefold=frozenset({"email"}),
            required=(("email",),),
        ),
        Spec(
            name="enrollments",
            model=Enrollment,
            fields=("completion_status", "grade", "enrolled_at", "completed_at"),
            refs=(
                Ref(field="student", columns=(("student_email", "email"),), casefold=True),
                Ref(field="course", columns=(("course_code", "code"),), reads=("status",)),
                Ref(field="cohort", columns=(("cohort_code", "code"),), reads=("course",)),
            ),
            keys=(("student", "course", "cohort"),),
            required=(("student_email",), ("course_code",)),
        ),
    )
}
