"""A client written from DokStamp's documentation — plain HTTP, no generated code — runs the
integration guide's sync flow unchanged against a live server (docs/api.md): a token by the
documented form, the three headers, look up by code and email, create or patch, enroll with
DokStamp's timestamp, list, batch destroy. The second pass finds and patches what the first
created. Its own committed tenant, as in test_generated_client.py."""

import pytest
import requests

from tests.committed import committed_tenant
from tests.live import live_server

TENANT = "tenant-dokstamp"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def own_tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), committed_tenant(TENANT, "DokStamp University") as made:
        tenant, issued = made
        yield tenant, issued.client_id, issued.client_secret


def first_or_none(session, url, **where):
    answer = session.get(url, params={f"where[{key}]": value for key, value in where.items()})
    answer.raise_for_status()
    return (answer.json()["data"] or [None])[0]


def upsert(session, url, found, body) -> tuple[str, dict]:
    if found:
        answer = session.patch(f"{url}/{found['uuid']}", json=body)
        verb = "patched"
    else:
        answer = session.post(url, json=body)
        verb = "created"
    assert answer.ok, answer.text
    return verb, answer.json()["data"]


def test_a_client_written_from_dokstamp_s_docs_runs_the_sync_flow(own_tenant):
    tenant, client_id, client_secret = own_tenant
    with live_server() as port, requests.Session() as session:
        base = f"http://127.0.0.1:{port}/api"
        token = session.post(
            f"{base}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
            },
        )
        assert token.status_code == 200, token.text
        session.headers.update(
            {
                "Authorization": f"Bearer {token.json()['access_token']}",
                "Accept": "application/json",
                "X-Tenant": tenant.identifier,
            }
        )
        institution = session.post(
            f"{base}/institutions", json={"name": "DokStamp University", "country": "BR"}
        ).json()["data"]
        done = []
        for _pass in range(2):
            verb, course = upsert(
                session,
                f"{base}/courses",
                first_or_none(session, f"{base}/courses", code="DOK-1"),
                {
                    "name": "Bachelor of Computer Science",
                    "code": "DOK-1",
                    "institution_uuid": institution["uuid"],
                    "status": "active",
                },
            )
            done.append(f"course {verb}")
            verb, student = upsert(
                session,
                f"{base}/students",
                first_or_none(session, f"{base}/students", email="ana@dokstamp.example"),
                {"name": "Ana", "email": "ana@dokstamp.example", "date_of_birth": "2000-01-31"},
            )
            done.append(f"student {verb}")
            enrolled = session.post(
                f"{base}/enrollments",
                json={
                    "student_uuid": student["uuid"],
                    "course_uuid": course["uuid"],
                    "enrolled_at": "2024-02-01T00:00:00Z",
                },
            )
            assert enrolled.status_code == 201, enrolled.text
            listed = session.get(
                f"{base}/enrollments", params={"where[course_uuid]": course["uuid"]}
            ).json()
            assert [item["uuid"] for item in listed["data"]] == [enrolled.json()["data"]["uuid"]]
            destroyed = session.delete(
                f"{base}/enrollments/batch/destroy", json={"uuids": [listed["data"][0]["uuid"]]}
            )
            assert destroyed.status_code == 204, destroyed.text

    assert done == ["course created", "student created", "course patched", "student patched"]
