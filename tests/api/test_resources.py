"""The generic API suite: every behaviour the contract gives all six resources, run for each.

Each test is parametrised over `RESOURCES` (see `resources.py` for what a resource declares);
per-resource rules are in the `test_<resource>s.py` modules. All tests run in tenant A with a
read/write client of tenant A unless they say otherwise.
"""

import uuid

import pytest
from django_tenants.utils import tenant_context

from academics.api import messages as api_msg
from academics.api.wording import attribute
from academics.errors import MSG_UNAUTHENTICATED
from tests.api.resources import RESOURCES

pytestmark = pytest.mark.usefixtures("in_tenant_a")
each_resource = pytest.mark.parametrize("resource", RESOURCES, ids=str)
NOT_FOUND = {"success": False, "message": api_msg.NOT_FOUND}


def url(resource, record_uuid=None):
    return f"/api/{resource.path}" + (f"/{record_uuid}" if record_uuid else "")


def uuids(response):
    return [item["uuid"] for item in response.json()["data"]]


def shown_as(value):
    """What an input value looks like in output: dates sent to a date-as-timestamp field come
    back as midnight-UTC timestamps; everything else as sent."""
    return {value, f"{value}T00:00:00.000000Z"} if isinstance(value, str) else {value}


def assert_echoes(data, payload):
    for key, value in payload.items():
        if key.endswith("_uuid") and key[: -len("_uuid")] in data:
            assert data[key[: -len("_uuid")]]["uuid"] == value, key
        else:
            assert data[key] in shown_as(value), key


def filter_value(record, name):
    if name.endswith("_uuid"):
        related = getattr(record, name[: -len("_uuid")])
        return "null" if related is None else str(related.uuid)
    value = getattr(record, name)
    return "null" if value is None else str(value)


@each_resource
def test_list_returns_live_records_in_the_envelope(api_client, resource):
    # given two records, one of them soft-deleted
    kept, deleted = resource.factory(), resource.factory()
    api_client.delete(url(resource, deleted.uuid))

    # when
    response = api_client.get(url(resource))

    # then
    assert response.status_code == 200
    body = response.json()
    assert uuids(response) == [str(kept.uuid)]
    assert set(body["data"][0]) == set(resource.object_keys)
    assert body["meta"] == {
        "current_page": 1,
        "per_page": 15,
        "total": 1,
        "last_page": 1,
        "from": 1,
        "to": 1,
    }


@each_resource
def test_list_filters_by_each_allowed_field(api_client, resource, subtests):
    for name in resource.viewset.filterset_class.base_filters:
        with subtests.test(filter=name):
            # given a record that matches and one that does not
            variant = resource.variants.get(name, ({}, {}))
            matching_kwargs, other_kwargs = variant() if callable(variant) else variant
            matching = resource.factory(**matching_kwargs)
            other = resource.factory(**other_kwargs)

            # when
            response = api_client.get(
                url(resource), {f"where[{name}]": filter_value(matching, name)}
            )

            # then
            assert response.status_code == 200
            assert str(matching.uuid) in uuids(response)
            assert str(other.uuid) not in uuids(response)


@each_resource
def test_list_sorts_by_each_allowed_column_both_ways(api_client, resource):
    # given
    records = [resource.factory() for _ in range(3)]
    assert len(records) == 3

    for column in resource.viewset.sort_fields:
        # when
        ascending = api_client.get(url(resource), {"sort[column]": column})
        descending = api_client.get(url(resource), {"sort[column]": column, "sort[order]": "desc"})

        # then: the database's order (ties broken by uuid), and its exact reverse
        expected = [
            str(u)
            for u in resource.model.objects.order_by(column, "uuid").values_list("uuid", flat=True)
        ]
        assert uuids(ascending) == expected, column
        assert uuids(descending) == expected[::-1], column


