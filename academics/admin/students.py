from django.contrib import admin

from academics.admin.base import RecordAdmin, RecordForm
from academics.admin.sites import registrar_site
from academics.models import Enrollment, Student


class StudentEnrollmentInline(admin.TabularInline):
    """A student's enrollments, editable in place: enrolling a student is daily work."""

    model = Enrollment
    form = RecordForm
    fields = ("course", "cohort", "completion_status", "grade", "enrolled_at", "completed_at")
    autocomplete_fields = ("course", "cohort")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("course", "cohort")


@admin.register(Student, site=registrar_site)
class StudentAdmin(RecordAdmin):
    list_display = ("name", "email", "date_of_birth", "social_name", "created_at")
    list_filter = ("gender", "created_at")
    search_fields = ("name", "email", "social_name")
    inlines = [StudentEnrollmentInline]
