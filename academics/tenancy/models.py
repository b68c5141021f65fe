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


class DateStyle(models.TextChoices):
    """How the tenant's staff read and type dates in the admin (docs/admin.md, Dates). The API
    speaks ISO 8601 whatever the style (docs/api.md)."""

    ISO = "iso", "ISO: 2026-03-31"
    DAY_FIRST = "day_first", "Day first: 31/03/2026 (Brazil, Europe)"
    MONTH_FIRST = "month_first", "Month first: 03/31/2026 (United States)"


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
    date_style = models.CharField(
        max_length=16,
        choices=DateStyle.choices,
        default=DateStyle.ISO,
        help_text="How dates are shown and typed in this tenant's admin.",
    )
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


class ApiScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write"


class ApiClient(models.Model):
    """A machine client (a university's integration) of one tenant's API.

    Credentials and tokens are django-oauth-toolkit's: the client secret is stored hashed and
    tokens only as checksums. Scopes are read from here on every request, so narrowing them or
    deactivating the client takes effect at once.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="api_clients")
    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="api_client"
    )
    name = models.CharField(max_length=255)
    scopes = models.CharField(
        max_length=64,
        default="read write",
        help_text="Space-separated: read, write.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    # DRF treats the authenticated client as the request's user.
    is_authenticated = True
    is_anonymous = False

    class Meta:
        ordering = ["tenant", "name"]
        verbose_name = "API client"

    def __str__(self):
        return f"{self.name} ({self.tenant.identifier})"

    @property
    def client_id(self) -> str:
        return self.application.client_id

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
