"""The Content-Security-Policy header (django-csp), with the site-wide policy's text built once per
process: django-csp builds it anew for every response (its settings copied into a dataclass, then
joined), about a tenth of a millisecond of every API request (bench/README.md). The text is
rebuilt when a `CONTENT_SECURITY_POLICY*` setting changes (tests override them). A response with
a policy of its own (django-csp's decorators) or a request that used a nonce goes django-csp's
own way."""

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What django-csp's decorators set on a response: its own policy, or none.
OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt",
    "_csp_exempt_ro",
)
DEBUG_STATUSES = (404, 500)


@cache
def site_policy(report_only: bool) -> tuple[str, tuple[str, ...]]:
    """The header's text and the path prefixes it is left off for."""
    name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
    excluded = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
    return build_policy(report_only=report_only), excluded


@receiver(setting_changed)
def _forget_site_policy(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


class PolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in OWN_POLICY
        ):
            return super().process_response(request, response)
        if response.status_code in DEBUG_STATUSES and settings.DEBUG:
            return response  # Django's debug pages, as django-csp leaves them
        path = request.path_info
        for header, report_only in ((HEADER, False), (HEADER_REPORT_ONLY, True)):
            text, excluded = site_policy(report_only)
            if text and header not in response and not path.startswith(excluded):
                response[header] = text
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
