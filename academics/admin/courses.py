from django.contrib import admin
from django.db.models import Q, Subquery
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from academics.admin.base import RecordAdmin, RecordForm, apply_all_or_nothing
from academics.admin.display import badge, status_column, student_label
from academics.admin.grade_sheet import grade_sheet_view
from academics.admin.sites import registrar_site
from academics.choices import CourseStatus
from academics.models import Cohort, Course, Enrollment
from academics.services import course_set_status

MSG_COURSES_SET = "{count} course(s) are now {status}."


# Enrollments shown on a course's page: a course can hold thousands (bench/admin_pages.py);
# the page links to all of them in the enrollments list.
INLINE_ENROLLMENTS = 20


class CourseEnrollmentInline(admin.TabularInline):
    """Read-only, the latest few: enrollments are edited from their own list."""

    model = Enrollment
    verbose_name_plural = f"latest {INLINE_ENROLLMENTS} enrollments"
    form = RecordForm
    fields = ("student_name", "cohort", "status", "grade", "enrolled_at", "completed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student", "cohort")

    @admin.display(description="student")
    def student_name(self, enrollment):
        return student_label(enrollment.student)

    @admin.display(description="completion status")
    def status(self, enrollment):
        return badge(enrollment.completion_status, enrollment.get_completion_status_display())


class GradeSheetMixin:
    """A grade sheet of the record's enrollments (academics/admin/grade_sheet.py): a button on
    the change page and a link on each changelist row."""

    change_form_template = "admin/academics/grade_sheet_change_form.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_grades"
        view = self.admin_site.admin_view(self.grade_sheet)
        return [path("<path:object_id>/grades/", view, name=name), *super().get_urls()]

    def grade_sheet(self, request, object_id):
        return grade_sheet_view(self, request, object_id, scope=self.opts.model_name)

    @admin.display(description="grades")
    def grade_sheet_link(self, record):
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_grades", args=[record.pk]
        )
        return format_html('<a href="{}">Grade sheet</a>', url)


def _set_status(modeladmin, request, queryset, status: CourseStatus):
    courses = list(queryset.live())
    if apply_all_or_nothing(
        modeladmin, request, courses, lambda course: course_set_status(course=course, status=status)
    ):
        modeladmin.message_user(
            request, MSG_COURSES_SET.format(count=len(courses), status=status.label.lower())
        )


@admin.action(permissions=["change"], description="Activate selected courses")
def activate_courses(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, CourseStatus.ACTIVE)


@admin.action(permissions=["change"], description="Archive selected courses")
def archive_courses(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, CourseStatus.ARCHIVED)


@admin.register(Course, site=registrar_site)
class CourseAdmin(GradeSheetMixin, RecordAdmin):
    list_display = (
        "name",
        "code",
        "institution",
        "organization",
        status_column("status"),
        "workload_hours",
        "grade_sheet_link",
    )
    list_filter = ("status", "institution", "area", "created_at")
    list_select_related = ("institution", "organization")
    search_fields = ("name", "code")
    autocomplete_fields = ("institution", "organization")
    actions = [*RecordAdmin.actions, activate_courses, archive_courses]
    inlines = [CourseEnrollmentInline]
    readonly_fields = (*RecordAdmin.readonly_fields, "all_enrollments")

    @admin.display(description="enrollments")
    def all_enrollments(self, course):
        if course.pk is None:
            return "—"
        count = Enrollment.objects.filter(course=course).count()
        url = reverse("admin:academics_enrollment_changelist") + f"?course__id__exact={course.pk}"
        return format_html('<a href="{}">All {} enrollments</a>', url, count)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, CourseEnrollmentInline) and obj is not None and obj.pk is not None:
            queryset = kwargs["queryset"]
            latest = queryset.filter(course=obj).order_by("-enrolled_at", "-pk").values("pk")
            kwargs["queryset"] = queryset.filter(pk__in=Subquery(latest[:INLINE_ENROLLMENTS]))
        return kwargs


class CohortTermFilter(admin.SimpleListFilter):
    """Cohorts running today (start ≤ today ≤ end): what the dashboard counts as this term."""

    title = "term"
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return (("in_progress", "In progress"),)

    def queryset(self, request, queryset):
        if self.value() == "in_progress":
            return queryset.filter(in_progress(timezone.localdate()))
        return queryset


def in_progress(today) -> Q:
    return Q(start_date__lte=today, end_date__gte=today)


@admin.register(Cohort, site=registrar_site)
class CohortAdmin(GradeSheetMixin, RecordAdmin):
    list_display = (
        "code",
        "course",
        "institution",
        "modality",
        "start_date",
        "end_date",
        "grade_sheet_link",
    )
    list_filter = ("modality", CohortTermFilter, "course__institution", "course", "start_date")
    list_select_related = ("course__institution",)
    search_fields = ("code", "course__name", "course__code")
    autocomplete_fields = ("course",)
    autocomplete_filters = ("course",)  # an enrollment's cohort picker: the course's cohorts

    @admin.display(ordering="course__institution__name")
    def institution(self, cohort):
        return cohort.course.institution
