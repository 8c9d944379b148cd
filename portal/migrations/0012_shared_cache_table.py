"""The table of the shared cache (CACHES["shared"], a PostgreSQL table unless SHARED_CACHE_URL names Redis), made
here so that `migrate` is the only step a new installation needs."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS portal_cache")


class Migration(migrations.Migration):
    dependencies = [("portal", "0011_enquiry_municipality")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
