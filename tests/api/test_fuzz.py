"""Contract fuzzing: schemathesis drives every operation of the committed schema
(docs/openapi.yaml) through the Django WSGI application, as tenant A with a real token, and checks
that no answer is a 5xx and that every answer is documented: status code, content type, headers
and body.

Bounded for the normal test run (FUZZ_EXAMPLES examples per operation, derandomized);
`make fuzz` raises the count. Every request runs inside the test's transaction, which is rolled
back, so nothing the fuzzer writes outlives its test.

Generated uuids would only ever name nothing, so the fuzzer is also handed the uuids of a few
real records of tenant A: in paths, in `<entity>_uuid` body fields and in batch destroys.
"""

import os
import uuid
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import negated_parameters
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from academics import messages as m
from academics.api import messages as api_msg
from academics.api.wording import attribute
from academics.records import REGISTRY, record_type
from config.wsgi import application
from tests.conftest import TENANT_A, issue_token
from tests.factories import EnrollmentFactory, OrganizationFactory, StudentFactory

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]

schema = schemathesis.openapi.from_dict(
    yaml.safe_load(SCHEMA_FILE.read_text()),
    config=schemathesis.config.SchemathesisConfig.from_dict(
        {
            "seed": 20261124,
            "generation": {"max-examples": EXAMPLES, "deterministic": True, "mode": "all"},
            # Coverage builds a fixed, large set of boundary cases per parameter; it runs in
            # `make fuzz` only.
            "phases": {"coverage": {"enabled": EXAMPLES > 50}, "stateful": {"enabled": False}},
        }
    ),
)
schema.app = application

# Uuids of live records of tenant A, by resource path segment; filled per test.
REAL: dict[str, list[str]] = {}
# Body reference field -> the resource it names, from the registry.
REFERENCE = {
    f"{relation.name}_uuid": record_type(relation.related_model).name
    for record in REGISTRY
    for relation in record.relations
}


def _resource(context) -> str:
    return context.operation.path.split("/")[2]


def _is_uuid(value) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


# A real uuid only replaces a well-formed generated one: a malformed uuid is what a negative case
# sends on purpose, and must reach the server as generated.


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    real = REAL.get(_resource(context), [])
    if not _is_uuid((path_parameters or {}).get("uuid")) or not real:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, *({"uuid": uuid} for uuid in real)])


@schema.hook
def flatmap_body(context, body):
    if not isinstance(body, dict):
        return st.just(body)
    choices = {}
    for key, value in body.items():
        if key in REFERENCE and REAL.get(REFERENCE[key]) and _is_uuid(value):
            choices[key] = st.sampled_from([value, *REAL[REFERENCE[key]]])
        elif (
            key == "uuids"
            and REAL.get(_resource(context))
            and isinstance(value, list)
            and all(map(_is_uuid, value))
        ):
            choices[key] = st.sampled_from([value, REAL[_resource(context)][-1:]])
        else:
            choices[key] = st.just(value)
    return st.fixed_dictionaries(choices)


# --- What the schema cannot say (docs/api.md) ------------------------------------------------
# A schema-valid request may still be refused for a reason outside the request's own shape.
# `positive_data_acceptance` would report it; exactly these causes are dropped, each by the
# status and message the server gives for it, nothing else.

INEXPRESSIBLE_422 = {
    # A reference to a record that does not exist (or is deleted, or another tenant's).
    "reference": lambda field, text: (
        (field.endswith("_uuid") and text == m.SELECTED_INVALID.format(attribute=attribute(field)))
        or (field == "uuids" and text.startswith(api_msg.UUIDS_UNKNOWN.split("{")[0]))
        or (field == "after" and text == m.SELECTED_INVALID.format(attribute="after"))
    ),
    # Uniqueness among the tenant's records.
    "uniqueness": lambda field, text: (
        text
        in (m.EMAIL_TAKEN, m.COURSE_CODE_TAKEN, m.ORGANIZATION_CODE_TAKEN, m.ENROLLMENT_DUPLICATE)
    ),
    # Rules across records: the cohort's course, the organization's institution, an active
    # course, what finalized enrollments fix, what finalizing needs.
    "cross-record": lambda field, text: (
        text
        in (
            m.COHORT_NOT_OF_COURSE,
            m.ORGANIZATION_NOT_OF_INSTITUTION,
            m.COURSE_NOT_ACTIVE,
            m.ENROLLMENT_NOT_FINALIZABLE,
            m.ENROLLMENT_GRADE_TO_FINALIZE,
        )
        or text.endswith(m.FINALIZED_PARENT_FIELD.split("}", 2)[-1].split("{")[0] + "it.")
    ),
    # Rules between two fields of one record, the stored one included: date order and the
    # enrollment lifecycle (OpenAPI 3.0 has no `if`/`then` and no field comparisons).
    "between fields": lambda field, text: (
        text
        in (
            m.COHORT_DATES_ORDER,
            m.COMPLETED_BEFORE_ENROLLED,
            m.COMPLETED_AT_REQUIRED,
            m.COMPLETED_AT_PROHIBITED,
            m.GRADE_PROHIBITED,
        )
    ),
    # A key already used, within 24 hours, for another request.
    "idempotency": lambda field, text: (
        field == "Idempotency-Key" and text == api_msg.IDEMPOTENCY_KEY_REUSED
    ),
    # A bound that moves: today.
    "today": lambda field, text: text == m.BIRTH_DATE_IN_FUTURE,
}


