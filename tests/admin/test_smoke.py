"""Every record model's admin: changelist, search, every filter choice, add, change, delete and
history, as a registrar."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.admin.specs import SPECS, form_data

pytestmark = pytest.mark.django_db
by_model = pytest.mark.parametrize("spec", SPECS, ids=str)


@by_model
def test_changelist_lists_rows_and_search_finds_them(registrar_client, spec):
    found, other = spec.factory(), spec.factory()

    listed = registrar_client.get(spec.url)
    searched = registrar_client.get(spec.url, {"q": spec.search(found)})

    assert listed.status_code == 200
    assert set(listed.context["cl"].result_list) == {found, other}
    assert list(searched.context["cl"].result_list) == [found]


@by_model
def test_every_filter_choice_renders(registrar_client, spec):
    spec.factory()
    changelist = registrar_client.get(spec.url).context["cl"]

    query_strings = [
        choice["query_string"]
        for filter_spec in changelist.filter_specs
        for choice in filter_spec.choices(changelist)
    ]

    assert len(query_strings) > len(changelist.filter_specs)
    for query_string in [*query_strings, "?_facets=True"]:
        assert registrar_client.get(spec.url + query_string).status_code == 200, query_string


@by_model
def test_add_creates_the_record(registrar_client, spec):
    data = {**spec.add_data(), **spec.inline_data()}

    response = registrar_client.post(spec.url + "add/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert (
        spec.model.objects.count()
        == 1
        + spec.model.objects.exclude(
            created_at=spec.model.objects.latest("created_at").created_at
        ).count()
    )


@by_model
def test_change_saves_and_history_shows_who_changed_what(registrar_client, spec):
    record = spec.factory()
    change_url = f"{spec.url}{record.pk}/change/"
    data = form_data(registrar_client.get(change_url))
    before = data.get(spec.change_field, "None")
    data[spec.change_field] = spec.change_value

    saved = registrar_client.post(change_url, data)
    history = registrar_client.get(f"{spec.url}{record.pk}/history/")

    assert saved.status_code == 302, saved.context["adminform"].form.errors
    record.refresh_from_db()
    assert str(getattr(record, spec.change_field)) == spec.change_value
    page = history.content.decode()
    assert history.status_code == 200
    assert "registrar" in page
    assert f"{spec.change_field}:</strong>" in page.lower()
    assert before in page and spec.change_value in page


@by_model
def test_delete_is_soft_and_the_deleted_filter_shows_the_row(registrar_client, spec):
    record = spec.factory()
    delete_url = f"{spec.url}{record.pk}/delete/"

    confirmation = registrar_client.get(delete_url)
    deleted = registrar_client.post(delete_url, {"post": "yes"})

    assert confirmation.status_code == 200
    assert deleted.status_code == 302
    assert not spec.model.objects.filter(pk=record.pk).exists()
    assert spec.model.all_objects.get(pk=record.pk).is_deleted
    assert record not in registrar_client.get(spec.url).context["cl"].result_list
    assert list(registrar_client.get(spec.url, {"deleted": "yes"}).context["cl"].result_list) == [
        record
    ]


@by_model
def test_changelist_queries_do_not_grow_with_rows(registrar_client, spec):
    spec.factory()
    registrar_client.get(spec.url)  # warm per-process caches (content types) first
    with CaptureQueriesContext(connection) as one_row:
        registrar_client.get(spec.url)
    spec.factory.create_batch(49)
    with CaptureQueriesContext(connection) as fifty_rows:
        response = registrar_client.get(spec.url)

    assert len(response.context["cl"].result_list) == 50
    assert len(fifty_rows) == len(one_row), [q["sql"] for q in fifty_rows.captured_queries]