@each_resource
def test_list_paginates(api_client, resource):
    # given three records, oldest first
    created = [str(resource.factory().uuid) for _ in range(3)]

    # when
    second = api_client.get(url(resource), {"per_page": 2, "page": 2})
    past_the_end = api_client.get(url(resource), {"per_page": 2, "page": 3})

    # then
    assert uuids(second) == created[2:]
    assert second.json()["meta"] == {
        "current_page": 2,
        "per_page": 2,
        "total": 3,
        "last_page": 2,
        "from": 3,
        "to": 3,
    }
    assert past_the_end.json() == {
        "data": [],
        "meta": {
            "current_page": 3,
            "per_page": 2,
            "total": 3,
            "last_page": 2,
            "from": None,
            "to": None,
        },
    }


@each_resource
def test_create_answers_201_with_the_new_object(api_client, resource):
    # given
    payload = resource.payload()

    # when
    response = api_client.post(url(resource), payload, format="json")

    # then
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert set(data) == set(resource.object_keys)
    assert_echoes(data, payload)
    record = resource.model.objects.get(uuid=data["uuid"])
    history = record.history.get()
    assert history.history_type == "+"
    assert (history.history_actor_type, history.history_actor_name) == (
        "api_client",
        "Test integration",
    )
    assert history.history_change_reason is None


@each_resource
def test_create_without_a_required_field_is_rejected(api_client, resource):
    # given
    payload = resource.payload()
    del payload[resource.required]
    before = resource.model.objects.count()

    # when
    response = api_client.post(url(resource), payload, format="json")

    # then
    assert response.status_code == 422
    assert response.json() == {
        "success": False,
        "message": api_msg.INVALID_DATA,
        "errors": {
            resource.required: [api_msg.REQUIRED.format(attribute=attribute(resource.required))]
        },
    }
    assert resource.model.objects.count() == before


@each_resource
def test_create_ignores_unknown_and_read_only_fields(api_client, resource):
    # given
    chosen = str(uuid.uuid4())
    payload = {**resource.payload(), "uuid": chosen, "id": 1, "colour": "blue"}

    # when
    response = api_client.post(url(resource), payload, format="json")

    # then
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["uuid"] != chosen
    assert "colour" not in data
    assert "id" not in data


@each_resource
def test_get_returns_the_object(api_client, resource):
    # given
    record = resource.factory()

    # when
    response = api_client.get(url(resource, record.uuid))

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["uuid"] == str(record.uuid)
    assert data == api_client.get(url(resource)).json()["data"][0]  # list and get agree


@each_resource
def test_patch_changes_only_the_fields_sent(api_client, resource):
    # given
    record = resource.factory()
    before = api_client.get(url(resource, record.uuid)).json()["data"]

    # when
    response = api_client.patch(url(resource, record.uuid), resource.change, format="json")

    # then
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert_echoes(data, resource.change)
    unchanged = set(before) - set(resource.change) - {"updated_at"}
    assert {key: data[key] for key in unchanged} == {key: before[key] for key in unchanged}
    record.refresh_from_db()
    assert record.history.first().history_type == "~"


@each_resource
def test_put_replaces_the_record(api_client, resource):
    # given
    record = resource.factory()
    payload = resource.payload()

    # when
    response = api_client.put(url(resource, record.uuid), payload, format="json")

    # then
    assert response.status_code == 200, response.json()
    assert_echoes(response.json()["data"], payload)
    assert response.json()["data"]["uuid"] == str(record.uuid)


@each_resource
def test_put_without_a_required_field_is_rejected(api_client, resource):
    # given
    record = resource.factory()
    payload = resource.payload()
    del payload[resource.required]
    before = api_client.get(url(resource, record.uuid)).json()["data"]

    # when
    response = api_client.put(url(resource, record.uuid), payload, format="json")

    # then
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [resource.required]
    assert api_client.get(url(resource, record.uuid)).json()["data"] == before


