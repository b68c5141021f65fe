from django.apps import AppConfig


class AcademicsConfig(AppConfig):
    """Academic records of one tenant: institutions to enrollments, in the tenant's schema."""

    name = "academics"
    verbose_name = "Academic records"
    default_auto_field = "django.db.models.BigAutoField"
