from django.contrib import admin
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from academics.admin.base import RecordAdmin, RecordForm
from academics.admin.pickers import RelatedPickers
from academics.admin.sites import registrar_site
from academics.models import Enrollment, Student
from academics.transcripts import transcript_enrollments, transcript_pdf, transcript_summary


class StudentEnrollmentInline(RelatedPickers, admin.TabularInline):
    """A student's enrollments, editable in place: enrolling a student is daily work. A
    finalized one refuses changes here too (`RecordForm`)."""

    model = Enrollment
    form = RecordForm
    fields = ("course", "cohort", "completion_status", "grade", "enrolled_at", "completed_at")
    autocomplete_fields = ("course", "cohort")
    pickers_filtered_by = {"cohort": "course"}
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("course", "cohort")


@admin.register(Student, site=registrar_site)
class StudentAdmin(RecordAdmin):
    list_display = ("name", "email", "date_of_birth", "social_name", "created_at", "record_link")
    list_filter = ("gender", "created_at")
    search_fields = ("name", "email", "social_name")
    inlines = [StudentEnrollmentInline]
    change_form_template = "admin/academics/student/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.transcript_view)
        record = self.admin_site.admin_view(self.record_view)
        return [
            path("<path:object_id>/transcript/", view, name="academics_student_transcript"),
            path("<path:object_id>/record/", record, name="academics_student_record"),
            *super().get_urls(),
        ]

    @admin.display(description="record")
    def record_link(self, student):
        url = reverse("admin:academics_student_record", args=[student.pk])
        return format_html('<a href="{}">Record</a>', url)

    def record_view(self, request, object_id):
        """The student's enrollments across courses with the transcript's totals and average
        (academics/transcripts.py: the PDF and this page give the same figures)."""
        student = self.get_object(request, object_id)
        if student is None or not self.has_view_permission(request, student):
            raise Http404
        enrollments = transcript_enrollments(student)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Record: {student.name}",
            "opts": self.opts,
            "original": student,
            "enrollments": enrollments,
            "courses": len({e.course_id for e in enrollments}),
            "summary": transcript_summary(enrollments),
        }
        return TemplateResponse(request, "admin/academics/student/record.html", context)

    def transcript_view(self, request, object_id):
        """The student's transcript as the API's PDF (docs/api.md, Transcript)."""
        student = self.get_object(request, object_id)
        if student is None or not self.has_view_permission(request, student):
            raise Http404
        tenant = getattr(request, "tenant", None)
        body = transcript_pdf(student=student, tenant_name=tenant.name if tenant else "")
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="transcript-{student.uuid}.pdf"'
        return response
