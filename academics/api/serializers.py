"""The six resources' fields (CONTRACT.md §7). Rules are the models'; see `RecordSerializer`."""

from academics.api.base import DateAsTimestampField, RecordSerializer, Summary, UuidReferenceField
from academics.models import Cohort, Course, Enrollment, Institution, Organization, Student

TIMESTAMPS = ("created_at", "updated_at")


class InstitutionSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Institution
        fields = (
            "uuid",
            "name",
            "legal_name",
            "tax_id",
            "country",
            "website",
            "linkedin_organization",
            "status",
            "is_badges_enabled",
            "badge_image_uuid",
            *TIMESTAMPS,
        )


class OrganizationSerializer(RecordSerializer):
    institution = Summary("uuid", "name")
    institution_uuid = UuidReferenceField(Institution, source="institution")

    class Meta(RecordSerializer.Meta):
        model = Organization
        fields = ("uuid", "name", "code", "institution", "institution_uuid", *TIMESTAMPS)


class CourseSerializer(RecordSerializer):
    institution = Summary("uuid", "name")
    organization = Summary("uuid", "name")
    institution_uuid = UuidReferenceField(Institution, source="institution")
    organization_uuid = UuidReferenceField(
        Organization, source="organization", required=False, allow_null=True
    )

    class Meta(RecordSerializer.Meta):
        model = Course
        fields = (
            "uuid",
            "code",
            "name",
            "description",
            "workload_hours",
            "area",
            "version",
            "status",
            "institution",
            "organization",
            "institution_uuid",
            "organization_uuid",
            *TIMESTAMPS,
        )


class CohortSerializer(RecordSerializer):
    course = Summary("uuid", "name")
    course_uuid = UuidReferenceField(Course, source="course")

    class Meta(RecordSerializer.Meta):
        model = Cohort
        fields = (
            "uuid",
            "code",
            "modality",
            "start_date",
            "end_date",
            "course",
            "course_uuid",
            *TIMESTAMPS,
        )


class StudentSerializer(RecordSerializer):
    class Meta(RecordSerializer.Meta):
        model = Student
        fields = ("uuid", "name", "email", "date_of_birth", "gender", "social_name", *TIMESTAMPS)


class EnrollmentSerializer(RecordSerializer):
    enrolled_at = DateAsTimestampField()
    completed_at = DateAsTimestampField(required=False, allow_null=True)
    student = Summary("uuid", "name")
    course = Summary("uuid", "name")
    cohort = Summary("uuid", "code")
    student_uuid = UuidReferenceField(Student, source="student")
    course_uuid = UuidReferenceField(Course, source="course")
    cohort_uuid = UuidReferenceField(Cohort, source="cohort", required=False, allow_null=True)

    class Meta(RecordSerializer.Meta):
        model = Enrollment
        fields = (
            "uuid",
            "completion_status",
            "grade",
            "enrolled_at",
            "completed_at",
            "student",
            "course",
            "cohort",
            "student_uuid",
            "course_uuid",
            "cohort_uuid",
            *TIMESTAMPS,
        )
