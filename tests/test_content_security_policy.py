"""The Content-Security-Policy middleware (academics/security.py) writes what django-csp's own
would, on every kind of response, while building the site-wide policy's text once per process
and again only when its settings change."""

from unittest import mock

import pytest
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from academics import security
from academics.security import PolicyMiddleware

# Needs no data, but the suite's setup (tenants, the shared cache) needs the test database.
pytestmark = pytest.mark.django_db

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"], "report-uri": "/csp-reports"}}


def _headers(middleware_class, path: str, make_response, *, use_nonce=False) -> dict:
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda request: make_response())
    middleware.process_request(request)
    if use_nonce:
        str(request.csp_nonce)
    response = middleware.process_response(request, make_response())
    return {name: response.get(name) for name in HEADERS}


@csp_update({"img-src": "https://images.example.edu"})
def _view_with_its_own_policy(request=None):
    return HttpResponse()


@csp_exempt()
def _exempt_view(request=None):
    return HttpResponse()


RESPONSES = {
    "plain": lambda: HttpResponse("ok"),
    "not found": lambda: HttpResponse(status=404),
    "own policy": _view_with_its_own_policy,
    "exempt": _exempt_view,
}


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("report_only", [False, True])
@pytest.mark.parametrize("use_nonce", [False, True])
@pytest.mark.parametrize("kind", RESPONSES)
@pytest.mark.parametrize("path", ["/admin/login/", "/api/enrollments", "/api/docs"])
def test_the_header_is_django_csps_own(settings, path, kind, use_nonce, report_only, debug):
    settings.DEBUG = debug
    if report_only:
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = REPORT_ONLY
    ours = _headers(PolicyMiddleware, path, RESPONSES[kind], use_nonce=use_nonce)
    theirs = _headers(CSPMiddleware, path, RESPONSES[kind], use_nonce=use_nonce)
    assert ours == theirs
    if kind == "plain" and path == "/admin/login/":
        assert "default-src 'self'" in ours["Content-Security-Policy"]


def test_the_policy_text_is_built_once_and_again_when_its_setting_changes(settings):
    security.site_policy.cache_clear()
    with mock.patch.object(security, "build_policy", wraps=security.build_policy) as build:
        for _ in range(3):
            _headers(PolicyMiddleware, "/api/enrollments", RESPONSES["plain"])
        built = build.call_count
        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
        headers = _headers(PolicyMiddleware, "/api/enrollments", RESPONSES["plain"])
    assert built == 2  # the policy and the (empty) report-only one, once each
    assert headers["Content-Security-Policy"] == "default-src 'none'"
