"""The OpenAPI schema (academics/api/openapi/), the committed docs/openapi.yaml and the
interactive docs at /api/docs."""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from academics.api.base import MAX_BATCH
from academics.api.lists import MAX_PER_PAGE
from academics.api.views import VIEWSETS
from academics.records import BY_NAME as RESOURCES

CourseViewSet, EnrollmentViewSet = VIEWSETS["courses"], VIEWSETS["enrollments"]

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
REGENERATE = "The API changed: regenerate the committed schema with `make openapi`."


def generate(tmp_path) -> str:
    """The schema as `manage.py spectacular` writes it; any warning or error fails."""
    target = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    return target.read_text()


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    return yaml.safe_load(generate(tmp_path_factory.mktemp("openapi")))


def parameters(operation) -> dict:
    return {parameter["name"]: parameter for parameter in operation.get("parameters", [])}


def test_the_schema_validates_without_warnings(tmp_path):
    # when / then: spectacular raises on the first warning (--fail-on-warn)
    assert generate(tmp_path).startswith("openapi: 3.0.3")


def test_the_committed_schema_is_the_generated_one(tmp_path):
    # when
    generated = generate(tmp_path)

    # then
    assert generated == COMMITTED.read_text(), REGENERATE


def test_every_endpoint_is_described_without_trailing_slash(schema):
    expected = {"/api/oauth/token", "/api/auth/me", "/api/changes"}
    for resource in RESOURCES:
        expected |= {f"/api/{resource}", f"/api/{resource}/{{uuid}}"}
        expected.add(f"/api/{resource}/batch/destroy")
        expected.add(f"/api/{resource}/{{uuid}}/history")
    # The enrollment lifecycle's endpoints (docs/api.md, Enrollment lifecycle).
    expected |= {
        "/api/enrollments/{uuid}/finalize",
        "/api/enrollments/{uuid}/reopen",
        "/api/students/{uuid}/transcript",
    }

    assert set(schema["paths"]) == expected


