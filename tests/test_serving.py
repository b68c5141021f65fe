"""The production serving stack under abuse: several gunicorn workers on two app servers behind
the proxy of `make serve-proxy`, sharing throttles and token checks through the database;
slow clients; what a server or proxy layer answers itself (docs/api.md, Errors)."""

import json
import socket
import statistics
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from oauth2_provider.models import Application

from academics.api.throttling import counter_key
from academics.tenancy import rate_units
from academics.tenancy.clients import api_client_create, api_client_revoke
from academics.tenancy.models import ApiClient, Tenant
from academics.tenancy.services import tenant_provision
from tests.conftest import TENANT_A
from tests.serving import (
    committed,
    free_port,
    have_nginx,
    http,
    raw_request,
    start_gunicorn,
    start_proxy,
    start_redis,
    stop,
)

pytestmark = [
    pytest.mark.serving,
    pytest.mark.django_db,
    pytest.mark.skipif(not have_nginx(), reason="nginx is not installed (apt-get install nginx)"),
]

API_LIMIT, TOKEN_LIMIT = 20, 5
# The servers commit what they are sent: into a tenant of these tests' own, dropped afterwards,
# so that no other test finds the records.
TENANT = "serving-tests"


@pytest.fixture(scope="module", autouse=True)
def serving_tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        committed(tenant_provision, identifier=TENANT, name="Serving tests")
    yield
    with django_db_blocker.unblock():
        committed(lambda: Tenant.objects.get(identifier=TENANT).delete(force_drop=True))


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two app servers of two workers each, behind one nginx: ports `proxy` and `app`."""
    apps = [free_port(), free_port()]
    limits = {"API_RATE_LIMIT": f"{API_LIMIT}/min", "TOKEN_RATE_LIMIT": f"{TOKEN_LIMIT}/min"}
    servers = []
    try:
        with django_db_blocker.unblock():  # to read where the test database is
            for port in apps:
                servers.append(start_gunicorn(port, TRUSTED_PROXIES="127.0.0.1", **limits))
        proxy = free_port()
        servers.append(start_proxy(tmp_path_factory.mktemp("nginx"), proxy, apps))
        yield {"proxy": proxy, "app": apps[0]}
    finally:
        stop(*servers)


def _create_client(identifier):
    return api_client_create(tenant=Tenant.objects.get(identifier=identifier), name="Serving")


@pytest.fixture
def new_client():
    """`new_client(tenant_identifier)`: credentials of a new API client, committed so that the
    servers see it (deleted afterwards)."""
    made = []

    def make(identifier=TENANT):
        issued = committed(_create_client, identifier)
        made.append(issued.client_id)
        return issued

    yield make
    committed(lambda: Application.objects.filter(client_id__in=made).delete())


def token_of(port, issued, **headers):
    body = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": issued.client_id,
            "client_secret": issued.client_secret,
        }
    ).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    status, _, content = http(port, "POST", "/api/oauth/token", headers, body)
    return status, (json.loads(content).get("access_token") if status == 200 else None)


def bearer(token, tenant=TENANT):
    return {"Authorization": f"Bearer {token}", "X-Tenant": tenant}


def statuses(port, count, method, path, headers, body=b""):
    return [http(port, method, path, headers, body)[0] for _ in range(count)]


def test_the_api_limit_is_shared_by_every_worker_of_every_app_server(cluster, new_client):
    # given a token, and two app servers of two workers each behind the proxy
    _, token = token_of(cluster["proxy"], new_client())

    # when one client makes twice its limit of requests
    answers = statuses(cluster["proxy"], 2 * API_LIMIT, "GET", "/api/auth/me", bearer(token))

    # then exactly the limit was served, wherever the requests landed
    assert answers.count(200) == API_LIMIT
    assert answers.count(429) == API_LIMIT


def test_one_clients_parallel_requests_never_pass_its_limit_as_workers_reserve_units(
    new_client,
):
    # given one app server of three workers, each reserving a client's units in blocks
    # (academics/tenancy/rate_units.py), and a limit large enough for blocks
    limit, workers, port = 300, 3, free_port()
    server = start_gunicorn(port, workers=workers, API_RATE_LIMIT=f"{limit}/min")
    try:
        issued = new_client()
        _, token = token_of(port, issued)

        # when the client sends twice its limit, eight requests at a time
        with ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(
                    lambda _: http(port, "GET", "/api/auth/me", bearer(token))[0],
                    range(2 * limit),
                )
            )
    finally:
        stop(server)

    # then never more than the limit was served; fewer only by what a worker still holds
    served, refused = answers.count(200), answers.count(429)
    assert served + refused == 2 * limit
    assert limit - workers * rate_units.MOST <= served <= limit
    # and every request took one position of the shared counter, which moved in blocks
    counter = caches["platform"].get(counter_key("api", str(issued.client.uuid)))
    assert 2 * limit <= counter <= 2 * limit + workers * rate_units.MOST


def test_the_token_limit_holds_across_servers_and_forged_forwarded_for(cluster, new_client):
    issued = new_client()
    wrong = type(issued)(issued.client, issued.client_id, "wrong")
    answers = [
        token_of(cluster["proxy"], wrong, **{"X-Forwarded-For": f"10.0.0.{n}"})[0]
        for n in range(2 * TOKEN_LIMIT)
    ]
    assert answers == [401] * TOKEN_LIMIT + [429] * TOKEN_LIMIT


def test_revocation_ends_the_token_on_every_worker_at_once(cluster, new_client):
    # given a token every worker has checked (and cached)
    issued = new_client()
    _, token = token_of(cluster["proxy"], issued)
    assert set(statuses(cluster["proxy"], 8, "GET", "/api/auth/me", bearer(token))) == {200}

    # when the client is revoked
    committed(lambda: api_client_revoke(client=ApiClient.objects.get(pk=issued.client.pk)))
    revoked_at = time.monotonic()

    # then the very next requests, on every worker, are refused
    assert set(statuses(cluster["proxy"], 8, "GET", "/api/auth/me", bearer(token))) == {401}
    assert time.monotonic() - revoked_at < 1


def test_a_scope_change_applies_on_every_worker_at_once(cluster, new_client):
    issued = new_client()
    _, token = token_of(cluster["proxy"], issued)
    headers = {**bearer(token), "Content-Type": "application/json"}
    body = json.dumps({"name": "Scope test", "country": "BR"}).encode()
    assert set(statuses(cluster["proxy"], 4, "POST", "/api/institutions", headers, body)) == {201}

    def make_read_only():
        client = ApiClient.objects.get(pk=issued.client.pk)
        client.scopes = "read"
        client.save()

    committed(make_read_only)

    assert set(statuses(cluster["proxy"], 8, "POST", "/api/institutions", headers, body)) == {403}


@pytest.mark.parametrize("server", ["app", "proxy"])
def test_unknown_tenant_and_foreign_token_answer_the_same_bytes(cluster, new_client, server):
    # given a valid token of one tenant
    _, token = token_of(cluster["proxy"], new_client())
    port = cluster[server]

    def answer(tenant):
        request = (
            f"GET /api/courses HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            f"Authorization: Bearer {token}\r\nX-Tenant: {tenant}\r\n\r\n"
        )
        raw = raw_request(port, request.encode())
        return b"\r\n".join(line for line in raw.split(b"\r\n") if not line.startswith(b"Date:"))

    # when it is sent to another tenant, and to a tenant that does not exist
    foreign, unknown = answer(TENANT_A), answer("no-such-tenant")

    # then nothing tells the two apart
    assert foreign.startswith(b"HTTP/1.1 401")
    assert foreign == unknown


def open_slow_clients(port, count):
    """Half send a request line and stop; half announce a body and send ten bytes of it."""
    sockets = []
    for n in range(count):
        connection = socket.create_connection(("127.0.0.1", port))
        if n % 2:
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n")
        else:
            connection.sendall(
                b"POST /api/institutions HTTP/1.1\r\nHost: localhost\r\n"
                b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name": '
            )
        sockets.append(connection)
    return sockets


@pytest.mark.parametrize("slow_clients", [5, 200])
def test_slow_clients_leave_health_fast_behind_the_proxy(cluster, slow_clients):
    # given many connections that send part of a request and then nothing
    sockets = open_slow_clients(cluster["proxy"], slow_clients)
    try:
        time.sleep(0.5)  # let them settle in
        # when someone else asks for /health
        latencies = []
        for _ in range(10):
            started = time.perf_counter()
            status, _, _ = http(cluster["proxy"], "GET", "/health")
            latencies.append(time.perf_counter() - started)
            assert status == 200
    finally:
        for connection in sockets:
            connection.close()
    # then it answers at once (the issue measured 31.7 s with 5 of them, without the proxy)
    assert statistics.median(latencies) < 0.1, latencies


@pytest.mark.parametrize("server", ["app", "proxy"])
def test_a_chunked_patch_is_applied(cluster, new_client, server):
    # given an institution
    _, token = token_of(cluster["proxy"], new_client())
    headers = {**bearer(token), "Content-Type": "application/json"}
    body = json.dumps({"name": "Before", "country": "BR"}).encode()
    _, _, created = http(cluster["proxy"], "POST", "/api/institutions", headers, body)
    uuid = json.loads(created)["data"]["uuid"]

    # when a PATCH sends its body in chunks
    payload = json.dumps({"name": "After chunks"}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (payload[:5], payload[5:]))
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = (
        (
            f"PATCH /api/institutions/{uuid} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            f"{head}Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
        + chunks
        + b"0\r\n\r\n"
    )
    answer = raw_request(cluster[server], request)

    # then it is read and applied
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
    _, _, shown = http(cluster["proxy"], "GET", f"/api/institutions/{uuid}", bearer(token))
    assert json.loads(shown)["data"]["name"] == "After chunks"


@pytest.mark.parametrize("server", ["app", "proxy"])
@pytest.mark.parametrize(
    ("status", "path", "headers"),
    [
        (414, "/api/courses?search=" + "x" * 9000, {}),
        (431, "/api/courses", {"X-Padding": "x" * 9000}),
    ],
)
def test_oversized_request_line_and_headers_get_json(cluster, server, status, path, headers):
    answer_status, answer_headers, body = http(cluster[server], "GET", path, headers)
    assert answer_status == status
    assert answer_headers["Content-Type"] == "application/json"
    assert json.loads(body)["success"] is False


@pytest.mark.parametrize("server", ["app", "proxy"])
def test_a_body_over_the_limit_gets_a_json_413_before_it_is_sent(cluster, server):
    # given a request announcing 5 MB of JSON, of which the client has sent the first bytes
    request = (
        b"POST /api/institutions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        b'Content-Type: application/json\r\nContent-Length: %d\r\n\r\n{"name": "'
        % (5 * 1024 * 1024)
    )
    # then the answer comes without waiting for the rest
    answer = raw_request(cluster[server], request)
    assert answer.startswith(b"HTTP/1.1 413")
    body = answer.partition(b"\r\n\r\n")[2]
    assert json.loads(body) == {"success": False, "message": "The request body is too large."}


def test_an_unreachable_database_is_a_503_with_retry_after(tmp_path):
    # given an app server whose database does not answer, and the proxy in front of it
    app, proxy = free_port(), free_port()
    dead = f"postgresql://postgres@127.0.0.1:{free_port()}/academics"
    server = start_gunicorn(app, workers=1, DATABASE_URL=dead)
    try:
        status, headers, body = http(app, "GET", "/api/courses", {"X-Tenant": TENANT_A})
    finally:
        stop(server)
    assert (status, headers.get("Retry-After")) == (503, "5")
    assert json.loads(body)["success"] is False

    # and with no app server at all, the proxy says the same
    nginx = start_proxy(tmp_path, proxy, [free_port()], wait=False)
    try:
        status, headers, body = http(proxy, "GET", "/api/courses", {"X-Tenant": TENANT_A})
    finally:
        stop(nginx)
    assert (status, headers.get("Retry-After")) == (503, "5")
    assert json.loads(body)["success"] is False


def test_redis_as_the_shared_cache(new_client):
    redis_port, app = free_port(), free_port()
    redis = start_redis(redis_port)
    if redis is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    try:
        server = start_gunicorn(
            app, CACHE_URL=f"redis://127.0.0.1:{redis_port}/0", API_RATE_LIMIT="5/min"
        )
        try:
            _, token = token_of(app, new_client())
            answers = statuses(app, 10, "GET", "/api/auth/me", bearer(token))
        finally:
            stop(server)
    finally:
        stop(redis)
    assert answers == [200] * 5 + [429] * 5
