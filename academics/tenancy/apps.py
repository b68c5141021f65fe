from django.apps import AppConfig


class TenancyConfig(AppConfig):
    """The shared (public schema) registry of tenants and their host names."""

    name = "academics.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connect the cache invalidation handlers.
        from academics.tenancy import lookups, tokens  # noqa: F401
