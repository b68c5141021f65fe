from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from academics import messages as msg
from academics.choices import CourseStatus, Modality
from academics.models.base import RecordModel
from academics.models.institutions import Institution, Organization


class Course(RecordModel):
    """A degree, diploma or training programme offered by an institution."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="courses")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="courses", null=True, blank=True
    )
    code = models.CharField(max_length=64, null=True, blank=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    workload_hours = models.PositiveIntegerField(null=True, blank=True)
    # Whether a completed enrollment is expected to carry a grade (a graded degree, not a
    # pass/fail workshop): the data-quality view lists completed ones without one, and such an
    # enrollment cannot be finalized (docs/api.md, Enrollment lifecycle).
    graded = models.BooleanField(default=True, db_default=True)
    area = models.CharField(max_length=255, blank=True, default="")
    version = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )

    constraint_fields = {
        "course_code_unique": "code",
        "course_workload_not_negative": "workload_hours",
    }

    class Meta(RecordModel.Meta):
        verbose_name = "course"
        # A plain index: `db_index` on a CharField adds a second one for LIKE, never used here.
        indexes = [models.Index(fields=["status"], name="course_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(deleted_at__isnull=True, code__isnull=False),
                name="course_code_unique",
                violation_error_message=msg.COURSE_CODE_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(workload_hours__gte=0) | Q(workload_hours__isnull=True),
                name="course_workload_not_negative",
                violation_error_message=msg.WORKLOAD_NEGATIVE,
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}" if self.code else self.name

    def clean(self):
        if (
            self.organization_id
            and self.institution_id
            and self.organization.institution_id != self.institution_id
        ):
            raise ValidationError({"organization": msg.ORGANIZATION_NOT_OF_INSTITUTION})


class Cohort(RecordModel):
    """One intake or class of a course."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts")
    code = models.CharField(max_length=64)
    modality = models.CharField(max_length=16, choices=Modality.choices, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    constraint_fields = {
        "cohort_code_unique": "code",
        "cohort_end_not_before_start": "end_date",
    }

    class Meta(RecordModel.Meta):
        verbose_name = "cohort"
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(deleted_at__isnull=True),
                name="cohort_code_unique",
                violation_error_message=msg.COHORT_CODE_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date"))
                | Q(end_date__isnull=True)
                | Q(start_date__isnull=True),
                name="cohort_end_not_before_start",
                violation_error_message=msg.COHORT_DATES_ORDER,
            ),
        ]

    def __str__(self):
        return self.code