@each_resource
def test_delete_is_a_soft_delete(api_client, resource):
    # given
    record = resource.factory()

    # when
    response = api_client.delete(url(resource, record.uuid))

    # then
    assert response.status_code == 204
    assert response.content == b""
    assert api_client.get(url(resource, record.uuid)).json() == NOT_FOUND
    deleted = resource.model.all_objects.get(pk=record.pk)
    assert deleted.deleted_at is not None
    assert deleted.history.first().actor == "API client: Test integration"


@each_resource
def test_batch_destroy_deletes_all(api_client, resource):
    # given
    records = [resource.factory() for _ in range(3)]
    doomed = [str(record.uuid) for record in records[:2]]

    # when
    response = api_client.delete(
        f"/api/{resource.path}/batch/destroy", {"uuids": doomed}, format="json"
    )

    # then
    assert response.status_code == 204
    assert uuids(api_client.get(url(resource))) == [str(records[2].uuid)]


@each_resource
def test_batch_destroy_with_an_unknown_uuid_deletes_nothing(api_client, resource):
    # given a live record, and a uuid that names nothing
    record = resource.factory()
    unknown = str(uuid.uuid4())

    # when
    response = api_client.delete(
        f"/api/{resource.path}/batch/destroy", {"uuids": [str(record.uuid), unknown]}, format="json"
    )

    # then
    assert response.status_code == 422
    assert response.json()["errors"] == {"uuids": [api_msg.UUIDS_UNKNOWN.format(uuids=unknown)]}
    assert resource.model.objects.filter(pk=record.pk).exists()


@each_resource
def test_unauthenticated_requests_are_refused(client, resource):
    # given a record, and a client without a token
    record = resource.factory()

    for method, path in [
        ("get", url(resource)),
        ("post", url(resource)),
        ("get", url(resource, record.uuid)),
        ("patch", url(resource, record.uuid)),
        ("delete", url(resource, record.uuid)),
    ]:
        # when
        response = getattr(client, method)(path, headers={"X-Tenant": "tenant-a"})

        # then
        assert response.status_code == 401, (method, path)
        assert response.json() == {"success": False, "message": MSG_UNAUTHENTICATED}
    assert resource.model.objects.filter(pk=record.pk).exists()


@each_resource
def test_a_record_of_another_tenant_is_not_found(api_client, tenant_b, resource):
    # given a record of tenant B
    with tenant_context(tenant_b):
        foreign = resource.factory()

    for method in ("get", "patch", "put", "delete"):
        # when tenant A's client names it in a path
        response = getattr(api_client, method)(
            url(resource, foreign.uuid), resource.change, format="json"
        )

        # then
        assert response.status_code == 404, method
        assert response.json() == NOT_FOUND
    with tenant_context(tenant_b):
        assert resource.model.objects.filter(pk=foreign.pk).exists()


REFERENCES = [
    (resource, name, factory)
    for resource in RESOURCES
    for name, factory in resource.references.items()
]


@pytest.mark.parametrize(
    ("resource", "name", "factory"), REFERENCES, ids=[f"{r}-{n}" for r, n, _ in REFERENCES]
)
def test_a_reference_to_another_tenant_deleted_or_unknown_record_is_invalid(
    api_client, tenant_b, resource, name, factory
):
    # given records this tenant cannot reference: another tenant's, a soft-deleted one, none
    with tenant_context(tenant_b):
        foreign = factory()
    deleted = factory()
    deleted.deleted_at = deleted.created_at
    deleted.save()
    before = resource.model.objects.count()

    for value in (foreign.uuid, deleted.uuid, uuid.uuid4(), "not-a-uuid"):
        # when
        payload = {**resource.payload(), name: str(value)}
        response = api_client.post(url(resource), payload, format="json")

        # then
        assert response.status_code == 422, value
        assert response.json()["errors"] == {
            name: [api_msg.SELECTED_INVALID.format(attribute=attribute(name))]
        }
    assert resource.model.objects.count() == before