def _inexpressible(case, response) -> str | None:
    """The cause, from INEXPRESSIBLE_422 or a made-up ETag, of a refused schema-valid request."""
    if response.status_code == 412 and "If-Match" in (case.headers or {}):
        return "a made-up If-Match"  # any entity tag is well-formed; only ours match
    if response.status_code != 422:
        return None
    errors = response.json().get("errors", {})
    causes = {
        next((cause for cause, is_it in INEXPRESSIBLE_422.items() if is_it(field, text)), None)
        for field, texts in errors.items()
        for text in texts
    }
    return None if None in causes or not causes else ", ".join(sorted(causes))


@schema.hook
def filter_failure(context, failure, case, response):
    return not (isinstance(failure, RejectedPositiveData) and _inexpressible(case, response))


@pytest.fixture
def real_records(in_tenant_a):
    """A small graph of live records, each kind reachable by the fuzzer."""
    enrollment = EnrollmentFactory(student=StudentFactory())
    organization = OrganizationFactory(institution=enrollment.course.institution)
    REAL.update(
        institutions=[str(organization.institution.uuid)],
        organizations=[str(organization.uuid)],
        courses=[str(enrollment.course.uuid)],
        cohorts=[str(enrollment.cohort.uuid)],
        students=[str(enrollment.student.uuid), str(StudentFactory().uuid)],
        enrollments=[str(enrollment.uuid)],
    )
    yield
    REAL.clear()


@pytest.fixture
def headers(make_api_client, tenant_a, real_records):
    """A real token of tenant A, and its X-Tenant, on every request.

    Django closes "old" connections around each request it serves through WSGI; inside the
    test's transaction that would end the transaction, so (as Django's test client does) the
    fuzzed requests run without that signal."""
    client = make_api_client(tenant_a).api_client
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {issue_token(client)}", "X-Tenant": TENANT_A}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_answers_as_documented(case, headers):
    # The real token and tenant replace generated ones, except where a negative case broke
    # that very header (or left it out): that must reach the server as generated.
    negated = {
        name for name, location in negated_parameters(case.meta) if location.value == "header"
    }
    sent = {name: value for name, value in headers.items() if name not in negated}
    case.call_and_validate(headers=sent, checks=CHECKS)


def test_every_documented_operation_is_fuzzed():
    documented = {
        (method.upper(), path)
        for path, item in yaml.safe_load(SCHEMA_FILE.read_text())["paths"].items()
        for method in item
    }
    fuzzed = {
        (result.ok().method.upper(), result.ok().path) for result in schema.get_all_operations()
    }

    assert fuzzed == documented
    # six resources of eight operations (history included), token, auth/me, changes, and the
    # enrollment lifecycle's finalize, reopen and transcript
    assert len(fuzzed) == 6 * 8 + 3 + 3


# --- Regressions: what the fuzzer found -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "tenant_header", "status", "message"),
    [
        ("/api/cohorts", {}, 401, "The X-Tenant header is required."),
        ("/api/no-such-thing", {}, 404, "Resource not found."),
        ("/api/no-such-thing", {"HTTP_X_TENANT": TENANT_A}, 404, "Resource not found."),
        # A newline in the path once escaped the /api catch-all's `.*`: Django's HTML 404.
        ("/api/organizations/%0A", {"HTTP_X_TENANT": TENANT_A}, 404, "Resource not found."),
        ("/api/x%0Ay", {}, 404, "Resource not found."),
        ("/api/courses/%0A", {}, 401, "The X-Tenant header is required."),
    ],
)
def test_a_post_to_a_path_without_endpoint_is_json_not_html(path, tenant_header, status, message):
    # given a client that, like a browser, is held to CSRF checks
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    # when
    response = client.post(path, {}, content_type="application/json", **tenant_header)

    # then
    assert response.status_code == status
    assert response.json() == {"success": False, "message": message}


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[null, null]", '"client_credentials"', "3"])
def test_a_token_request_whose_json_is_not_an_object_is_a_400(client, body):
    # when (it used to be a 500: the throttle and the view read fields off a list)
    response = client.post("/api/oauth/token", body, content_type="application/json")

    # then
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.django_db
@pytest.mark.parametrize("basic", [False, True])
def test_a_client_id_with_a_nul_character_is_an_unknown_client(client, basic):
    # given (it used to be a 500: PostgreSQL text cannot hold NUL)
    import base64

    fields = {"grant_type": "client_credentials"}
    headers = {}
    if basic:
        credentials = base64.b64encode(b"demo\x00client:secret").decode()
        headers["HTTP_AUTHORIZATION"] = f"Basic {credentials}"
    else:
        fields |= {"client_id": "demo\x00client", "client_secret": "secret"}

    # when
    response = client.post("/api/oauth/token", fields, **headers)

    # then
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
