from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone

from academics.admin.base import RecordAdmin, apply_all_or_nothing
from academics.admin.sites import registrar_site
from academics.models import Enrollment
from academics.services import enrollment_complete, enrollment_drop

MSG_COMPLETED = "{count} enrollment(s) marked completed on {date}."
MSG_DROPPED = "{count} enrollment(s) dropped."


class CompletionForm(forms.Form):
    """The intermediate step of "Mark completed": one completion date for the whole batch
    (a graduation day), today unless changed."""

    completed_at = forms.DateField(
        label="Completion date", initial=timezone.localdate, widget=admin.widgets.AdminDateWidget
    )


@admin.action(permissions=["change"], description="Mark selected enrollments completed")
def complete_enrollments(modeladmin, request, queryset):
    enrollments = list(queryset.live().select_related("student", "course"))
    form = CompletionForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        completed_at = form.cleaned_data["completed_at"]
        if apply_all_or_nothing(
            modeladmin,
            request,
            enrollments,
            lambda e: enrollment_complete(enrollment=e, completed_at=completed_at),
        ):
            modeladmin.message_user(
                request, MSG_COMPLETED.format(count=len(enrollments), date=completed_at)
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Mark enrollments completed",
        "opts": modeladmin.opts,
        "form": form,
        "enrollments": enrollments,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/academics/enrollment/complete.html", context)


@admin.action(permissions=["change"], description="Drop selected enrollments")
def drop_enrollments(modeladmin, request, queryset):
    enrollments = list(queryset.live().select_related("student", "course"))
    if apply_all_or_nothing(
        modeladmin, request, enrollments, lambda e: enrollment_drop(enrollment=e)
    ):
        modeladmin.message_user(request, MSG_DROPPED.format(count=len(enrollments)))


@admin.register(Enrollment, site=registrar_site)
class EnrollmentAdmin(RecordAdmin):
    list_display = (
        "student_name",
        "course_name",
        "institution",
        "cohort",
        "completion_status",
        "grade",
        "enrolled_at",
        "completed_at",
    )
    list_filter = (
        "completion_status",
        "course__institution",
        "course",
        "cohort",
        "enrolled_at",
        "completed_at",
    )
    list_select_related = ("student", "course__institution", "cohort")
    search_fields = ("student__name", "student__email", "course__name", "course__code")
    autocomplete_fields = ("student", "course", "cohort")
    date_hierarchy = "enrolled_at"
    readonly_fields = (*RecordAdmin.readonly_fields, "finalized_at")
    actions = [*RecordAdmin.actions, complete_enrollments, drop_enrollments]

    @admin.display(description="student", ordering="student__name")
    def student_name(self, enrollment):
        return enrollment.student.name

    @admin.display(description="course", ordering="course__name")
    def course_name(self, enrollment):
        return enrollment.course.name

    @admin.display(ordering="course__institution__name")
    def institution(self, enrollment):
        return enrollment.course.institution
