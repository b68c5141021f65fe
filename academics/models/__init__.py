from academics.models.base import LiveManager, LiveQuerySet, RecordModel
from academics.models.changes import Change, ChangeFeedState, PendingChange
from academics.models.courses import Cohort, Course
from academics.models.enrollments import Enrollment
from academics.models.idempotency import IdempotencyKey
from academics.models.institutions import Institution, Organization
from academics.models.students import Student

__all__ = [
    "Change",
    "ChangeFeedState",
    "Cohort",
    "Course",
    "Enrollment",
    "IdempotencyKey",
    "Institution",
    "LiveManager",
    "LiveQuerySet",
    "Organization",
    "PendingChange",
    "RecordModel",
    "Student",
]
