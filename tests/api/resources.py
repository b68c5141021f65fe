"""What the generic API suite (`test_resources.py`) needs to know about each resource.

A `Resource` says how to build a record of it (a factory), a valid full body for POST and PUT, a
PATCH body, the object's keys, and, for each `where[...]` filter, factory arguments of a record
that matches and of one that does not. Everything else the suite derives.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from academics.api.views import VIEWSETS
from academics.records import record_type
from tests import factories as f


@dataclass(frozen=True)
class Resource:
    path: str
    factory: type
    # A full, valid body; creates (in the active tenant) the records it references.
    payload: Callable[[], dict]
    change: dict
    required: str
    # where[filter] -> (factory kwargs of a matching record, of a non-matching one), or a
    # function returning them. Filters absent here are told apart by the factories' sequences
    # and sub-factories.
    variants: dict[str, tuple[dict, dict] | Callable[[], tuple[dict, dict]]] = field(
        default_factory=dict
    )
    # Body reference field -> factory of the record it names.
    references: dict[str, type] = field(default_factory=dict)

    @property
    def model(self):
        return self.factory._meta.model

    @property
    def viewset(self):
        return VIEWSETS[self.path]

    @property
    def object_keys(self) -> set[str]:
        """What the contract shows of a record: its uuid, its own editable fields, a summary
        of each record it belongs to, and its timestamps; read off the model itself."""
        meta = self.model._meta
        return {
            "uuid",
            *(f.name for f in meta.concrete_fields if f.editable and not f.primary_key),
            *record_type(self.model).read_only,
            *TIMESTAMPS,
        }

    def __str__(self):
        return self.path


TIMESTAMPS = ("created_at", "updated_at")


def _organization_payload():
    return {
        "name": "Faculty of Engineering",
        "code": "ENG",
        "institution_uuid": str(f.InstitutionFactory().uuid),
    }


def _course_payload():
    organization = f.OrganizationFactory()
    return {
        "name": "Bachelor of Computer Science",
        "code": "BCS-2024",
        "description": "A 4-year undergraduate program in computer science.",
        "workload_hours": 3200,
        "area": "Technology",
        "version": "2024.1",
        "status": "active",
        "institution_uuid": str(organization.institution.uuid),
        "organization_uuid": str(organization.uuid),
    }


def _course_with_and_without_organization():
    organization = f.OrganizationFactory()
    return {"institution": organization.institution, "organization": organization}, {}


def _cohort_payload():
    return {
        "course_uuid": str(f.CourseFactory().uuid),
        "code": "BCS-2024-EVE",
        "modality": "hybrid",
        "start_date": "2024-02-01",
        "end_date": "2024-12-20",
    }


def _enrollment_payload():
    cohort = f.CohortFactory()
    return {
        "student_uuid": str(f.StudentFactory().uuid),
        "course_uuid": str(cohort.course.uuid),
        "cohort_uuid": str(cohort.uuid),
        "enrolled_at": "2024-02-01",
        "completion_status": "completed",
        "grade": 8.75,
        "completed_at": "2024-12-20",
    }


RESOURCES = [
    Resource(
        path="institutions",
        factory=f.InstitutionFactory,
        payload=lambda: {
            "name": "Federal University of Technology",
            "country": "BR",
            "legal_name": "Federal University of Technology Foundation",
            "tax_id": "12.345.678/0001-90",
            "website": "https://uft.example.edu",
            "linkedin_organization": "federal-university-of-technology",
            "status": "active",
            "is_badges_enabled": True,
            "badge_image_uuid": "0f8fad5b-d9cb-469f-a165-70867728950e",
        },
        change={"status": "suspended"},
        required="country",
        variants={
            "status": ({"status": "inactive"}, {"status": "active"}),
            "country": ({"country": "PT"}, {"country": "BR"}),
            "tax_id": ({"tax_id": "111"}, {"tax_id": "222"}),
        },
    ),
    Resource(
        path="organizations",
        factory=f.OrganizationFactory,
        payload=_organization_payload,
        change={"code": "ENG-2"},
        required="institution_uuid",
        references={"institution_uuid": f.InstitutionFactory},
    ),
    Resource(
        path="courses",
        factory=f.CourseFactory,
        payload=_course_payload,
        change={"workload_hours": 3600},
        required="name",
        variants={
            "status": ({"status": "archived"}, {"status": "active"}),
            "organization_uuid": _course_with_and_without_organization,
            "area": ({"area": "Health"}, {"area": "Technology"}),
            "workload_hours": ({"workload_hours": 120}, {"workload_hours": 60}),
            "version": ({"version": "2024.1"}, {"version": "2025.1"}),
        },
        references={
            "institution_uuid": f.InstitutionFactory,
            "organization_uuid": f.OrganizationFactory,
        },
    ),
    Resource(
        path="cohorts",
        factory=f.CohortFactory,
        payload=_cohort_payload,
        change={"modality": "remote"},
        required="code",
        variants={"modality": ({"modality": "remote"}, {"modality": "presential"})},
        references={"course_uuid": f.CourseFactory},
    ),
    Resource(
        path="students",
        factory=f.StudentFactory,
        payload=lambda: {
            "name": "Maria Fernanda Silva",
            "email": "maria.silva@example.edu",
            "date_of_birth": "2001-03-04",
            "gender": "female",
            "social_name": "Maria",
        },
        change={"social_name": "Mafê"},
        required="email",
        variants={
            "gender": ({"gender": "female"}, {"gender": "male"}),
            "date_of_birth": (
                {"date_of_birth": date(2001, 5, 4)},
                {"date_of_birth": date(1999, 1, 2)},
            ),
        },
    ),
    Resource(
        path="enrollments",
        factory=f.EnrollmentFactory,
        payload=_enrollment_payload,
        # A grade is for a completed or dropped enrollment (docs/api.md, Enrollment lifecycle).
        change={"completion_status": "dropped", "grade": 9.5},
        required="enrolled_at",
        variants={
            "completion_status": ({"completion_status": "dropped"}, {}),
            "grade": (
                {"grade": Decimal("8.50"), "completion_status": "dropped"},
                {"grade": Decimal("6.00"), "completion_status": "dropped"},
            ),
        },
        references={
            "student_uuid": f.StudentFactory,
            "course_uuid": f.CourseFactory,
            "cohort_uuid": f.CohortFactory,
        },
    ),
]

BY_PATH = {resource.path: resource for resource in RESOURCES}
