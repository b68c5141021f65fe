from academics.models.base import LiveManager, LiveQuerySet, RecordModel
from academics.models.courses import Cohort, Course
from academics.models.enrollments import Enrollment
from academics.models.idempotency import IdempotencyKey
from academics.models.institutions import Institution, Organization
from academics.models.students import Student

__all__ = [
    "Cohort",
    "Course",
    "Enrollment",
    "IdempotencyKey",
    "Institution",
    "LiveManager",
    "LiveQuerySet",
    "Organization",
    "RecordModel",
    "Student",
]
