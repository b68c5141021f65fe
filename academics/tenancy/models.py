import re
import uuid

from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

# A tenant identifier is what API clients send as `X-Tenant` and the first label of its
# development host name, so it must be a lower-case DNS label.
IDENTIFIER_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
RESERVED_IDENTIFIERS = frozenset({"public", "www", "api", "admin", "static", "template"})
MSG_IDENTIFIER_INVALID = (
    "The identifier must be 1 to 63 lower-case letters, digits or hyphens, "
    "and may not start or end with a hyphen."
)
MSG_IDENTIFIER_RESERVED = "The identifier {identifier!r} is reserved."


def identifier_is_valid(value: str) -> bool:
    return bool(IDENTIFIER_PATTERN.fullmatch(value)) and value not in RESERVED_IDENTIFIERS


def new_schema_name() -> str:
    """Schema names are never derived from user input."""
    return f"tenant_{uuid.uuid4().hex[:16]}"


class Tenant(TenantMixin):
    """A customer account (a university); its academic records live in its own schema."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    identifier = models.CharField(
        max_length=63,
        unique=True,
        validators=[RegexValidator(IDENTIFIER_PATTERN, MSG_IDENTIFIER_INVALID)],
        help_text="Sent by API clients as X-Tenant; first label of <identifier>.localhost.",
    )
    name = models.CharField(max_length=255)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Provisioning creates the schema itself (cloning a template when that is faster).
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["identifier"]
        verbose_name = "tenant"

    def __str__(self):
        return f"{self.name} ({self.identifier})"


class Domain(DomainMixin):
    """A host name under which browsers reach a tenant (its admin)."""

    class Meta:
        ordering = ["domain"]
        verbose_name = "domain"

    def __str__(self):
        return self.domain
