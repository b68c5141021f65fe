"""Django for a benchmark script: set up, with the shared schema migrated (a fresh clone's
database stays empty until `make run`), so that every script runs on its own."""


def setup_django() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
