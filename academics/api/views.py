"""The six resource endpoints (CONTRACT.md §7): declarations only, the contract is in `base`."""

from academics.api import filters, serializers
from academics.api.base import RecordViewSet
from academics.models import Cohort, Course, Enrollment, Institution, Organization, Student


class InstitutionViewSet(RecordViewSet):
    queryset = Institution.objects.all()
    serializer_class = serializers.InstitutionSerializer
    filterset_class = filters.InstitutionFilterSet
    sort_fields = ("name", "created_at", "updated_at")
    search_fields = ("name", "legal_name", "tax_id")


class OrganizationViewSet(RecordViewSet):
    queryset = Organization.objects.select_related("institution")
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilterSet
    sort_fields = ("name", "code", "created_at", "updated_at")
    search_fields = ("name", "code")


class CourseViewSet(RecordViewSet):
    queryset = Course.objects.select_related("institution", "organization")
    serializer_class = serializers.CourseSerializer
    filterset_class = filters.CourseFilterSet
    sort_fields = ("name", "code", "status", "workload_hours", "created_at", "updated_at")
    search_fields = ("name", "code")


class CohortViewSet(RecordViewSet):
    queryset = Cohort.objects.select_related("course")
    serializer_class = serializers.CohortSerializer
    filterset_class = filters.CohortFilterSet
    sort_fields = ("code", "start_date", "end_date", "created_at")
    search_fields = ("code",)


class StudentViewSet(RecordViewSet):
    queryset = Student.objects.all()
    serializer_class = serializers.StudentSerializer
    filterset_class = filters.StudentFilterSet
    sort_fields = ("name", "email", "date_of_birth", "created_at")
    search_fields = ("name", "email", "social_name")


class EnrollmentViewSet(RecordViewSet):
    queryset = Enrollment.objects.select_related("student", "course", "cohort")
    serializer_class = serializers.EnrollmentSerializer
    filterset_class = filters.EnrollmentFilterSet
    sort_fields = ("enrolled_at", "completed_at", "grade", "completion_status", "created_at")
    search_fields = ("student__name", "student__email", "course__name", "course__code")
