"""Real responses of every documented operation, a success and a representative error each,
validated strictly against the committed schema (docs/openapi.yaml) by openapi-core: formats
asserted (uuid, date, date-time), every documented property present, none undocumented."""

import json
from pathlib import Path

import pytest
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from tests.api.resources import RESOURCES

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
DOCUMENTED = yaml.safe_load(SCHEMA_FILE.read_text())
MISSING = "00000000-0000-4000-8000-000000000000"

# Strict: a response object with a key the schema does not list, or without one it lists, fails.
openapi = OpenAPI.from_dict(
    DOCUMENTED,
    config=Config(
        additional_properties_default_policy="forbid",
        response_properties_default_policy="required",
    ),
)


class Recorder:
    """Sends requests and keeps (method, documented path, response)."""

    def __init__(self, http):
        self.http = http
        self.recorded = []

    def __call__(self, method, template, url, body=None, **extra):
        send = getattr(self.http, method.lower())
        response = send(url, **extra) if body is None else send(url, body, format="json", **extra)
        self.recorded.append((method, template, response))
        return response


def record_resource(record, resource):
    base = f"/api/{resource.path}"
    item = f"{base}/{{uuid}}"

    record("GET", base, f"{base}?per_page=2")
    record("GET", base, f"{base}?per_page=101&where[uuid]=")
    created = record("POST", base, base, resource.payload())
    assert created.status_code == 201, created.json()
    uuid = created.json()["data"]["uuid"]
    record("POST", base, base, {})
    record("GET", item, f"{base}/{uuid}")
    record("GET", item, f"{base}/{MISSING}")
    # The full payload makes a completed enrollment, which the generic change (dropping an
    # enrolled one) would contradict; a completed one may take a new grade.
    change = {"grade": 9.0} if resource.path == "enrollments" else resource.change
    record("PATCH", item, f"{base}/{uuid}", change)
    record("PATCH", item, f"{base}/{uuid}", {resource.required: None})
    record("PUT", item, f"{base}/{uuid}", resource.payload())
    record("PUT", item, f"{base}/{uuid}", {})
    record("GET", f"{item}/history", f"{base}/{uuid}/history")
    record("GET", f"{item}/history", f"{base}/{MISSING}/history")
    other = str(resource.factory().uuid)
    record("DELETE", f"{base}/batch/destroy", f"{base}/batch/destroy", {"uuids": [other]})
    record("DELETE", f"{base}/batch/destroy", f"{base}/batch/destroy", {"uuids": []})
    record("DELETE", item, f"{base}/{uuid}")
    record("DELETE", item, f"{base}/{uuid}")


def record_the_rest(record, client, make_api_client, tenant_a):
    from academics.tenancy.clients import api_client_create

    issued = api_client_create(tenant=tenant_a, name="Recorded")
    form = {
        "grant_type": "client_credentials",
        "client_id": issued.client_id,
        "client_secret": issued.client_secret,
    }
    token = "/api/oauth/token"
    record.recorded.append(("POST", token, client.post(token, form)))
    record.recorded.append(("POST", token, client.post(token, form | {"client_secret": "no"})))
    record("GET", "/api/auth/me", "/api/auth/me")
    anonymous = Recorder(make_api_client(tenant_a).__class__())
    anonymous("GET", "/api/auth/me", "/api/auth/me")
    record("GET", "/api/changes", "/api/changes?limit=5")
    record("GET", "/api/changes", "/api/changes?limit=0")
    record.recorded.extend(anonymous.recorded)
    record_lifecycle(record)


