"""The registrar's data-quality checks (docs/api.md, Enrollment lifecycle): records
that break a rule written after them, or that look wrong. Each check is one queryset, shown with
its count on the admin's data-quality page, as a filter of its model's changelist
(`?quality=<key>`), and by `manage.py records_check`.

Rules apply from the moment they ship (migration 0006 adds them NOT VALID), so rows written
before may break them: they are listed here rather than refused on read.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from academics.choices import CompletionStatus, CourseStatus
from academics.models import Cohort, Course, Enrollment, Student

COMPLETED, ENROLLED = CompletionStatus.COMPLETED, CompletionStatus.ENROLLED


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    model: type
    records: Callable[[], QuerySet]


def _lifecycle_breakers() -> QuerySet:
    return Enrollment.objects.filter(
        Q(completion_status=COMPLETED, completed_at__isnull=True)
        | (~Q(completion_status=COMPLETED) & Q(completed_at__isnull=False))
        | Q(completion_status=ENROLLED, grade__isnull=False)
    )


def _completed_without_grade() -> QuerySet:
    return Enrollment.objects.filter(
        completion_status=COMPLETED, grade__isnull=True, course__graded=True
    )


def _cohorts_not_covering() -> QuerySet:
    outside = Enrollment.objects.filter(cohort=OuterRef("pk")).filter(
        Q(enrolled_at__lt=OuterRef("start_date"))
        | Q(enrolled_at__gt=OuterRef("end_date"))
        | Q(completed_at__gt=OuterRef("end_date"))
    )
    return Cohort.objects.filter(Exists(outside))


def _duplicate_students() -> QuerySet:
    # Emails are unique in a tenant, so another student is another email.
    twin = Student.objects.filter(
        name__iexact=OuterRef("name"), date_of_birth=OuterRef("date_of_birth")
    ).exclude(pk=OuterRef("pk"))
    return Student.objects.filter(Exists(twin))


def _active_courses_without_enrollments() -> QuerySet:
    return Course.objects.filter(status=CourseStatus.ACTIVE).exclude(
        Exists(Enrollment.objects.filter(course=OuterRef("pk")))
    )


CHECKS: tuple[Check, ...] = (
    Check(
        "lifecycle",
        "Enrollments that break the lifecycle rules (status, grade, completion date)",
        Enrollment,
        _lifecycle_breakers,
    ),
    Check(
        "completed_without_grade",
        "Completed enrollments without a grade in a graded course",
        Enrollment,
        _completed_without_grade,
    ),
    Check(
        "cohort_dates",
        "Cohorts whose dates do not cover their enrollments",
        Cohort,
        _cohorts_not_covering,
    ),
    Check(
        "duplicate_students",
        "Possible duplicate students (same name and date of birth, different email)",
        Student,
        _duplicate_students,
    ),
    Check(
        "idle_courses",
        "Active courses without enrollments",
        Course,
        _active_courses_without_enrollments,
    ),
)
BY_KEY = {check.key: check for check in CHECKS}


@dataclass(frozen=True)
class Finding:
    check: Check
    count: int


def data_quality() -> list[Finding]:
    """Every check with how many records it finds; one count query each."""
    return [Finding(check, check.records().count()) for check in CHECKS]


def checks_of(model) -> list[Check]:
    return [check for check in CHECKS if check.model is model]


def finding_url(check: Check) -> str:
    """The admin changelist of the check's model, filtered to what it finds."""
    from django.urls import reverse

    meta = check.model._meta
    return f"{reverse(f'admin:{meta.app_label}_{meta.model_name}_changelist')}?quality={check.key}"