def test_resource_operations_name_the_tenant_header_and_both_security_schemes(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if path == "/api/oauth/token":
                assert "security" not in operation
                assert "X-Tenant" not in parameters(operation)
                continue
            tenant = parameters(operation)["X-Tenant"]
            # /auth/me is how a client learns the value: it needs none (docs/api.md)
            required = path != "/api/auth/me"
            assert tenant["in"] == "header" and tenant["required"] is required, (path, method)
            scope = "read" if method == "get" else "write"
            assert operation["security"] == [{"bearerAuth": []}, {"oauth2": [scope]}]


def test_security_schemes_offer_a_pasted_token_and_the_client_credentials_flow(schema):
    schemes = schema["components"]["securitySchemes"]

    assert schemes["bearerAuth"]["scheme"] == "bearer"
    flow = schemes["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/api/oauth/token"
    assert set(flow["scopes"]) == {"read", "write"}


@pytest.mark.parametrize(
    ("method", "suffix", "success", "errors"),
    [
        ("get", "", "200", {"400", "401", "403", "422", "429"}),
        ("post", "", "201", {"400", "401", "403", "409", "415", "422", "429"}),
        ("get", "/{uuid}", "200", {"304", "400", "401", "403", "404", "429"}),
        ("put", "/{uuid}", "200", {"400", "401", "403", "404", "412", "415", "422", "429"}),
        ("patch", "/{uuid}", "200", {"400", "401", "403", "404", "412", "415", "422", "429"}),
        ("delete", "/{uuid}", "204", {"400", "401", "403", "404", "409", "412", "429"}),
        ("delete", "/batch/destroy", "204", {"400", "401", "403", "409", "415", "422", "429"}),
    ],
)
def test_status_codes_of_each_resource_operation(schema, method, suffix, success, errors):
    for resource in RESOURCES:
        responses = schema["paths"][f"/api/{resource}{suffix}"][method]["responses"]

        assert set(responses) == {success} | errors
        if success == "204":
            assert "content" not in responses[success]
        assert responses["429"]["headers"]["Retry-After"]["required"] is True


@pytest.mark.parametrize(
    ("method", "suffix", "header"),
    [
        ("post", "", "Idempotency-Key"),
        ("delete", "/batch/destroy", "Idempotency-Key"),
        ("get", "/{uuid}", "If-None-Match"),
        ("put", "/{uuid}", "If-Match"),
        ("patch", "/{uuid}", "If-Match"),
        ("delete", "/{uuid}", "If-Match"),
    ],
)
def test_safe_write_headers_are_documented(schema, method, suffix, header):
    for resource in RESOURCES:
        operation = schema["paths"][f"/api/{resource}{suffix}"][method]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert header in headers
        success = next(code for code in operation["responses"] if code.startswith("2"))
        if success != "204":
            assert "ETag" in operation["responses"][success]["headers"]


def test_bodies_are_in_the_envelope(schema):
    components = schema["components"]["schemas"]
    courses = schema["paths"]["/api/courses"]
    listed = courses["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    created = courses["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    invalid = courses["post"]["responses"]["422"]["content"]["application/json"]["schema"]

    assert components["CourseList"]["properties"]["data"]["items"] == {
        "$ref": "#/components/schemas/Course"
    }
    assert listed == {"$ref": "#/components/schemas/CourseList"}
    assert set(components["ListMeta"]["required"]) == {
        "current_page",
        "per_page",
        "total",
        "last_page",
        "from",
        "to",
    }
    assert created == {"$ref": "#/components/schemas/CourseEnvelope"}
    assert components["CourseEnvelope"]["required"] == ["data"]
    assert invalid == {"$ref": "#/components/schemas/ValidationError"}
    assert components["ValidationError"]["required"] == ["success", "message", "errors"]
    success = components["Error"]["properties"]["success"]["$ref"].rsplit("/", 1)[1]
    assert components[success] == {"type": "boolean", "enum": [False]}


def test_objects_show_every_field_and_requests_take_uuid_references(schema):
    components = schema["components"]["schemas"]
    course = components["Course"]

    assert set(course["required"]) == set(course["properties"])
    assert course["properties"]["organization"]["nullable"] is True
    assert "nullable" not in course["properties"]["institution"]
    assert "institution_uuid" not in course["properties"]
    assert set(components["CourseRequest"]["required"]) == {"name", "institution_uuid"}
    assert "required" not in components["PatchedCourseRequest"]
    enrolled_at = components["Enrollment"]["properties"]["enrolled_at"]
    assert enrolled_at["format"] == "date-time"
    assert components["BatchDestroyRequest"]["properties"]["uuids"]["maxItems"] == MAX_BATCH


@pytest.mark.parametrize("viewset", [CourseViewSet, EnrollmentViewSet])
def test_list_parameters_come_from_the_viewset(schema, viewset):
    resource = viewset.record.name
    listed = parameters(schema["paths"][f"/api/{resource}"]["get"])

    where = {tuple(re.findall(r"\[(\w+)\]", name)) for name in listed if name.startswith("where[")}
    filterset = viewset.filterset_class
    assert where == {
        (name, op) if op != "eq" else (name,)
        for name in filterset.base_filters
        for op in filterset.operators[name]
    }
    assert {"created_at", "updated_at"} <= set(filterset.base_filters)
    assert listed["sort[column]"]["schema"]["enum"] == list(viewset.sort_fields)
    assert listed["sort[order]"]["schema"]["enum"] == ["asc", "desc"]
    assert listed["per_page"]["schema"]["maximum"] == MAX_PER_PAGE
    assert {"page", "search"} <= set(listed)


def test_each_filter_lists_the_operators_of_its_kind(schema):
    listed = parameters(schema["paths"]["/api/courses"]["get"])

    assert "where[code][starts_with]" in listed  # text
    assert "where[status][in]" in listed  # choice
    assert "where[status][gt]" not in listed  # ordering is for numbers and dates only
    assert "where[updated_at][gte]" in listed  # timestamp
    assert "where[institution_uuid][contains]" not in listed  # reference
    assert listed["where[code][null]"]["schema"]["enum"] == ["true", "false"]


def test_filter_values_have_their_types_and_the_null_literal(schema):
    listed = parameters(schema["paths"]["/api/enrollments"]["get"])

    assert listed["where[completion_status]"]["schema"]["enum"] == [
        "enrolled",
        "completed",
        "dropped",
        "null",
    ]
    assert {"type": "string", "format": "uuid"} in listed["where[course_uuid]"]["schema"]["anyOf"]


def test_the_token_endpoint_documents_the_form_oauth2_clients_send(schema):
    # docs/api.md, Authenticating: JSON is read too, but documented there only
    token = schema["paths"]["/api/oauth/token"]["post"]

    assert list(token["requestBody"]["content"]) == ["application/x-www-form-urlencoded"]
    assert token["requestBody"]["required"] is True
    assert set(token["responses"]) == {"200", "400", "401", "415", "429"}


def test_examples_come_from_the_documentation(schema):
    course = schema["paths"]["/api/courses"]["post"]
    request = course["requestBody"]["content"]["application/json"]["examples"]["seed"]["value"]
    created = course["responses"]["201"]["content"]["application/json"]["examples"]

    assert request["name"] == "Bachelor of Computer Science"
    assert created["object"]["value"]["data"]["code"] == "BCS-2024"


# --- Served schema and docs -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("tenant_header", [{}, {"HTTP_X_TENANT": "tenant-a"}])
def test_the_schema_is_served_as_json_and_yaml_without_a_token(client, tenant_header):
    committed = yaml.safe_load(COMMITTED.read_text())

    as_json = client.get("/api/openapi.json", **tenant_header)
    as_yaml = client.get("/api/openapi.yaml", **tenant_header)

    assert as_json.status_code == 200
    assert as_json.json() == committed
    assert as_yaml.status_code == 200
    assert yaml.safe_load(as_yaml.content) == committed


@pytest.mark.django_db
def test_the_docs_page_loads_its_assets_from_our_static_files(client):
    # when
    page = client.get("/api/docs")

    # then
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 3  # the stylesheet, the bundle, the preset (and the icon)
    for url in assets:
        assert url.startswith("/static/drf_spectacular_sidecar/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content if asset.streaming else [asset.content])
    assert '"/api/openapi.json"' in html or "'/api/openapi.json'" in html


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _nodes(item)


def test_the_schema_says_what_openapi_3_0_tools_apply(schema):
    # `nullable` only beside a `type`; no `oneOf` a value can match twice; no "" enum value
    nodes = list(_nodes(schema))
    assert not [n for n in nodes if n.get("nullable") and "type" not in n]
    assert not [n for n in nodes if "oneOf" in n]
    assert not [n for n in nodes if "" in (n.get("enum") or [])]
    assert "BlankEnum" not in schema["components"]["schemas"]


def test_the_schema_states_the_grade_rule(schema):
    grade = schema["components"]["schemas"]["Enrollment"]["properties"]["grade"]
    assert (grade["minimum"], grade["maximum"], grade["multipleOf"]) == (0, 10, 0.01)
    modality = schema["components"]["schemas"]["Cohort"]["properties"]["modality"]
    assert modality["enum"] == ["presential", "remote", "hybrid", None]


def test_the_batch_destroy_422_example_names_its_own_field(schema):
    operation = schema["paths"]["/api/courses/batch/destroy"]["delete"]
    examples = operation["responses"]["422"]["content"]["application/json"]["examples"]
    assert [set(e["value"]["errors"]) for e in examples.values()] == [{"uuids"}]


def test_docs_list_each_resource_s_required_fields(schema):
    docs = (COMMITTED.parent / "api.md").read_text().split("| path | required |")[1]
    for name, record in RESOURCES.items():
        component = schema["components"]["schemas"][f"{record.model.__name__}Request"]
        row = re.search(rf"^\| `/{name}` \| `([a-z_, ]+)` \|$", docs, re.MULTILINE)
        assert row is not None, name
        assert set(row.group(1).split(", ")) == set(component["required"]), name
