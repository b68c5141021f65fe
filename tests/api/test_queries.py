"""Every list endpoint costs the same few statements whatever the page size (docs/api.md,
Lists). Counted: everything sent through Django's cursor, `SET search_path` included; the token
and tenant lookups are cached. A warm request needs no `SET`: the connection's session already
has the tenant's search path (academics/tenancy/session_path), or, under
`DATABASE_POOLER=transaction`, each statement carries it in its own message (docs/operations.md,
Connection pooling)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.resources import RESOURCES
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.usefixtures("in_tenant_a")
# The page query, which carries the total.
WARM_LIST_QUERIES = 1


@pytest.mark.parametrize("resource", RESOURCES, ids=str)
def test_list_query_count_does_not_grow_with_page_size(api_client, resource):
    # given a few records with all their relations, and a warm client (token, tenant cached)
    resource.factory.create_batch(4)
    api_client.get(f"/api/{resource.path}")

    counts = {}
    for per_page in (1, 100):
        # when
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(f"/api/{resource.path}", {"per_page": per_page})

        # then
        assert response.status_code == 200
        assert len(response.json()["data"]) == min(per_page, 4)
        counts[per_page] = len(queries)
    assert counts == {1: WARM_LIST_QUERIES, 100: WARM_LIST_QUERIES}


def test_single_get_is_one_query(api_client):
    # given an enrollment, whose object shows three related records
    enrollment = EnrollmentFactory()
    api_client.get("/api/enrollments")

    # when
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(f"/api/enrollments/{enrollment.uuid}")

    # then
    assert response.json()["data"]["cohort"]["code"] == enrollment.cohort.code
    assert len(queries) == 1  # one SELECT joining the three relations
