"""Tenant schemas keep no foreign key to the shared `public.django_content_type`.

Each such key puts two integrity triggers on the shared table, per tenant: 40,000 at 10,000
tenants. Adding a key rebuilds the shared table's cached definition with all of them, which
made these two keys 0.2 s of a tenant's provisioning at 10,000 tenants (bench/README.md,
many_tenants), and every session that opens the table loads them. Content types are rows that
migrations add and never remove; the columns keep their values and index (docs/operations.md).
"""

from django.db import migrations

# Django's own names for the keys (auth 0001, admin 0001), and how they were made.
KEYS = [
    ("auth_permission", "auth_permission_content_type_id_2f476e4b_fk_django_co"),
    ("django_admin_log", "django_admin_log_content_type_id_c4bce8eb_fk_django_co"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("academics", "0007_pending_changes_unindexed"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {key}" for table, key in KEYS],
            reverse_sql=[
                f"ALTER TABLE {table} ADD CONSTRAINT {key} FOREIGN KEY (content_type_id) "
                "REFERENCES django_content_type (id) DEFERRABLE INITIALLY DEFERRED"
                for table, key in KEYS
            ],
        ),
    ]
