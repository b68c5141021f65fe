"""The registrar dashboard's figures (the admin index, docs/admin.md, Dashboard). Every figure is
one bounded query: counts by index or grouped in the database, certificate readiness for a few
cohorts only, so that the index serves in the same time at 500,000 enrollments
(bench/admin_pages.py)."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from academics.admin.courses import in_progress
from academics.choices import CompletionStatus, CourseStatus
from academics.models import Cohort, Course, Enrollment, Student
from academics.quality import BY_KEY, data_quality, finding_url

# Cohorts shown for certificate readiness, and how long after its end a cohort stays there
# (certificates follow the end of a cohort by a few weeks).
READINESS_COHORTS = 10
RECENTLY_ENDED = timedelta(days=60)
COMPLETED = CompletionStatus.COMPLETED
# The cache is per tenant (django_tenants' key function, config/settings.py).
QUALITY_CACHE_KEY = "dashboard:quality"
QUALITY_TTL = 300  # seconds


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    url: str
    share: float = 0.0  # of the chart's total, 0..100: a bar's length


@dataclass(frozen=True)
class Readiness:
    cohort: Cohort
    enrollments: Figure
    completed: Figure
    graded: Figure
    finalized: Figure


def _changelist(model_name: str, query: str = "") -> str:
    url = reverse(f"admin:academics_{model_name}_changelist")
    return f"{url}?{query}" if query else url


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def enrollments_by_status() -> list[Figure]:
    counts = dict(Enrollment.objects.values_list("completion_status").annotate(total=Count("pk")))
    total = sum(counts.values())
    return [
        Figure(
            status.label,
            counts.get(status.value, 0),
            _changelist("enrollment", f"completion_status__exact={status.value}"),
            _percent(counts.get(status.value, 0), total),
        )
        for status in CompletionStatus
    ]


def certificate_readiness(today) -> list[Readiness]:
    """Cohorts running or ended in the last weeks, those ending first first: how many of their
    enrollments are completed, graded (completed with a grade) and finalized. Two queries."""
    cohorts = list(
        Cohort.objects.filter(start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today - RECENTLY_ENDED))
        .select_related("course")
        .order_by(F("end_date").asc(nulls_last=True), "code")[:READINESS_COHORTS]
    )
    counts = {
        row["cohort"]: row
        for row in Enrollment.objects.filter(cohort__in=cohorts)
        .values("cohort")
        .annotate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(completion_status=COMPLETED)),
            graded=Count("pk", filter=Q(completion_status=COMPLETED, grade__isnull=False)),
            finalized=Count("pk", filter=Q(finalized_at__isnull=False)),
        )
    }
    rows = []
    for cohort in cohorts:
        row = counts.get(cohort.pk, {"total": 0, "completed": 0, "graded": 0, "finalized": 0})
        listed = f"cohort__id__exact={cohort.pk}"
        total = row["total"]
        rows.append(
            Readiness(
                cohort,
                Figure("enrollments", total, _changelist("enrollment", listed), 100.0),
                Figure(
                    "completed",
                    row["completed"],
                    _changelist("enrollment", f"{listed}&completion_status__exact={COMPLETED}"),
                    _percent(row["completed"], total),
                ),
                Figure(
                    "graded",
                    row["graded"],
                    _changelist(
                        "enrollment",
                        f"{listed}&completion_status__exact={COMPLETED}&grade__isnull=False",
                    ),
                    _percent(row["graded"], total),
                ),
                Figure(
                    "finalized",
                    row["finalized"],
                    _changelist("enrollment", f"{listed}&finalized=yes"),
                    _percent(row["finalized"], total),
                ),
            )
        )
    return rows


def quality_findings() -> dict[str, int]:
    """Check key -> count (academics/quality.py), counted at most QUALITY_TTL ago: the checks scan
    every enrollment (a few hundred ms at 500,000), too much for a page opened many times a day;
    the data-quality page counts live."""
    return cache.get_or_set(
        QUALITY_CACHE_KEY,
        lambda: {finding.check.key: finding.count for finding in data_quality()},
        QUALITY_TTL,
    )


def dashboard(*, with_quality: bool) -> dict:
    """The figures; the data-quality total only for registrars, who may open that page."""
    today = timezone.localdate()
    findings = quality_findings()
    without_grade = BY_KEY["completed_without_grade"]
    figures = [
        Figure("Students", Student.objects.count(), _changelist("student")),
        Figure(
            "Active courses",
            Course.objects.filter(status=CourseStatus.ACTIVE).count(),
            _changelist("course", "status__exact=active"),
        ),
        Figure(
            "Cohorts in progress",
            Cohort.objects.filter(in_progress(today)).count(),
            _changelist("cohort", "term=in_progress"),
        ),
        Figure("Completed without grade", findings[without_grade.key], finding_url(without_grade)),
    ]
    if with_quality:
        total = sum(findings.values())
        figures.append(Figure("Data-quality findings", total, reverse("admin:data_quality")))
    return {
        "figures": figures,
        "enrollments": enrollments_by_status(),
        "readiness": certificate_readiness(today),
    }
