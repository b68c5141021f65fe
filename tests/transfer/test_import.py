from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academics import messages
from academics.choices import CompletionStatus, CourseStatus
from academics.models import Course, Enrollment, Institution, Organization, Student
from academics.transfer import messages as msg
from academics.transfer.importer import RowImporter
from academics.transfer.rows import RowError
from academics.transfer.services import import_source_open, records_import_file
from academics.transfer.writer import QueryDuringStream
from tests.factories import (
    CohortFactory,
    CourseFactory,
    InstitutionFactory,
    OrganizationFactory,
    StudentFactory,
)

pytestmark = pytest.mark.usefixtures("in_tenant_a")

STUDENT_HEADER = ["email", "name", "date_of_birth", "gender", "social_name"]
ENROLLMENT_HEADER = [
    "student_email",
    "course_code",
    "cohort_code",
    "completion_status",
    "grade",
    "enrolled_at",
    "completed_at",
]


def test_dry_run_reports_each_row_and_writes_nothing(write_csv):
    StudentFactory(email="old@example.edu", name="Old Name")
    path = write_csv(
        [
            STUDENT_HEADER,
            ["new@example.edu", "New", "2001-01-01", "", ""],
            ["OLD@example.edu", "Changed Name", "2000-05-17", "", ""],
            ["bad-address", "Bad", "2001-01-01", "", ""],
        ]
    )
    seen = []

    report = records_import_file(resource="students", path=path, dry_run=True, on_row=seen.append)

    assert [(r.line, r.action, r.label) for r in seen] == [
        (2, "create", "new@example.edu"),
        (3, "update", "OLD@example.edu"),
        (4, "reject", "bad-address"),
    ]
    assert seen[2].errors == [RowError(4, "email", "The email must be a valid email address.")]
    assert not report.written
    assert Student.objects.count() == 1
    assert Student.objects.get().name == "Old Name"


def test_importing_the_same_file_twice_creates_nothing_the_second_time(write_csv):
    path = write_csv(
        [
            STUDENT_HEADER,
            ["ana@example.edu", "Ana", "2001-01-01", "female", ""],
            ["bruno@example.edu", "Bruno", "1999-12-31", "", "Bia"],
        ]
    )

    first = records_import_file(resource="students", path=path)
    second = records_import_file(resource="students", path=path)

    assert first.written and first.counts == {"create": 2}
    assert second.written and second.counts == {"unchanged": 2}
    assert Student.objects.count() == 2
    assert Student.history.count() == 2


def test_a_changed_row_updates_its_record_found_by_email_in_any_case(write_csv):
    student = StudentFactory(email="Ana@Example.edu", name="Ana", gender=None)
    path = write_csv([STUDENT_HEADER, ["ana@example.EDU", "Ana Maria", "2000-05-17", "f", ""]])

    report = records_import_file(resource="students", path=path)

    assert report.counts == {"update": 1}
    student.refresh_from_db()
    assert (student.name, student.gender, student.email) == ("Ana Maria", "f", "ana@example.EDU")
    assert Student.objects.count() == 1


def test_enrollments_name_student_course_and_cohort_by_natural_keys(write_csv):
    student = StudentFactory(email="ana@example.edu")
    cohort = CohortFactory(code="BCS-2024", course__code="BCS")
    path = write_csv(
        [
            ENROLLMENT_HEADER,
            ["ANA@example.edu", "BCS", "BCS-2024", "completed", "8.5", "2024-02-01", "2024-12-01"],
        ]
    )

    report = records_import_file(resource="enrollments", path=path)

    assert report.counts == {"create": 1}
    enrollment = Enrollment.objects.get()
    assert (enrollment.student, enrollment.course, enrollment.cohort) == (
        student,
        cohort.course,
        cohort,
    )
    assert enrollment.grade == Decimal("8.50")
    assert enrollment.completion_status == CompletionStatus.COMPLETED


def test_enrollment_upsert_matches_student_course_and_cohort(write_csv):
    cohort = CohortFactory(code="K1", course__code="CK")
    StudentFactory(email="ana@example.edu")
    rows = [ENROLLMENT_HEADER, ["ana@example.edu", "CK", "K1", "enrolled", "", "2024-02-01", ""]]
    records_import_file(resource="enrollments", path=write_csv(rows))
    rows[1][3:5] = ["completed", "9"]
    rows[1][6] = "2024-11-30"

    report = records_import_file(resource="enrollments", path=write_csv(rows))

    assert report.counts == {"update": 1}
    enrollment = Enrollment.objects.get(cohort=cohort)
    assert (enrollment.completion_status, enrollment.grade) == ("completed", Decimal("9.00"))
    assert enrollment.completed_at == date(2024, 11, 30)


