"""Endpoints of the enrollment lifecycle (docs/api.md, Enrollment lifecycle), added to the
derived viewsets of their resources (`academics.api.views.ACTIONS`): finalize and reopen an
enrollment, a student's transcript as JSON or PDF. The rules are the services'."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from rest_framework.decorators import action
from rest_framework.response import Response

from academics.api import messages as api_msg
from academics.api.fields import date_as_timestamp, timestamp
from academics.api.preconditions import etag_of, if_match
from academics.api.wording import invalid
from academics.services import enrollment_finalize, enrollment_reopen
from academics.transcripts import transcript_enrollments, transcript_pdf, transcript_summary

PDF = "application/pdf"


def _reason(request) -> str:
    """The body's optional `reason` (a reopen requires it: the service says so)."""
    body = request.data if isinstance(request.data, dict) else {}
    reason = body.get("reason")
    if reason is None:
        return ""
    if not isinstance(reason, str):
        raise invalid({"reason": [api_msg.STRING.format(attribute="reason")]})
    return reason


class EnrollmentLifecycleActions:
    """`POST /enrollments/{uuid}/finalize` and `POST /enrollments/{uuid}/reopen` (write scope)."""

    @action(detail=True, methods=["post"])
    def finalize(self, request, *args, **kwargs):
        return self._lifecycle(request, enrollment_finalize)

    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        return self._lifecycle(request, enrollment_reopen)

    def _lifecycle(self, request, service):
        enrollment = self.get_object()
        expected = if_match(request, enrollment)
        reason = _reason(request)
        try:
            enrollment = service(enrollment=enrollment, reason=reason, expected_revision=expected)
        except DjangoValidationError as error:
            raise invalid(error.message_dict) from error
        return Response(
            {"data": self.get_serializer(enrollment).data}, headers={"ETag": etag_of(enrollment)}
        )


def _day(value):
    return date_as_timestamp(value) if value is not None else None


def transcript_data(student) -> dict:
    enrollments = transcript_enrollments(student)
    summary = transcript_summary(enrollments)
    return {
        "student": {
            "uuid": str(student.uuid),
            "name": student.name,
            "email": student.email,
            "date_of_birth": student.date_of_birth.isoformat(),
        },
        "enrollments": [
            {
                "uuid": str(e.uuid),
                "course": {
                    "uuid": str(e.course.uuid),
                    "code": e.course.code,
                    "name": e.course.name,
                    "workload_hours": e.course.workload_hours,
                },
                "cohort": {"uuid": str(e.cohort.uuid), "code": e.cohort.code} if e.cohort else None,
                "completion_status": e.completion_status,
                "grade": e.grade,
                "enrolled_at": _day(e.enrolled_at),
                "completed_at": _day(e.completed_at),
                "finalized_at": timestamp(e.finalized_at) if e.finalized_at else None,
            }
            for e in enrollments
        ],
        "summary": {
            "completed_courses": summary.completed_courses,
            "completed_workload_hours": summary.completed_workload_hours,
            "average_grade": summary.average_grade,
        },
    }


def wants_pdf(request) -> bool:
    """`Accept: application/pdf` (alone or preferred in a list) asks for the PDF."""
    accepted = [part.split(";")[0].strip() for part in request.headers.get("Accept", "").split(",")]
    return PDF in accepted and (accepted[0] == PDF or "application/json" not in accepted)


class StudentTranscriptActions:
    """`GET /students/{uuid}/transcript` (read scope): JSON, or PDF when the client accepts it."""

    @action(detail=True, methods=["get"])
    def transcript(self, request, *args, **kwargs):
        student = self.get_object()
        if wants_pdf(request):
            tenant = getattr(request, "tenant", None)
            body = transcript_pdf(student=student, tenant_name=tenant.name if tenant else "")
            response = HttpResponse(body, content_type=PDF)
            response["Content-Disposition"] = f'inline; filename="transcript-{student.uuid}.pdf"'
            return response
        return Response({"data": transcript_data(student)})
