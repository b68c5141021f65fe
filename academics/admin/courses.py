from django.contrib import admin
from django.db.models import Subquery
from django.urls import reverse
from django.utils.html import format_html

from academics.admin.base import RecordAdmin, RecordForm, apply_all_or_nothing
from academics.admin.display import badge, status_column, student_label
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
class CourseAdmin(RecordAdmin):
    list_display = (
        "name",
        "code",
        "institution",
        "organization",
        status_column("status"),
        "workload_hours",
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


@admin.register(Cohort, site=registrar_site)
class CohortAdmin(RecordAdmin):
    list_display = ("code", "course", "institution", "modality", "start_date", "end_date")
    list_filter = ("modality", "course__institution", "course", "start_date")
    list_select_related = ("course__institution",)
    search_fields = ("code", "course__name", "course__code")
    autocomplete_fields = ("course",)
    autocomplete_filters = ("course",)  # an enrollment's cohort picker: the course's cohorts

    @admin.display(ordering="course__institution__name")
    def institution(self, cohort):
        return cohort.course.institution
