"""The tenant's date style (`Tenant.date_style`, docs/admin.md "Dates") in its admin pages.

Django formats and parses dates by the active language's format module, and the admin's
calendar reads the same formats from its JavaScript catalog. So each style is the format module
of an English locale (config/formats/<locale>/formats.py, FORMAT_MODULE_PATH), activated for the
request: lists, change pages, date inputs and the calendar follow it together. The API is left
alone: it speaks ISO 8601 by contract.
"""

from django.utils import translation

from academics.tenancy.models import DateStyle

LANGUAGE_OF_STYLE = {
    DateStyle.ISO: "en",
    DateStyle.DAY_FIRST: "en-gb",
    DateStyle.MONTH_FIRST: "en-us",
}


class DateStyleMiddleware:
    """After TenantMiddleware: the request's tenant (none on the platform's host: ISO)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api"):
            return self.get_response(request)
        tenant = getattr(request, "tenant", None)
        style = tenant.date_style if tenant is not None else DateStyle.ISO
        with translation.override(LANGUAGE_OF_STYLE[style]):
            return self.get_response(request)
