"""Login attempts live in the shared schema only: tenant schemas drop their copies of django-axes'
tables.

Four tables, 19 indexes, three sequences and their TOAST tables were a seventh of a tenant's
relations, and so of its provisioning time and catalog size (bench/README.md, many_tenants).
Lockouts stay per tenant: the user name they count is qualified by the tenant's schema
(academics/lockout.py). A schema that lacks the tables finds the shared ones on its search path,
which is also why the reverse has nothing to do.
"""

from django.db import migrations

# Dependent tables first. Qualified by the schema being migrated: unqualified, a schema that no
# longer has them would resolve the names to the shared tables on its search path.
TABLES = ["axes_accessattemptexpiration", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"]

DROP = """
DO $$
BEGIN
    IF current_schema() <> 'public' THEN
        EXECUTE (
            SELECT 'DROP TABLE IF EXISTS '
                   || string_agg(format('%I.%I', current_schema(), name), ', ')
            FROM unnest(ARRAY[{names}]) AS name
        );
    END IF;
END $$
""".format(names=", ".join(f"'{table}'" for table in TABLES))


class Migration(migrations.Migration):
    dependencies = [
        ("academics", "0008_tenant_tables_no_foreign_key_to_shared_content_types"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunSQL(sql=DROP, reverse_sql=migrations.RunSQL.noop)]
