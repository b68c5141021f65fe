"""The browser's middleware layers, for pages only.

Sessions, the signed-in user, flash messages and static files serve the admins, which a
browser uses with a session cookie. The API authenticates every request by its bearer token and
keeps no state in cookies (docs/api.md, Authenticating), so its requests pass by these layers:
they were a tenth of an API list request's CPU (bench/README.md), and a response that depends
on no cookie no longer says `Vary: Cookie`.

Each name here is the wrapped layer's own, so that `settings.MIDDLEWARE` reads as Django's list.
CSRF stays Django's own, for every path (Django's deploy check looks for it by name; on the
API's views it has nothing to do, DRF exempts them).
"""

from django.contrib.auth.middleware import AuthenticationMiddleware as _Authentication
from django.contrib.messages.middleware import MessageMiddleware as _Messages
from django.contrib.sessions.middleware import SessionMiddleware as _Sessions
from whitenoise.middleware import WhiteNoiseMiddleware as _WhiteNoise

from academics.limits import is_api_path

# The optional hooks Django's handler collects from a middleware instance; a layer with one
# would need it skipped on API paths too.
HOOKS = ("process_view", "process_exception", "process_template_response")


def pages_only(layer: type) -> type:
    """`layer` as a middleware that API requests pass by. A subclass, so that the admin's
    checks still find the layers it needs."""
    if hooks := [hook for hook in HOOKS if hasattr(layer, hook)]:
        raise TypeError(f"{layer.__name__} has {', '.join(hooks)}: not wrapped for that")

    def __call__(self, request):
        if is_api_path(request.path_info):
            return self.get_response(request)
        return layer.__call__(self, request)

    namespace = {
        "__call__": __call__,
        "__module__": __name__,
        "__qualname__": layer.__name__,
        "__doc__": f"{layer.__module__}.{layer.__name__}, for pages only.",
        # Served by sync workers; under ASGI Django adapts the layer as it does the others.
        "async_capable": False,
        "sync_capable": True,
    }
    return type(layer.__name__, (layer,), namespace)


WhiteNoiseMiddleware = pages_only(_WhiteNoise)
SessionMiddleware = pages_only(_Sessions)
AuthenticationMiddleware = pages_only(_Authentication)
MessageMiddleware = pages_only(_Messages)
