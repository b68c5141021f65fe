"""`where[field][op]` operators (docs/api.md, Lists) by kind of field — text, number, date,
timestamp, enum, uuid reference, null — and every way a filter is refused."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from academics.api import messages as api_msg
from academics.choices import CompletionStatus
from academics.models import Course, Student
from tests.api.helpers import assert_invalid
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    InstitutionFactory,
    StudentFactory,
)

pytestmark = pytest.mark.usefixtures("in_tenant_a")


def found(api_client, path, params) -> set[str]:
    response = api_client.get(f"/api/{path}", params)
    assert response.status_code == 200, response.json()
    return {item["uuid"] for item in response.json()["data"]}


def ids(*records) -> set[str]:
    return {str(record.uuid) for record in records}


def test_text_operators(api_client):
    # given
    bcs = CourseFactory(code="BCS-2024", area="Technology")
    bme = CourseFactory(code="bme-2023", area="")
    law = CourseFactory(code="LAW-2024", area="Law")

    # then
    assert found(api_client, "courses", {"where[code][contains]": "2024"}) == ids(bcs, law)
    assert found(api_client, "courses", {"where[code][starts_with]": "BM"}) == ids(bme)
    assert found(api_client, "courses", {"where[code][ne]": "BCS-2024"}) == ids(bme, law)
    assert found(api_client, "courses", {"where[code][in]": "BCS-2024,LAW-2024"}) == ids(bcs, law)
    assert found(api_client, "courses", {"where[code][not_in]": "BCS-2024"}) == ids(bme, law)
    # "no value" of a text field: blank or NULL, by the operator or the literal
    assert found(api_client, "courses", {"where[area][null]": "true"}) == ids(bme)
    assert found(api_client, "courses", {"where[area]": "null"}) == ids(bme)
    assert found(api_client, "courses", {"where[area][null]": "false"}) == ids(bcs, law)


def test_number_operators(api_client):
    # given
    short = CourseFactory(workload_hours=40)
    long = CourseFactory(workload_hours=3200)
    unknown = CourseFactory(workload_hours=None)

    # then
    assert found(api_client, "courses", {"where[workload_hours][gt]": "40"}) == ids(long)
    assert found(api_client, "courses", {"where[workload_hours][gte]": "40"}) == ids(short, long)
    assert found(api_client, "courses", {"where[workload_hours][lt]": "3200"}) == ids(short)
    assert found(api_client, "courses", {"where[workload_hours][lte]": "3200"}) == ids(short, long)
    assert found(api_client, "courses", {"where[workload_hours][null]": "true"}) == ids(unknown)
    assert found(api_client, "courses", {"where[workload_hours][in]": "40, 3200"}) == ids(
        short, long
    )


def test_a_decimal_is_plain_digits_with_a_point(api_client):
    response = api_client.get("/api/enrollments", {"where[grade][gt]": "1e-7"})

    assert_invalid(
        response, "where[grade][gt]", api_msg.NUMERIC.format(attribute="where[grade][gt]")
    )


def test_decimal_operators(api_client):
    # given
    low = EnrollmentFactory(grade=Decimal("5.50"), completion_status=CompletionStatus.DROPPED)
    high = EnrollmentFactory(grade=Decimal("9.25"), completion_status=CompletionStatus.DROPPED)

    # then
    assert found(api_client, "enrollments", {"where[grade][gte]": "9.25"}) == ids(high)
    assert found(api_client, "enrollments", {"where[grade][lt]": "6"}) == ids(low)


def test_date_operators(api_client):
    # given
    older = StudentFactory(date_of_birth=date(1990, 3, 1))
    younger = StudentFactory(date_of_birth=date(2004, 7, 9))

    # then
    params = {"where[date_of_birth][lt]": "2000-01-01"}
    assert found(api_client, "students", params) == ids(older)
    params = {"where[date_of_birth][gte]": "2004-07-09"}
    assert found(api_client, "students", params) == ids(younger)


def test_timestamp_operators_pull_what_changed_since(api_client):
    # given two students, the second changed an hour after the first
    earlier, later = StudentFactory(), StudentFactory()
    now = timezone.now()
    Student.objects.filter(pk=earlier.pk).update(updated_at=now - timedelta(hours=2))
    Student.objects.filter(pk=later.pk).update(updated_at=now - timedelta(hours=1))
    since = (now - timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M:%SZ")

    # then: a delta pull by updated_at, and a date meaning midnight UTC
    assert found(api_client, "students", {"where[updated_at][gte]": since}) == ids(later)
    today = now.date().isoformat()
    assert found(api_client, "students", {"where[created_at][gte]": today}) == ids(earlier, later)
    tomorrow = (now.date() + timedelta(days=1)).isoformat()
    assert found(api_client, "students", {"where[created_at][gte]": tomorrow}) == set()


def test_enum_operators(api_client):
    # given
    draft = CourseFactory(status="draft")
    active = CourseFactory(status="active")
    archived = CourseFactory(status="archived")

    # then
    assert found(api_client, "courses", {"where[status][in]": "draft,archived"}) == ids(
        draft, archived
    )
    assert found(api_client, "courses", {"where[status][ne]": "draft"}) == ids(active, archived)


def test_reference_operators(api_client):
    # given
    first, second, third = InstitutionFactory(), InstitutionFactory(), InstitutionFactory()
    a, b = CourseFactory(institution=first), CourseFactory(institution=second)
    CourseFactory(institution=third)

    # then
    wanted = f"{first.uuid},{second.uuid}"
    assert found(api_client, "courses", {"where[institution_uuid][in]": wanted}) == ids(a, b)
    assert found(api_client, "courses", {"where[organization_uuid][null]": "true"}) == set(
        str(uuid) for uuid in Course.objects.values_list("uuid", flat=True)
    )


def test_in_looks_up_a_batch_of_emails_whatever_their_case(api_client):
    # given
    students = [StudentFactory(email=f"student{n}@example.edu") for n in range(100)]
    StudentFactory(email="someone.else@example.edu")
    emails = ",".join(s.email.upper() for s in students)

    # then
    params = {"where[email][in]": emails, "per_page": 100}
    assert found(api_client, "students", params) == ids(*students)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        # an empty value is never "no filter"
        ({"where[code]": ""}, "where[code]", "The where[code] field must have a value."),
        ({"where[status]": ""}, "where[status]", "The where[status] field must have a value."),
        (
            {"where[institution_uuid]": ""},
            "where[institution_uuid]",
            "The where[institution uuid] field must have a value.",
        ),
        # array forms and shapes that are not a filter
        (
            {"where[status][]": "draft"},
            "where[status][]",
            "The where[status][] filter is not allowed.",
        ),
        ({"where[]": "x"}, "where[]", "The where[] filter is not allowed."),
        ({"where": "x"}, "where", "The where filter is not allowed."),
        # operators: unknown, or not for the field's kind
        (
            {"where[code][like]": "x"},
            "where[code][like]",
            "The where[code][like] filter is not allowed.",
        ),
        (
            {"where[status][gt]": "draft"},
            "where[status][gt]",
            "The where[status][gt] filter is not allowed.",
        ),
        (
            {"where[institution_uuid][contains]": "ab"},
            "where[institution_uuid][contains]",
            "The where[institution_uuid][contains] filter is not allowed.",
        ),
        # malformed values
        (
            {"where[workload_hours][gt]": "1_0"},
            "where[workload_hours][gt]",
            api_msg.INTEGER.format(attribute="where[workload hours][gt]"),
        ),
        (
            {"where[workload_hours][gt]": "\uff11\uff10"},
            "where[workload_hours][gt]",
            api_msg.INTEGER.format(attribute="where[workload hours][gt]"),
        ),
        (
            {"where[updated_at][gte]": "yesterday"},
            "where[updated_at][gte]",
            api_msg.DATE.format(attribute="where[updated at][gte]"),
        ),
        (
            {"where[status][in]": "draft,live"},
            "where[status][in]",
            "The selected where[status][in] is invalid.",
        ),
        (
            {"where[status][in]": "draft,"},
            "where[status][in]",
            "The where[status][in] field must have a value.",
        ),
        (
            {"where[code][null]": "yes"},
            "where[code][null]",
            api_msg.BOOLEAN.format(attribute="where[code][null]"),
        ),
        (
            {"where[institution_uuid][in]": "not-a-uuid"},
            "where[institution_uuid][in]",
            "The where[institution uuid][in] must be a valid UUID.",
        ),
        # blank is no value either (a sync job's code of spaces must not find the blank codes)
        ({"where[code]": "   "}, "where[code]", "The where[code] field must have a value."),
        (
            {"where[code][in]": "A, \t"},
            "where[code][in]",
            "The where[code][in] field must have a value.",
        ),
        # a uuid is its canonical text, as the schema's `format: uuid` says
        (
            {"where[institution_uuid]": "{12345678-1234-4234-8234-123456789abc}"},
            "where[institution_uuid]",
            "The where[institution uuid] must be a valid UUID.",
        ),
        (
            {"where[institution_uuid][in]": "123456781234-4234-8234-123456789abc"},
            "where[institution_uuid][in]",
            "The where[institution uuid][in] must be a valid UUID.",
        ),
        # ISO 8601 as docs/api.md says: no week dates, no basic format
        (
            {"where[created_at][gte]": "2024-W01-1"},
            "where[created_at][gte]",
            api_msg.DATE.format(attribute="where[created at][gte]"),
        ),
        (
            {"where[created_at][in]": "20240101"},
            "where[created_at][in]",
            api_msg.DATE.format(attribute="where[created at][in]"),
        ),
    ],
)
def test_bad_filters_are_named_in_a_422(api_client, params, field, message):
    # given
    CourseFactory()

    # when
    response = api_client.get("/api/courses", params)

    # then
    assert_invalid(response, field, message)


def test_a_timestamp_may_end_in_a_lowercase_z_as_rfc_3339_allows(api_client):
    course = CourseFactory()

    assert found(api_client, "courses", {"where[created_at][gte]": "2000-01-01t00:00:00z"}) == ids(
        course
    )


@pytest.mark.parametrize(
    "params",
    [{"where[created_at]": "null"}, {"where[status][not_in]": "draft,active,archived"}],
)
def test_a_condition_no_record_can_meet_is_an_empty_page(api_client, params):
    # given (where[created_at]=null on a required column was a 500: Django's EmptyResultSet)
    CourseFactory()

    # when
    response = api_client.get("/api/courses", params)

    # then
    assert response.status_code == 200, response.json()
    assert response.json()["data"] == []
    assert response.json()["meta"]["total"] == 0


def test_a_filter_given_twice_is_refused(api_client):
    response = api_client.get("/api/courses?where[code]=A&where[code]=B")

    assert_invalid(response, "where[code]", "The where[code] filter takes one value.")


def test_in_takes_at_most_a_hundred_values(api_client):
    values = ",".join(f"C{n}" for n in range(101))

    response = api_client.get("/api/courses", {"where[code][in]": values})

    assert_invalid(
        response, "where[code][in]", api_msg.MAX_ITEMS.format(attribute="where[code][in]", max=100)
    )


@pytest.mark.parametrize("page", ["+5", "1_0", "\uff15", "", " 2"])
def test_page_numbers_are_plain_ascii_digits(api_client, page):
    response = api_client.get("/api/courses", {"page": page})

    assert_invalid(response, "page", api_msg.INTEGER.format(attribute="page"))
