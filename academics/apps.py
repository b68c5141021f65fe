from django.apps import AppConfig


class AcademicsConfig(AppConfig):
    """Academic records of one tenant: institutions to enrollments, in the tenant's schema."""

    name = "academics"
    verbose_name = "Academic records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate
        from simple_history.signals import pre_create_historical_record

        from academics.history import record_history_actor
        from academics.roles import ensure_roles_after_migrate

        # Every history row names who acted (academics/history.py).
        pre_create_historical_record.connect(record_history_actor)

        # Tenant schemas (the template included, which new tenants copy) get the staff roles.
        post_migrate.connect(ensure_roles_after_migrate, sender=self)
