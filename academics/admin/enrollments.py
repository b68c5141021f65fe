from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone

from academics import messages as msg
from academics.admin.base import RecordAdmin, apply_all_or_nothing
from academics.admin.display import status_column, student_label
from academics.admin.sites import registrar_site
from academics.models import Course, Enrollment, Student
from academics.services import (
    enrollment_complete,
    enrollment_drop,
    enrollment_finalize,
    enrollment_reopen,
)

MSG_COMPLETED = "{count} enrollment(s) marked completed on {date}."
MSG_DROPPED = "{count} enrollment(s) dropped."
MSG_FINALIZED = "{count} enrollment(s) finalized."
MSG_REOPENED = "{count} enrollment(s) reopened."


class CompletionForm(forms.Form):
    """The intermediate step of "Mark completed": one completion date for the whole batch
    (a graduation day), today unless changed, and the grade, which a graded course expects
    (docs/api.md, Enrollment lifecycle)."""

    completed_at = forms.DateField(
        label="Completion date", initial=timezone.localdate, widget=admin.widgets.AdminDateWidget
    )
    grade = forms.DecimalField(
        label="Grade", required=False, min_value=0, max_value=10, decimal_places=2
    )

    def __init__(self, *args, graded: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.graded = graded

    def clean_grade(self):
        grade = self.cleaned_data.get("grade")
        if grade is None and self.graded:
            raise forms.ValidationError(msg.REQUIRED.format(attribute="grade"))
        return grade


class ReasonForm(forms.Form):
    """Why finalized enrollments are reopened: kept in their history."""

    reason = forms.CharField(
        label="Reason", max_length=255, error_messages={"required": msg.REASON_REQUIRED}
    )


def _intermediate(modeladmin, request, *, form, enrollments, action, title, intro, submit):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.opts,
        "form": form,
        "enrollments": enrollments,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
        "action": action,
        "intro": intro,
        "submit": submit,
    }
    return TemplateResponse(request, "admin/academics/enrollment/complete.html", context)


@admin.action(permissions=["change"], description="Mark selected enrollments completed")
def complete_enrollments(modeladmin, request, queryset):
    enrollments = list(queryset.live().select_related("student", "course"))
    graded = any(enrollment.course.graded for enrollment in enrollments)
    form = CompletionForm(request.POST if "apply" in request.POST else None, graded=graded)
    if form.is_valid():
        completed_at, grade = form.cleaned_data["completed_at"], form.cleaned_data["grade"]
        if apply_all_or_nothing(
            modeladmin,
            request,
            enrollments,
            lambda e: enrollment_complete(enrollment=e, completed_at=completed_at, grade=grade),
        ):
            modeladmin.message_user(
                request, MSG_COMPLETED.format(count=len(enrollments), date=completed_at)
            )
        return None
    return _intermediate(
        modeladmin,
        request,
        form=form,
        enrollments=enrollments,
        action="complete_enrollments",
        title="Mark enrollments completed",
        intro=f"These {len(enrollments)} enrollment(s) will be marked completed on the date "
        "below, with the grade below:",
        submit="Mark completed",
    )


def _each_selected(modeladmin, request, queryset, service, done: str) -> None:
    """`service(enrollment=...)` on every selected live enrollment, all or nothing."""
    enrollments = list(queryset.live().select_related("student", "course"))
    if apply_all_or_nothing(
        modeladmin, request, enrollments, lambda enrollment: service(enrollment=enrollment)
    ):
        modeladmin.message_user(request, done.format(count=len(enrollments)))


@admin.action(permissions=["change"], description="Drop selected enrollments")
def drop_enrollments(modeladmin, request, queryset):
    _each_selected(modeladmin, request, queryset, enrollment_drop, MSG_DROPPED)


@admin.action(permissions=["change"], description="Finalize selected enrollments")
def finalize_enrollments(modeladmin, request, queryset):
    """Each must be completed or dropped and keep the rules (docs/api.md, Enrollment
    lifecycle)."""
    _each_selected(modeladmin, request, queryset, enrollment_finalize, MSG_FINALIZED)