def test_any_invalid_row_writes_nothing_and_every_bad_row_is_reported(write_csv):
    StudentFactory(email="ana@example.edu")
    CohortFactory(code="K1", course__code="CK")
    CohortFactory(code="OTHER", course__code="CX")
    CourseFactory(code="DRAFT", status=CourseStatus.DRAFT)
    path = write_csv(
        [
            ENROLLMENT_HEADER,
            ["ana@example.edu", "CK", "K1", "enrolled", "", "2024-02-01", ""],  # valid
            ["ana@example.edu", "CK", "", "completed", "10.5", "2024-02-01", "2024-12-01"],
            ["nobody@example.edu", "CK", "", "enrolled", "", "2024-02-01", ""],
            ["ana@example.edu", "CX", "K1", "enrolled", "", "2024-02-01", ""],
            ["ana@example.edu", "DRAFT", "", "enrolled", "", "2024-02-01", ""],
            ["ana@example.edu", "CX", "", "completed", "", "2024-02-01", "2024-01-01"],
            ["ana@example.edu", "CX", "OTHER", "dropped", "7.123", "01/02/2024", ""],
            ["ana@example.edu", "CK", "K1", "dropped", "", "2024-02-01", ""],
        ]
    )

    report = records_import_file(resource="enrollments", path=path)

    assert not report.written
    assert Enrollment.objects.count() == 0
    assert report.errors == [
        RowError(3, "grade", messages.GRADE_RANGE),
        RowError(4, "student_email", messages.SELECTED_INVALID.format(attribute="student email")),
        RowError(5, "cohort_code", messages.COHORT_NOT_OF_COURSE),
        RowError(6, "course_code", messages.COURSE_NOT_ACTIVE),
        RowError(7, "completed_at", messages.COMPLETED_BEFORE_ENROLLED),
        RowError(8, "grade", messages.GRADE_DECIMALS),
        RowError(8, "enrolled_at", messages.DATE.format(attribute="enrolled at")),
        RowError(9, "student_email", msg.DUPLICATE_IN_FILE.format(model="enrollment", line=2)),
    ]
    assert report.counts == {"create": 1, "reject": 7}


def test_a_short_row_is_rejected_rather_than_read_as_blanks(write_csv):
    path = write_csv([STUDENT_HEADER, ["ana@example.edu", "Ana"]])

    report = records_import_file(resource="students", path=path)

    assert report.errors == [RowError(2, "", msg.ROW_LENGTH)]
    assert Student.objects.count() == 0


def test_student_born_in_the_future_is_rejected_with_the_model_message(write_csv):
    path = write_csv([STUDENT_HEADER, ["ana@example.edu", "Ana", "2999-01-01", "", ""]])

    report = records_import_file(resource="students", path=path)

    assert report.errors == [RowError(2, "date_of_birth", messages.BIRTH_DATE_IN_FUTURE)]


def test_imports_are_recorded_in_the_history(write_csv):
    student = StudentFactory(email="ana@example.edu", name="Ana")
    path = write_csv(
        [
            STUDENT_HEADER,
            ["ana@example.edu", "Ana Maria", "2000-05-17", "", ""],
            ["bia@example.edu", "Bia", "2002-03-04", "", ""],
        ],
        name="registrar.csv",
    )

    records_import_file(resource="students", path=path)

    updated = student.history.order_by("history_date").last()
    record = Student.objects.get(email="bia@example.edu")
    created = record.history.get()
    assert (updated.history_type, updated.name) == ("~", "Ana Maria")
    assert created.history_type == "+"
    assert created.actor == "Import: registrar.csv"
    assert created.history_user is None
    assert created.history_date == record.created_at
    # The history row holds the record as written, every field of it but the revision counter.
    for field in Student._meta.concrete_fields:
        if field.name == "revision":
            continue
        assert getattr(created, field.attname) == getattr(record, field.attname), field.name


def test_institutions_are_matched_by_uuid_or_else_by_name(write_csv):
    by_uuid = InstitutionFactory(name="Old Name", country="BR")
    by_name = InstitutionFactory(name="Northern College", country="PT")
    path = write_csv(
        [
            ["uuid", "name", "country"],
            [str(by_uuid.uuid), "New Name", "BR"],
            ["", "Northern College", "ES"],
            ["", "Brand New", "AR"],
        ]
    )

    report = records_import_file(resource="institutions", path=path)

    assert report.counts == {"update": 2, "create": 1}
    by_uuid.refresh_from_db()
    by_name.refresh_from_db()
    assert (by_uuid.name, by_name.country) == ("New Name", "ES")
    assert Institution.objects.filter(name="Brand New").exists()


