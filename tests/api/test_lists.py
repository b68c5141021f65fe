"""List parameters (docs/api.md, Lists) that every resource shares, checked once, on courses."""

import pytest

from academics.api import messages as api_msg
from academics.api.lists import MAX_PER_PAGE
from tests.api.helpers import assert_invalid
from tests.factories import CourseFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")
URL = "/api/courses"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"where[colour]": "red"}, "where[colour]", "The where[colour] filter is not allowed."),
        ({"where[status]": "live"}, "where[status]", "The selected where[status] is invalid."),
        (
            {"where[institution_uuid]": "123"},
            "where[institution_uuid]",
            "The where[institution uuid] must be a valid UUID.",
        ),
        ({"sort[column]": "description"}, "sort[column]", "The selected sort[column] is invalid."),
        ({"sort[order]": "up"}, "sort[order]", "The selected sort[order] is invalid."),
        ({"per_page": MAX_PER_PAGE + 1}, "per_page", "The per page must not be greater than 100."),
        ({"per_page": 0}, "per_page", "The per page must be at least 1."),
        ({"page": "two"}, "page", api_msg.INTEGER.format(attribute="page")),
        ({"page": 10**20}, "page", "The page must not be greater than 1000000000."),
        (
            {"where[code]": "a\x00b"},
            "where[code]",
            api_msg.NULL_CHARACTERS.format(attribute="where[code]"),
        ),
        ({"search": "a\x00b"}, "search", "The search must not contain null characters."),
    ],
)
def test_bad_list_parameters_are_named_in_a_422(api_client, params, field, message):
    # when
    response = api_client.get(URL, params)

    # then
    assert_invalid(response, field, message)


def test_filters_are_anded(api_client):
    # given
    wanted = CourseFactory(status="archived", area="Health")
    CourseFactory(status="archived", area="Law")
    CourseFactory(status="active", area="Health")

    # when
    response = api_client.get(URL, {"where[status]": "archived", "where[area]": "Health"})

    # then: the total counts the filtered rows only
    assert [item["uuid"] for item in response.json()["data"]] == [str(wanted.uuid)]
    assert response.json()["meta"]["total"] == 1


def test_search_matches_name_or_code_case_insensitively(api_client):
    # given
    by_name = CourseFactory(name="Bachelor of Computer Science", code="X1")
    by_code = CourseFactory(name="Other", code="bcs-night")
    CourseFactory(name="Medicine", code="MED")

    # when
    response = api_client.get(URL, {"search": "BCS"})
    by_words = api_client.get(URL, {"search": "computer"})

    # then
    assert [item["uuid"] for item in response.json()["data"]] == [str(by_code.uuid)]
    assert [item["uuid"] for item in by_words.json()["data"]] == [str(by_name.uuid)]


def test_default_order_is_creation_then_uuid(api_client):
    # given
    created = [str(CourseFactory().uuid) for _ in range(3)]

    # when
    response = api_client.get(URL)

    # then
    assert [item["uuid"] for item in response.json()["data"]] == created


def test_unknown_query_parameters_are_ignored(api_client):
    # given
    CourseFactory()

    # when
    response = api_client.get(URL, {"include": "modules", "filter[code]": "x"})

    # then
    assert response.status_code == 200
    assert response.json()["meta"]["total"] == 1


def test_batch_destroy_input_is_checked(api_client):
    # given
    course = CourseFactory()
    path = f"{URL}/batch/destroy"

    # when
    missing = api_client.delete(path, {}, format="json")
    not_a_list = api_client.delete(path, {"uuids": str(course.uuid)}, format="json")
    too_many = api_client.delete(path, {"uuids": [str(course.uuid)] * 1001}, format="json")

    # then
    assert_invalid(missing, "uuids", api_msg.REQUIRED.format(attribute="uuids"))
    assert_invalid(not_a_list, "uuids", api_msg.ARRAY.format(attribute="uuids"))
    assert_invalid(too_many, "uuids", api_msg.MAX_ITEMS.format(attribute="uuids", max=1000))
    assert api_client.get(f"{URL}/{course.uuid}").status_code == 200
