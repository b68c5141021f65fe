from rest_framework.permissions import SAFE_METHODS, BasePermission

from academics.tenancy.models import ApiClient, ApiScope

MSG_SCOPE_MISSING = "This API client is not allowed to {action} records."


class HasClientScope(BasePermission):
    """Reads need the `read` scope, every other method the `write` scope: the token's scope
    (a token may have been asked with fewer scopes than its client has)."""

    def has_permission(self, request, view):
        client = request.user
        if not isinstance(client, ApiClient):
            return False
        needed = ApiScope.READ if request.method in SAFE_METHODS else ApiScope.WRITE
        if needed in client.scope_set and needed in request.auth.scopes:
            return True
        self.message = MSG_SCOPE_MISSING.format(
            action="read" if needed == ApiScope.READ else "change"
        )
        return False
