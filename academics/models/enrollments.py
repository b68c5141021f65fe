from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from academics import messages as msg
from academics.choices import CompletionStatus, CourseStatus
from academics.models.base import RecordModel
from academics.models.courses import Cohort, Course
from academics.models.students import Student

COMPLETED = CompletionStatus.COMPLETED.value
ENROLLED = CompletionStatus.ENROLLED.value


class Enrollment(RecordModel):
    """A student's registration in a course (and optionally one of its cohorts), with its
    completion status and final grade."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="enrollments", null=True, blank=True
    )
    completion_status = models.CharField(
        max_length=16,
        choices=CompletionStatus.choices,
        default=CompletionStatus.ENROLLED,
    )
    grade = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        error_messages={
            "max_decimal_places": msg.GRADE_DECIMALS,
            "max_digits": msg.GRADE_RANGE,
            "max_whole_digits": msg.GRADE_RANGE,
        },
    )
    enrolled_at = models.DateField(db_index=True)
    completed_at = models.DateField(null=True, blank=True)
    # Set and cleared only by `enrollment_finalize` / `enrollment_reopen` (academics/services.py):
    # a finalized enrollment is one a certificate may be issued from, and refuses every change.
    finalized_at = models.DateTimeField(null=True, blank=True, editable=False)

    constraint_fields = {
        "enrollment_grade_range": "grade",
        "enrollment_completed_not_before_enrolled": "completed_at",
        "enrollment_unique_live": "student",
        "enrollment_completed_has_date": "completed_at",
        "enrollment_completed_at_only_when_completed": "completed_at",
        "enrollment_grade_not_while_enrolled": "grade",
    }

    class Meta(RecordModel.Meta):
        verbose_name = "enrollment"
        # A plain index: `db_index` on a CharField adds a second one for LIKE, never used here.
        indexes = [models.Index(fields=["completion_status"], name="enrollment_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=0, grade__lte=10) | Q(grade__isnull=True),
                name="enrollment_grade_range",
                violation_error_message=msg.GRADE_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(completed_at__gte=F("enrolled_at")) | Q(completed_at__isnull=True),
                name="enrollment_completed_not_before_enrolled",
                violation_error_message=msg.COMPLETED_BEFORE_ENROLLED,
            ),
            # One live enrollment per student, course and cohort; "no cohort" counts as a value.
            models.UniqueConstraint(
                fields=["student", "course", "cohort"],
                condition=Q(deleted_at__isnull=True),
                nulls_distinct=False,
                name="enrollment_unique_live",
                violation_error_message=msg.ENROLLMENT_DUPLICATE,
            ),
            # The lifecycle rules (docs/api.md, Enrollment lifecycle). Added NOT VALID (migration
            # 0006): rows written before them stay readable and are listed by the data-quality
            # view; every write from then on is checked. A deleted row is exempt, so that a
            # registrar can still delete a legacy row that breaks them.
            models.CheckConstraint(
                condition=~Q(completion_status=COMPLETED)
                | Q(completed_at__isnull=False)
                | Q(deleted_at__isnull=False),
                name="enrollment_completed_has_date",
                violation_error_message=msg.COMPLETED_AT_REQUIRED,
            ),
            models.CheckConstraint(
                condition=Q(completion_status=COMPLETED)
                | Q(completed_at__isnull=True)
                | Q(deleted_at__isnull=False),
                name="enrollment_completed_at_only_when_completed",
                violation_error_message=msg.COMPLETED_AT_PROHIBITED,
            ),
            models.CheckConstraint(
                condition=~Q(completion_status=ENROLLED)
                | Q(grade__isnull=True)
                | Q(deleted_at__isnull=False),
                name="enrollment_grade_not_while_enrolled",
                violation_error_message=msg.GRADE_PROHIBITED,
            ),
        ]

    def __str__(self):
        return f"{self.student.name} in {self.course.name}"

    @property
    def is_finalized(self) -> bool:
        return self.finalized_at is not None

    def clean(self):
        errors = {}
        if self.cohort_id and self.course_id and self.cohort.course_id != self.course_id:
            errors["cohort"] = msg.COHORT_NOT_OF_COURSE
        if self._state.adding and self.course_id and self.course.status != CourseStatus.ACTIVE:
            errors["course"] = msg.COURSE_NOT_ACTIVE
        if errors:
            raise ValidationError(errors)
