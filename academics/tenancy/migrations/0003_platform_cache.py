from django.db import migrations

# The shared cache's table (academics/tenancy/cache.py), in the public schema only: tenancy is a
# shared app. UNLOGGED: cheaper writes; a crash may empty it, which a cache allows.
CREATE = """
CREATE UNLOGGED TABLE IF NOT EXISTS platform_cache (
    key text PRIMARY KEY,
    value bytea,
    number bigint,
    expires double precision NOT NULL
)
"""


class Migration(migrations.Migration):

    dependencies = [
        ("tenancy", "0002_api_client"),
    ]

    operations = [
        migrations.RunSQL(CREATE, "DROP TABLE IF EXISTS platform_cache"),
    ]