def record_lifecycle(record):
    """Finalize, reopen and the transcript (docs/api.md, Enrollment lifecycle)."""
    from datetime import date
    from decimal import Decimal

    from tests.factories import EnrollmentFactory

    enrollment = EnrollmentFactory(
        completion_status="completed", completed_at=date(2024, 12, 1), grade=Decimal("8.50")
    )
    finalize = "/api/enrollments/{uuid}/finalize"
    reopen = "/api/enrollments/{uuid}/reopen"
    transcript = "/api/students/{uuid}/transcript"
    at = f"/api/enrollments/{enrollment.uuid}"
    record("POST", finalize, f"{at}/finalize", {})
    record("POST", finalize, f"{at}/finalize", {})  # finalized already
    record("POST", reopen, f"{at}/reopen", {})  # no reason
    record("POST", reopen, f"{at}/reopen", {"reason": "Grade appeal"})
    record("GET", transcript, f"/api/students/{enrollment.student.uuid}/transcript")
    record("GET", transcript, f"/api/students/{MISSING}/transcript")


@pytest.fixture
def recorded(api_client, client, make_api_client, tenant_a, in_tenant_a):
    record = Recorder(api_client)
    for resource in RESOURCES:
        record_resource(record, resource)
    record_the_rest(record, client, make_api_client, tenant_a)
    return record.recorded


def test_every_recorded_response_matches_the_schema_strictly(recorded):
    # given a success and an error of every documented operation
    documented = {
        (method.upper(), path) for path, item in DOCUMENTED["paths"].items() for method in item
    }
    classes = {}
    for method, template, response in recorded:
        classes.setdefault((method, template), set()).add(response.status_code // 100)

    assert set(classes) == documented
    assert {key: kinds for key, kinds in classes.items() if kinds != {2, 4}} == {}

    # when each is validated
    problems = []
    for method, template, response in recorded:
        # The request as sent: its path, not the route Django matched (which allows a slash).
        request = MockRequest("http://testserver", method.lower(), response.wsgi_request.path)
        answer = MockResponse(
            response.content,
            status_code=response.status_code,
            headers=dict(response.headers),
            content_type=response.headers.get("Content-Type", ""),
        )
        try:
            openapi.validate_response(request, answer)
        except Exception as error:  # every mismatch, reported together
            cause = getattr(error, "__cause__", None) or error
            details = getattr(cause, "schema_errors", None) or [cause]
            problems.append(
                f"{method} {template} -> {response.status_code}: "
                + "; ".join(str(getattr(d, "message", d)) for d in details)
            )

    # then none disagrees with the schema
    assert problems == []


def problems_of(body, *, status=200, headers=None):
    """What the strict validator says of an institution's answer (no database needed)."""
    request = MockRequest("http://testserver", "get", f"/api/institutions/{MISSING}")
    answer = MockResponse(json.dumps(body).encode(), status_code=status, headers=headers or {})
    try:
        openapi.validate_response(request, answer)
    except Exception as error:
        cause = error.__cause__ or error
        return [str(getattr(d, "message", d)) for d in getattr(cause, "schema_errors", [cause])]
    return []


INSTITUTION = {
    "uuid": MISSING,
    "name": "Uni",
    "legal_name": "",
    "tax_id": "",
    "country": "BR",
    "website": "",
    "linkedin_organization": "",
    "status": "active",
    "is_badges_enabled": False,
    "badge_image_uuid": None,
    "created_at": "2024-01-15T10:00:00.000000Z",
    "updated_at": "2024-01-15T10:00:00.000000Z",
}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            INSTITUTION | {"extra": 1},
            "Additional properties are not allowed ('extra' was unexpected)",
        ),
        (
            {k: v for k, v in INSTITUTION.items() if k != "tax_id"},
            "'tax_id' is a required property",
        ),
        (INSTITUTION | {"uuid": "nope"}, "'nope' is not a 'uuid'"),
        (INSTITUTION | {"created_at": "2024-13-45T10:00:00Z"}, "is not a 'date-time'"),
    ],
)
def test_the_validator_is_strict(data, problem):
    # given an answer the server would be wrong to send; when validated; then refused
    assert problems_of({"data": INSTITUTION}, headers={"ETag": '"1"'}) == []
    assert any(problem in found for found in problems_of({"data": data}, headers={"ETag": '"1"'}))
