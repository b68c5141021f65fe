"""Login lockout for the admins (django-axes): after `AXES_FAILURE_LIMIT` wrong passwords for one
user name from one address (academics/client_address.py), that pair is refused for
`AXES_COOLOFF_TIME`, the right password included."""

from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    """Checks every login that comes with an HTTP request. Callers without one (the test client's
    `login`, a shell) have no address to count and are left to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
