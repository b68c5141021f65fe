"""A refused CORS preflight answers in the API's error envelope (docs/api.md, CORS)."""

from academics.errors import MSG_CORS_REFUSED, json_error


class RefusedPreflightMiddleware:
    """Outside django-cors-headers: a preflight under /api that it did not allow (no
    `Access-Control-Allow-Origin`) is a `403` in the envelope rather than an empty `200`, so
    whoever debugs it with curl or the browser's network tab reads why. The browser itself
    refuses either way. Requests that are not preflights pass untouched: a same-origin browser
    request also carries `Origin`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "OPTIONS"
            and request.path.startswith("/api/")
            and "HTTP_ORIGIN" in request.META
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
            and "Access-Control-Allow-Origin" not in response
        ):
            return json_error(403, MSG_CORS_REFUSED)
        return response
