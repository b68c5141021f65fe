"""Every record rule rejects bad input with its message and saves nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from academics import messages as msg
from academics.choices import CompletionStatus, CourseStatus, InstitutionStatus
from academics.models import Cohort, Course, Enrollment, Institution, Organization, Student
from academics.records import REGISTRY
from academics.services import (
    DeletionProtected,
    enrollment_complete,
    record_restore,
    record_save,
    record_soft_delete,
    records_soft_delete,
)
from tests.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    InstitutionFactory,
    OrganizationFactory,
    StudentFactory,
)

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def assert_rejected(record, field, message):
    model = type(record)
    before = model.all_objects.count()
    with pytest.raises(ValidationError) as caught:
        record_save(record=record)
    assert message in caught.value.message_dict[field]
    assert model.all_objects.count() == before


def test_record_defaults():
    institution = record_save(record=Institution(name="Uni", country="BR"))
    course = record_save(record=Course(name="Law", institution=institution))
    assert institution.status == InstitutionStatus.ACTIVE
    assert institution.is_badges_enabled is False
    assert course.status == CourseStatus.DRAFT
    assert course.uuid and course.created_at and course.updated_at
    assert course.deleted_at is None


def test_enrollment_defaults_to_enrolled():
    enrollment = EnrollmentFactory()
    assert enrollment.completion_status == CompletionStatus.ENROLLED
    assert enrollment.grade is None


@pytest.mark.parametrize("grade", [Decimal("10.01"), Decimal("-0.01"), Decimal("11")])
def test_enrollment_grade_out_of_range_is_rejected(grade):
    enrollment = EnrollmentFactory.build(cohort=CohortFactory(), grade=grade)
    enrollment.course = enrollment.cohort.course
    enrollment.student = StudentFactory()
    assert_rejected(enrollment, "grade", msg.GRADE_RANGE)


def test_enrollment_grade_with_three_decimals_is_rejected():
    cohort = CohortFactory()
    enrollment = Enrollment(
        student=StudentFactory(),
        course=cohort.course,
        cohort=cohort,
        enrolled_at=date(2024, 2, 1),
        grade=Decimal("8.755"),
    )
    assert_rejected(enrollment, "grade", msg.GRADE_DECIMALS)


@pytest.mark.parametrize("grade", [Decimal("0"), Decimal("10"), Decimal("8.75")])
def test_enrollment_grade_bounds_are_accepted(grade):
    enrollment = EnrollmentFactory(grade=grade, completion_status="dropped")
    assert Enrollment.objects.get(pk=enrollment.pk).grade == grade


def test_grade_range_is_also_a_database_constraint():
    enrollment = EnrollmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=enrollment.pk).update(grade=Decimal("12"))


def test_enrollment_completed_before_enrolled_is_rejected():
    cohort = CohortFactory()
    enrollment = Enrollment(
        student=StudentFactory(),
        course=cohort.course,
        cohort=cohort,
        enrolled_at=date(2024, 2, 1),
        completed_at=date(2024, 1, 31),
    )
    assert_rejected(enrollment, "completed_at", msg.COMPLETED_BEFORE_ENROLLED)


def test_enrollment_cohort_of_another_course_is_rejected():
    cohort = CohortFactory()
    other_course = CourseFactory()
    enrollment = Enrollment(
        student=StudentFactory(), course=other_course, cohort=cohort, enrolled_at=date(2024, 2, 1)
    )
    assert_rejected(enrollment, "cohort", msg.COHORT_NOT_OF_COURSE)


@pytest.mark.parametrize("status", [CourseStatus.DRAFT, CourseStatus.ARCHIVED])
def test_new_enrollment_in_inactive_course_is_rejected(status):
    course = CourseFactory(status=status)
    enrollment = Enrollment(student=StudentFactory(), course=course, enrolled_at=date(2024, 2, 1))
    assert_rejected(enrollment, "course", msg.COURSE_NOT_ACTIVE)


def test_existing_enrollment_can_change_after_course_is_archived():
    enrollment = EnrollmentFactory()
    course = enrollment.course
    course.status = CourseStatus.ARCHIVED
    record_save(record=course)
    enrollment_complete(enrollment=enrollment, completed_at=date(2024, 12, 1), grade=Decimal("9"))
    enrollment.refresh_from_db()
    assert enrollment.completion_status == CompletionStatus.COMPLETED


def test_duplicate_live_enrollment_is_rejected():
    existing = EnrollmentFactory()
    duplicate = Enrollment(
        student=existing.student,
        course=existing.course,
        cohort=existing.cohort,
        enrolled_at=date(2024, 3, 1),
    )
    assert_rejected(duplicate, "student", msg.ENROLLMENT_DUPLICATE)


def test_duplicate_enrollment_without_cohort_is_rejected():
    course = CourseFactory()
    student = StudentFactory()
    record_save(record=Enrollment(student=student, course=course, enrolled_at=date(2024, 2, 1)))
    again = Enrollment(student=student, course=course, enrolled_at=date(2024, 3, 1))
    assert_rejected(again, "student", msg.ENROLLMENT_DUPLICATE)


def test_enrollment_may_be_repeated_after_the_first_is_soft_deleted():
    existing = EnrollmentFactory()
    record_soft_delete(record=existing)
    again = record_save(
        record=Enrollment(
            student=existing.student,
            course=existing.course,
            cohort=existing.cohort,
            enrolled_at=date(2025, 2, 1),
        )
    )
    assert again.pk != existing.pk


def test_cohort_end_before_start_is_rejected():
    cohort = Cohort(
        course=CourseFactory(), code="X-1", start_date=date(2024, 5, 1), end_date=date(2024, 4, 30)
    )
    assert_rejected(cohort, "end_date", msg.COHORT_DATES_ORDER)


def test_cohort_code_is_unique_in_tenant():
    CohortFactory(code="BCS-2024-EVE")
    assert_rejected(
        Cohort(course=CourseFactory(), code="BCS-2024-EVE"), "code", msg.COHORT_CODE_TAKEN
    )


def test_course_code_is_unique_in_tenant_but_optional():
    CourseFactory(code="BCS-2024")
    institution = InstitutionFactory()
    assert_rejected(
        Course(institution=institution, name="x", code="BCS-2024"), "code", msg.COURSE_CODE_TAKEN
    )
    record_save(record=Course(institution=institution, name="No code 1"))
    record_save(record=Course(institution=institution, name="No code 2"))


def test_course_negative_workload_is_rejected():
    course = Course(institution=InstitutionFactory(), name="x", workload_hours=-1)
    with pytest.raises(ValidationError) as caught:
        record_save(record=course)
    assert "workload_hours" in caught.value.message_dict
    assert not Course.objects.filter(name="x").exists()


def test_course_organization_of_another_institution_is_rejected():
    course = Course(
        institution=InstitutionFactory(), organization=OrganizationFactory(), name="Mismatch"
    )
    assert_rejected(course, "organization", msg.ORGANIZATION_NOT_OF_INSTITUTION)


def test_organization_code_unique_within_institution_only():
    first = OrganizationFactory(code="FC")
    assert_rejected(
        Organization(institution=first.institution, name="dup", code="FC"),
        "code",
        msg.ORGANIZATION_CODE_TAKEN,
    )
    record_save(record=Organization(institution=InstitutionFactory(), name="Other", code="FC"))


def test_student_email_unique_case_insensitively():
    StudentFactory(email="maria@example.edu")
    duplicate = Student(name="M", email="MARIA@Example.edu", date_of_birth=date(2000, 1, 1))
    assert_rejected(duplicate, "email", msg.EMAIL_TAKEN)


def test_student_email_unique_is_enforced_by_the_database():
    StudentFactory(email="maria@example.edu")
    with pytest.raises(IntegrityError), transaction.atomic():
        Student.objects.create(name="M", email="Maria@example.edu", date_of_birth=date(2000, 1, 1))


def test_student_invalid_email_is_rejected():
    student = Student(name="M", email="not-an-email", date_of_birth=date(2000, 1, 1))
    with pytest.raises(ValidationError) as caught:
        record_save(record=student)
    assert "email" in caught.value.message_dict


def test_student_born_in_the_future_is_rejected():
    tomorrow = timezone.localdate() + timedelta(days=1)
    student = Student(name="M", email="m@example.edu", date_of_birth=tomorrow)
    assert_rejected(student, "date_of_birth", msg.BIRTH_DATE_IN_FUTURE)


def test_required_fields_are_required():
    with pytest.raises(ValidationError) as caught:
        record_save(record=Institution())
    assert {"name", "country"} <= set(caught.value.message_dict)


def test_soft_delete_hides_but_keeps_the_row():
    student = StudentFactory()
    record_soft_delete(record=student)
    assert not Student.objects.filter(pk=student.pk).exists()
    kept = Student.all_objects.get(pk=student.pk)
    assert kept.deleted_at is not None and kept.name == student.name


def test_restore_brings_a_soft_deleted_record_back():
    student = StudentFactory()
    record_soft_delete(record=student)
    record_restore(record=Student.all_objects.get(pk=student.pk))
    assert Student.objects.filter(pk=student.pk).exists()


def test_restore_is_refused_when_a_live_record_took_its_unique_value():
    student = StudentFactory(email="reuse@example.edu")
    record_soft_delete(record=student)
    StudentFactory(email="reuse@example.edu")
    with pytest.raises(ValidationError):
        record_restore(record=Student.all_objects.get(pk=student.pk))
    assert Student.all_objects.get(pk=student.pk).deleted_at is not None


def test_restore_is_refused_while_a_record_it_belongs_to_is_deleted():
    enrollment = EnrollmentFactory()
    record_soft_delete(record=enrollment)
    record_soft_delete(record=enrollment.student)

    with pytest.raises(ValidationError) as refused:
        record_restore(record=Enrollment.all_objects.get(pk=enrollment.pk))

    assert refused.value.message_dict == {
        "student": [msg.RESTORE_PARENT_DELETED.format(model="student")]
    }
    assert Enrollment.all_objects.get(pk=enrollment.pk).is_deleted
    record_restore(record=Student.all_objects.get(pk=enrollment.student_id))
    record_restore(record=Enrollment.all_objects.get(pk=enrollment.pk))
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


@pytest.mark.parametrize(
    ("make_protected", "expected"),
    [
        (
            lambda: EnrollmentFactory().course,
            "The course cannot be deleted: 1 cohort and 1 enrollment reference it.",
        ),
        (
            lambda: EnrollmentFactory().student,
            "The student cannot be deleted: 1 enrollment references it.",
        ),
        (
            lambda: EnrollmentFactory().cohort,
            "The cohort cannot be deleted: 1 enrollment references it.",
        ),
        (
            lambda: OrganizationFactory().institution,
            "The institution cannot be deleted: 1 organization references it.",
        ),
        (
            lambda: CourseFactory(organization=OrganizationFactory()).organization,
            "The organization cannot be deleted: 1 course references it.",
        ),
    ],
)
def test_deletion_of_a_record_with_live_dependents_is_refused(make_protected, expected):
    record = make_protected()
    with pytest.raises(DeletionProtected) as caught:
        record_soft_delete(record=record)
    assert caught.value.message == expected
    assert type(record).objects.filter(pk=record.pk).exists()


def test_deletion_protection_counts_only_live_dependents():
    enrollment = EnrollmentFactory()
    student = enrollment.student
    record_soft_delete(record=enrollment)
    record_soft_delete(record=student)
    assert not Student.objects.filter(pk=student.pk).exists()


def test_batch_soft_delete_is_all_or_nothing():
    free = StudentFactory()
    protected = EnrollmentFactory().student
    with pytest.raises(DeletionProtected):
        records_soft_delete(records=[free, protected])
    assert Student.objects.filter(pk__in=[free.pk, protected.pk]).count() == 2


def test_every_change_is_kept_in_history():
    student = StudentFactory(name="Before")
    student.name = "After"
    record_save(record=student)
    record_soft_delete(record=student)
    history = list(student.history.order_by("history_date"))
    assert [h.name for h in history] == ["Before", "After", "After"]
    assert history[-1].deleted_at is not None


def test_a_records_history_manager_class_is_built_once():
    """Every save reads `record.history`; simple-history would build its manager's class anew
    on each access."""
    first, second = StudentFactory(), StudentFactory()
    assert type(first.history) is type(second.history)
    assert first.history.instance == first and second.history.instance == second
    assert [h.name for h in second.history.all()] == [second.name]


RECORD_MODELS = [record.model for record in REGISTRY]


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m.__name__)
def test_history_tables_index_only_what_history_is_read_by(model):
    """A record's entries, by date, by user: the live table's other indexes would only slow
    every write of history."""
    table = model.history.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["primary_key"]}
    assert indexed == {("history_id",), ("id",), ("history_date",), ("history_user_id",)}


def test_no_record_table_has_an_index_for_like_searches():
    """`db_index` on a CharField adds a varchar_pattern_ops twin that equality filters never
    use; the status fields are indexed plainly instead."""
    tables = [m._meta.db_table for m in RECORD_MODELS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = ANY(%s) AND indexdef LIKE '%%pattern_ops%%'",
            [tables],
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexname IN ('course_status_idx', 'enrollment_status_idx')"
        )
        assert len(cursor.fetchall()) == 2
