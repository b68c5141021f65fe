"""Reads shared by commands and the admin (writes are `academics.services`)."""

from academics.tenancy.models import Tenant

MSG_UNKNOWN_TENANT = "Unknown tenant {identifier!r}."


class UnknownTenant(LookupError):
    def __init__(self, identifier: str):
        self.message = MSG_UNKNOWN_TENANT.format(identifier=identifier)
        super().__init__(self.message)


def tenant_by_identifier(identifier: str) -> Tenant:
    """The tenant whose X-Tenant value is `identifier`; raises UnknownTenant."""
    tenant = Tenant.objects.filter(identifier=identifier).first()
    if tenant is None:
        raise UnknownTenant(identifier)
    return tenant
