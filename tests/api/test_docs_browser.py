"""The interactive docs at /api/docs, in headless Chromium: paste a token, name the tenant, try a
request. The browser's requests are answered by Django's test client inside the test's
transaction (Playwright routes them to it), so no server runs and nothing is committed."""

from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

from tests.conftest import TENANT_A, issue_token

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ORIGIN = "http://testserver"


@pytest.fixture
def token(make_api_client, tenant_a):
    """A bearer token of a new API client of tenant A; the client is on `.client`."""
    client = make_api_client(tenant_a).api_client
    return type("Token", (str,), {"client": client})(issue_token(client))


@pytest.fixture
def browser_page(token, monkeypatch):
    """A Chromium page whose requests to ORIGIN Django's test client answers; `.calls` logs
    (method, path, status) of each."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and under a running loop each
    # callback sees its own set of database connections (asgiref's context-local storage):
    # each callback is handed the test's connection, the one inside its transaction.
    in_transaction = connections["default"]
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    django = Client()
    calls = []

    def answer(route):
        connections["default"] = in_transaction
        request = route.request
        path = request.url[len(ORIGIN) :]
        headers = {
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in request.headers.items()
            if name.lower() not in ("content-type", "content-length")
        }
        response = django.generic(
            request.method,
            path,
            request.post_data_buffer or b"",
            content_type=request.headers.get("content-type", ""),
            **headers,
        )
        body = b"".join(response.streaming_content) if response.streaming else response.content
        calls.append((request.method, path, response.status_code))
        route.fulfill(status=response.status_code, headers=dict(response.items()), body=body)

    with sync_playwright() as playwright:
        connections["default"] = in_transaction  # and so is the test itself
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(15_000)
        page.route(f"{ORIGIN}/**", answer)
        page.calls = calls
        yield page
        browser.close()


@pytest.mark.django_db
def test_a_user_pastes_a_token_and_a_tenant_and_tries_a_request(token, browser_page):
    page = browser_page

    # when the docs are opened (no token needed), and the token pasted under Authorize
    page.goto(f"{ORIGIN}/api/docs")
    page.locator(".btn.authorize").first.click()
    bearer = page.locator(".auth-container").filter(has_text="bearerAuth")
    bearer.locator("input").fill(token)
    bearer.locator("button[type=submit]").click()
    page.locator(".btn-done").first.click()
    # and GET /api/auth/me tried with the tenant's identifier in X-Tenant
    operation = page.locator("#operations-auth-auth_me_retrieve")
    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()
    operation.locator('tr[data-param-name="X-Tenant"] input').fill(TENANT_A)
    operation.locator(".execute").click()

    # then the answer names the token's client, and every request stayed on our host
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert token.client.name in operation.locator(".live-responses-table").inner_text()
    assert ("GET", "/api/auth/me", 200) in page.calls
    assert all(path.startswith(("/api/", "/static/")) for _method, path, _code in page.calls)


@pytest.mark.django_db
def test_the_docs_ask_for_the_tenant_header_before_sending(token, browser_page):
    page = browser_page
    page.goto(f"{ORIGIN}/api/docs")
    operation = page.locator("#operations-students-students_list")
    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()

    # when X-Tenant is emptied: Swagger UI refuses, as the parameter is required
    operation.locator('tr[data-param-name="X-Tenant"] input').fill("")
    operation.locator(".execute").click()

    # then no request was sent
    assert operation.locator('tr[data-param-name="X-Tenant"] input.invalid').count() == 1
    assert not [call for call in page.calls if call[1].startswith("/api/students")]


@pytest.mark.django_db
def test_a_user_gets_the_token_with_the_client_credentials_flow(tenant_a, browser_page):
    # given an API client's credentials
    from academics.tenancy.clients import api_client_create

    issued = api_client_create(tenant=tenant_a, name="Swagger user")
    page = browser_page
    page.goto(f"{ORIGIN}/api/docs")

    # when they are entered under Authorize -> oauth2, with the read scope
    page.locator(".btn.authorize").first.click()
    oauth2 = page.locator(".auth-container").filter(has_text="clientCredentials")
    oauth2.locator('input[data-name="clientId"]').fill(issued.client_id)
    oauth2.locator('input[data-name="clientSecret"]').fill(issued.client_secret)
    oauth2.locator('label[for^="read-"]').click()
    oauth2.locator("button.authorize").click()
    oauth2.get_by_text("Logout").wait_for()
    page.locator(".btn-done").first.click()
    # and a list is tried in tenant A
    operation = page.locator("#operations-students-students_list")
    operation.locator(".opblock-summary").click()
    operation.locator(".try-out__btn").click()
    operation.locator('tr[data-param-name="X-Tenant"] input').fill(TENANT_A)
    operation.locator(".execute").click()

    # then the token came from our token endpoint, and the list answered (and everything ran
    # in the test's transaction)
    assert connections["default"].in_atomic_block
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert ("POST", "/api/oauth/token", 200) in page.calls
