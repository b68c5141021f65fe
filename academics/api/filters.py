"""The `where[...]` allow-list of each resource (CONTRACT.md §7)."""

from django_filters import CharFilter, UUIDFilter

from academics.api.lists import RecordFilterSet
from academics.models import Cohort, Course, Enrollment, Institution, Organization, Student


class InstitutionFilterSet(RecordFilterSet):
    class Meta:
        model = Institution
        fields = ("status", "country", "name", "tax_id")


class OrganizationFilterSet(RecordFilterSet):
    institution_uuid = UUIDFilter(field_name="institution__uuid")

    class Meta:
        model = Organization
        fields = ("institution_uuid", "code", "name")


class CourseFilterSet(RecordFilterSet):
    institution_uuid = UUIDFilter(field_name="institution__uuid")
    organization_uuid = UUIDFilter(field_name="organization__uuid")

    class Meta:
        model = Course
        fields = ("status", "code", "institution_uuid", "organization_uuid", "area", "version")


class CohortFilterSet(RecordFilterSet):
    course_uuid = UUIDFilter(field_name="course__uuid")

    class Meta:
        model = Cohort
        fields = ("course_uuid", "code", "modality")


class StudentFilterSet(RecordFilterSet):
    # Emails are unique whatever their case, so they are found whatever their case.
    email = CharFilter(lookup_expr="iexact")

    class Meta:
        model = Student
        fields = ("email", "name", "gender")


class EnrollmentFilterSet(RecordFilterSet):
    course_uuid = UUIDFilter(field_name="course__uuid")
    student_uuid = UUIDFilter(field_name="student__uuid")
    cohort_uuid = UUIDFilter(field_name="cohort__uuid")

    class Meta:
        model = Enrollment
        fields = ("completion_status", "course_uuid", "student_uuid", "cohort_uuid")