def test_organizations_and_courses_find_their_institution_and_organization(write_csv):
    institution = InstitutionFactory(name="Tech University")
    faculty = OrganizationFactory(institution=institution, code="FC", name="Computing")
    OrganizationFactory(code="ELSEWHERE")
    orgs = write_csv(
        [
            ["institution_uuid", "institution_name", "code", "name"],
            ["", "Tech University", "FC", "Faculty of Computing"],
            [str(institution.uuid), "", "FE", "Faculty of Engineering"],
        ],
        name="orgs.csv",
    )
    courses = write_csv(
        [
            ["institution_name", "organization_code", "code", "name", "status"],
            ["Tech University", "FC", "BCS", "Computer Science", "active"],
            ["Tech University", "ELSEWHERE", "BEE", "Electrical", "active"],
        ],
        name="courses.csv",
    )

    org_report = records_import_file(resource="organizations", path=orgs)
    course_report = records_import_file(resource="courses", path=courses)

    assert org_report.counts == {"update": 1, "create": 1}
    faculty.refresh_from_db()
    assert faculty.name == "Faculty of Computing"
    assert Organization.objects.filter(institution=institution).count() == 2
    assert course_report.errors == [
        RowError(
            3, "organization_code", messages.SELECTED_INVALID.format(attribute="organization code")
        )
    ]
    assert not Course.objects.exists()


def test_a_row_can_move_a_record_to_another_related_record(write_csv):
    institution = InstitutionFactory(name="Tech University")
    OrganizationFactory(institution=institution, code="FC")
    engineering = OrganizationFactory(institution=institution, code="FE")
    course = CourseFactory(institution=institution, code="BCS", organization=None)
    path = write_csv(
        [
            ["institution_name", "organization_code", "code", "name"],
            ["Tech University", "FE", "BCS", course.name],
        ]
    )

    report = records_import_file(resource="courses", path=path)

    assert report.counts == {"update": 1}
    course.refresh_from_db()
    assert course.organization == engineering
    assert course.history.latest().history_type == "~"


@pytest.mark.parametrize("chunk_size", [1, 1000])
def test_a_row_naming_a_record_another_row_changed_is_a_duplicate(write_csv, chunk_size):
    """Row 3 names by its name the institution row 2 renamed to that name: both rows are about
    one record, whether or not the two rows are looked up together."""
    institution = InstitutionFactory(name="Old Name", country="BR")
    path = write_csv(
        [
            ["uuid", "name", "country"],
            [str(institution.uuid), "New Name", "BR"],
            ["", "New Name", "PT"],
        ]
    )
    spec, source = import_source_open(resource="institutions", path=path)

    report = RowImporter(spec, source.header).run(source.rows(), chunk_size=chunk_size)

    assert report.errors == [
        RowError(3, "name", msg.DUPLICATE_IN_FILE.format(model="institution", line=2))
    ]
    institution.refresh_from_db()
    assert institution.name == "Old Name"
    assert Institution.objects.count() == 1


def test_a_row_naming_a_record_an_earlier_row_creates_is_a_duplicate(write_csv):
    path = write_csv(
        [
            ["institution_name", "code", "name"],
            ["Tech University", "BCS", "Computer Science"],
            ["Tech University", "", "Computer Science"],
        ]
    )
    InstitutionFactory(name="Tech University")

    report = records_import_file(resource="courses", path=path)

    assert report.errors == [
        RowError(3, "institution_name", msg.DUPLICATE_IN_FILE.format(model="course", line=2))
    ]
    assert not Course.objects.exists()


def test_a_course_without_a_code_is_named_by_its_uuid(write_csv):
    course = CourseFactory(code=None)
    StudentFactory(email="ana@example.edu")
    path = write_csv(
        [
            ["student_email", "course_code", "course_uuid", "enrolled_at"],
            ["ana@example.edu", "", str(course.uuid), "2024-02-01"],
            ["ana@example.edu", "", "not-a-uuid", "2024-03-01"],
        ]
    )

    report = records_import_file(resource="enrollments", path=path)

    assert report.errors == [
        RowError(3, "course_uuid", messages.SELECTED_INVALID.format(attribute="course uuid"))
    ]
    assert not Enrollment.objects.exists()
    fixed = write_csv(
        [
            ["student_email", "course_code", "course_uuid", "enrolled_at"],
            ["ana@example.edu", "", str(course.uuid), "2024-02-01"],
        ],
        name="fixed.csv",
    )
    assert records_import_file(resource="enrollments", path=fixed).counts == {"create": 1}
    assert Enrollment.objects.get().course == course


