"""Completeness: every resource of the registry, and every field of its model, reaches every layer
— the API's output and routes, import/export files, the registrar admin, the OpenAPI schema, the
generic test tables — unless `academics.records.EXCLUDED` names the omission and its reason.

Each check is a function that lists what is missing, tested itself on a layer with a field or a
resource taken out, so that the check cannot pass by looking at nothing."""

import dataclasses
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from academics.admin.sites import registrar_site
from academics.api.serializers import SERIALIZERS
from academics.records import EXCLUDED, REGISTRY, RecordType
from academics.transfer.specs import SPECS, Spec
from tests.admin.specs import SPECS as ADMIN_TEST_SPECS
from tests.api.resources import BY_PATH as API_TEST_RESOURCES

each_record = pytest.mark.parametrize("record", REGISTRY, ids=str)
COMMITTED_SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "openapi.yaml"


def model_fields(record: RecordType, layer: str) -> list[str]:
    """The record's fields a layer must show: every concrete field but the database id and
    the layer's listed exclusions."""
    excluded = EXCLUDED[layer]
    return [
        f.name
        for f in record.model._meta.concrete_fields
        if not f.primary_key and f.name not in excluded
    ]


def missing_in_api(record: RecordType, serializer) -> list[str]:
    readable = {name for name, field in serializer().fields.items() if not field.write_only}
    return [name for name in model_fields(record, "api") if name not in readable]


def missing_in_files(record: RecordType, spec: Spec) -> list[str]:
    present = {*spec.fields, *(ref.field for ref in spec.refs)}
    return [name for name in model_fields(record, "files") if name not in present]


def missing_in_admin(record: RecordType, site) -> list[str]:
    model_admin = site._registry.get(record.model)
    if model_admin is None:
        return ["<not registered>"]
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    form_fields = model_admin.get_form(request).base_fields
    shown = {*form_fields, *model_admin.get_readonly_fields(request)}
    return [name for name in model_fields(record, "admin") if name not in shown]


def missing_in_schema(record: RecordType, components: dict) -> list[str]:
    component = components.get(record.model.__name__)
    if component is None:
        return ["<no component>"]
    return [name for name in model_fields(record, "openapi") if name not in component["properties"]]


def unrouted(records) -> list[str]:
    missing = []
    for record in records:
        try:
            reverse(f"{record.model._meta.model_name}-list", urlconf="config.urls_tenant")
        except NoReverseMatch:
            missing.append(record.name)
    return missing


@pytest.fixture(scope="module")
def schema_components():
    return yaml.safe_load(COMMITTED_SCHEMA.read_text())["components"]["schemas"]


@each_record
def test_every_field_is_in_the_api_output(record):
    assert missing_in_api(record, SERIALIZERS[record.name]) == []


@each_record
def test_every_field_is_in_the_import_and_export_files(record):
    assert missing_in_files(record, SPECS[record.name]) == []


@each_record
def test_every_field_is_in_the_registrar_admin(record):
    assert missing_in_admin(record, registrar_site) == []


@each_record
def test_every_field_is_in_the_openapi_schema(record, schema_components):
    assert missing_in_schema(record, schema_components) == []


def test_every_resource_is_routed():
    assert unrouted(REGISTRY) == []


def test_every_resource_has_its_generic_test_tables():
    names = {record.name for record in REGISTRY}
    assert set(API_TEST_RESOURCES) == names
    assert {spec.model for spec in ADMIN_TEST_SPECS} == {record.model for record in REGISTRY}


def test_every_exclusion_names_a_layer_and_a_reason():
    assert set(EXCLUDED) == {"api", "files", "admin", "openapi"}
    for reasons in EXCLUDED.values():
        assert all(reason.strip() for reason in reasons.values())


# The checks themselves: each finds what a layer leaves out.


def test_a_field_left_out_of_the_export_specs_is_found():
    spec = SPECS["enrollments"]
    without_grade = dataclasses.replace(
        spec, fields=tuple(name for name in spec.fields if name != "grade")
    )
    record = next(r for r in REGISTRY if r.name == "enrollments")

    assert missing_in_files(record, without_grade) == ["grade"]


def test_a_relation_left_out_of_the_export_specs_is_found():
    spec = SPECS["courses"]
    without_organization = dataclasses.replace(
        spec, refs=tuple(ref for ref in spec.refs if ref.field != "organization")
    )
    record = next(r for r in REGISTRY if r.name == "courses")

    assert missing_in_files(record, without_organization) == ["organization"]


def test_a_field_left_out_of_the_api_output_is_found():
    record = next(r for r in REGISTRY if r.name == "students")
    serializer = SERIALIZERS["students"]

    class WithoutGender(serializer):
        class Meta(serializer.Meta):
            fields = tuple(name for name in serializer.Meta.fields if name != "gender")

    assert missing_in_api(record, WithoutGender) == ["gender"]


def test_a_field_left_out_of_the_schema_is_found(schema_components):
    record = next(r for r in REGISTRY if r.name == "cohorts")
    cohort = schema_components["Cohort"]
    trimmed = {"Cohort": {**cohort, "properties": {**cohort["properties"]}}}
    del trimmed["Cohort"]["properties"]["modality"]

    assert missing_in_schema(record, trimmed) == ["modality"]


def test_a_model_left_out_of_the_admin_is_found():
    record = next(r for r in REGISTRY if r.name == "cohorts")

    class EmptySite:
        _registry: dict = {}

    assert missing_in_admin(record, EmptySite()) == ["<not registered>"]


def test_a_resource_left_out_of_the_router_is_found():
    unregistered = dataclasses.replace(REGISTRY[0], name="teachers")
    fake = type("Teacher", (), {"_meta": type("Meta", (), {"model_name": "teacher"})})
    unregistered = dataclasses.replace(unregistered, model=fake)

    assert unrouted([*REGISTRY, unregistered]) == ["teachers"]


def feed_triggers(tables: list[str]) -> dict[str, set[str]]:
    """The changes feed's triggers on each table of the active schema."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal "
            "AND c.relname = ANY(%s)",
            [tables],
        )
        found = {table: set() for table in tables}
        for table, trigger in cursor.fetchall():
            found[table].add(trigger.removeprefix(f"{table}_"))
    return found


@pytest.mark.django_db
def test_every_resource_writes_its_changes_to_the_feed(in_tenant_a):
    # A new resource's table needs the triggers of migration 0004_changes_feed (docs/design/
    # changes.md), or its changes would silently miss the feed.
    tables = [record.model._meta.db_table for record in REGISTRY]

    assert feed_triggers(tables) == {table: {"inserted", "updated", "deleted"} for table in tables}