@admin.action(permissions=["change"], description="Reopen selected finalized enrollments")
def reopen_enrollments(modeladmin, request, queryset):
    enrollments = list(queryset.live().select_related("student", "course"))
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        if apply_all_or_nothing(
            modeladmin,
            request,
            enrollments,
            lambda e: enrollment_reopen(enrollment=e, reason=reason),
        ):
            modeladmin.message_user(request, MSG_REOPENED.format(count=len(enrollments)))
        return None
    return _intermediate(
        modeladmin,
        request,
        form=form,
        enrollments=enrollments,
        action="reopen_enrollments",
        title="Reopen finalized enrollments",
        intro=f"These {len(enrollments)} enrollment(s) will be reopened; the reason is kept in "
        "their history:",
        submit="Reopen",
    )


class FinalizedFilter(admin.SimpleListFilter):
    title = "finalized"
    parameter_name = "finalized"

    def lookups(self, request, model_admin):
        return (("yes", "Yes"), ("no", "No"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(finalized_at__isnull=self.value() == "no")
        return queryset


@admin.register(Enrollment, site=registrar_site)
class EnrollmentAdmin(RecordAdmin):
    # Fits a 1,366 px laptop (tests/browser/test_every_page.py): the institution is the course's
    # (a filter), and finalized reads as a yes/no.
    list_display = (
        "student_name",
        "course_name",
        "cohort",
        status_column("completion_status"),
        "grade",
        "enrolled_at",
        "completed_at",
        "finalized",
    )
    list_filter = (
        "completion_status",
        FinalizedFilter,
        "course__institution",
        "course",
        "cohort",
        "enrolled_at",
        "completed_at",
    )
    list_select_related = ("student", "course", "cohort")
    search_fields = ("student__name", "student__email", "course__name", "course__code")
    autocomplete_fields = ("student", "course", "cohort")
    pickers_filtered_by = {"cohort": "course"}
    # No date hierarchy: its year/month/day links read every matching enrollment's date twice
    # (150 ms at 500,000 enrollments, twice that with a search: bench/README.md); the
    # enrollment and completion date filters give the same ranges.
    readonly_fields = (*RecordAdmin.readonly_fields, "finalized_at")
    actions = [
        *RecordAdmin.actions,
        complete_enrollments,
        drop_enrollments,
        finalize_enrollments,
        reopen_enrollments,
    ]

    # Above this many matching students or courses for a word, their ids stay a subquery.
    SEARCH_IDS_LIMIT = 2000

    def get_search_results(self, request, queryset, search_term):
        """Each word must match a student's name or email or a course's name or code, as the
        admin's search does; but the students and courses are searched first (tens of
        thousands of rows), once, and their enrollments then found by index, instead of every
        enrollment's join (1.2 s at 500,000 enrollments: bench/admin_pages.py) or a subquery
        that the count and the page would each run again."""
        for word in search_term.split():
            students = Student.all_objects.filter(
                Q(name__icontains=word) | Q(email__icontains=word)
            ).values_list("pk", flat=True)
            courses = Course.all_objects.filter(
                Q(name__icontains=word) | Q(code__icontains=word)
            ).values_list("pk", flat=True)
            found = [list(ids[: self.SEARCH_IDS_LIMIT + 1]) for ids in (students, courses)]
            if all(len(ids) <= self.SEARCH_IDS_LIMIT for ids in found):
                students, courses = found
            queryset = queryset.filter(Q(student__in=students) | Q(course__in=courses))
        return queryset, False

    @admin.display(description="student", ordering="student__name")
    def student_name(self, enrollment):
        return student_label(enrollment.student)

    @admin.display(description="finalized", boolean=True, ordering="finalized_at")
    def finalized(self, enrollment):
        return enrollment.is_finalized

    @admin.display(description="course", ordering="course__name")
    def course_name(self, enrollment):
        return enrollment.course.name