def test_a_row_with_a_uuid_updates_that_record_whatever_else_it_changes(write_csv):
    student = StudentFactory(email="old@example.edu", name="Ana")
    path = write_csv(
        [["uuid", "email", "name"], [str(student.uuid), "new@example.edu", "Ana Maria"]]
    )

    report = records_import_file(resource="students", path=path)

    assert report.counts == {"update": 1}
    student.refresh_from_db()
    assert (student.email, student.name) == ("new@example.edu", "Ana Maria")
    assert Student.objects.count() == 1


def test_a_new_record_keeps_the_uuid_its_row_gives(write_csv):
    given = "0b5f6a7e-1d2c-4e3f-8a9b-0c1d2e3f4a5b"
    path = write_csv(
        [[*STUDENT_HEADER[:3], "uuid"], ["bia@example.edu", "Bia", "2002-03-04", given]]
    )

    report = records_import_file(resource="students", path=path)

    assert report.errors == []
    assert str(Student.objects.get().uuid) == given


def test_a_rule_that_queries_while_rows_stream_fails_loudly_and_writes_nothing(
    write_csv, monkeypatch
):
    """Rows stream into COPY as they are validated; a rule reading a relation the import did not
    load would wait for the connection forever. It raises instead."""
    StudentFactory(email="ana@example.edu")
    CohortFactory(code="K1", course__code="CK")
    path = write_csv(
        [ENROLLMENT_HEADER, ["ana@example.edu", "CK", "K1", "enrolled", "", "2024-02-01", ""]]
    )
    monkeypatch.setattr(Enrollment, "clean", lambda self: self.student.name)

    with pytest.raises(QueryDuringStream):
        records_import_file(resource="enrollments", path=path)

    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_files_with_semicolons_or_tabs_and_decimal_commas_are_read(tmp_path, delimiter):
    """What a spreadsheet writes where the comma is the decimal mark: `;` between cells, 8,5."""
    StudentFactory(email="ana@example.edu")
    CohortFactory(code="K1", course__code="CK")
    path = tmp_path / "enrollments.csv"
    path.write_text(
        "\n".join(
            delimiter.join(cells)
            for cells in (
                ENROLLMENT_HEADER,
                ["ana@example.edu", "CK", "K1", "completed", "8,5", "2024-02-01", "2024-12-01"],
            )
        )
        + "\n",
        encoding="utf-8-sig",
    )

    report = records_import_file(resource="enrollments", path=path)

    assert report.errors == []
    assert Enrollment.objects.get().grade == Decimal("8.50")


def test_a_grade_with_two_commas_is_still_refused(write_csv):
    StudentFactory(email="ana@example.edu")
    CohortFactory(code="K1", course__code="CK")
    path = write_csv(
        [
            ENROLLMENT_HEADER,
            ["ana@example.edu", "CK", "K1", "completed", "8,5,1", "2024-02-01", "2024-12-01"],
        ]
    )

    report = records_import_file(resource="enrollments", path=path)

    assert [(e.line, e.column) for e in report.errors] == [(2, "grade")]


def test_empty_columns_without_a_name_are_ignored_and_a_value_in_one_is_refused(write_csv):
    path = write_csv(
        [
            ["email", "name", "date_of_birth", "", ""],
            ["ana@example.edu", "Ana", "2001-01-01", "", ""],
            ["bia@example.edu", "Bia", "2002-02-02", "", "8,5"],
        ]
    )

    report = records_import_file(resource="students", path=path)

    assert report.errors == [RowError(3, "", msg.UNNAMED_CELL.format(number=5))]
    assert not Student.objects.exists()
    fixed = write_csv(
        [["email", "name", "date_of_birth", ""], ["ana@example.edu", "Ana", "2001-01-01", ""]],
        name="fixed.csv",
    )
    assert records_import_file(resource="students", path=fixed).counts == {"create": 1}


def test_a_file_of_updates_only_reserves_no_new_ids(write_csv):
    StudentFactory(email="ana@example.edu", name="Ana")
    path = write_csv([STUDENT_HEADER, ["ana@example.edu", "Ana Maria", "2001-01-01", "", ""]])

    with CaptureQueriesContext(connection) as queries:
        report = records_import_file(resource="students", path=path)

    assert report.counts == {"update": 1}
    assert not [q for q in queries.captured_queries if "nextval" in q["sql"]]
