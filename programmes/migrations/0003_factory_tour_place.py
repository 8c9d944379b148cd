"""The tours' ``place`` column (a unit vector, kept by a trigger) and its KNN index: "near" lists read the
nearest tours off the index instead of sorting all of them (portal/geo.py)."""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

from portal.geo import place_trigger_sql

FORWARD, REVERSE = place_trigger_sql("programmes_factorytour")


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_published_order_index"),
    ]

    operations = [
        CreateExtension("cube"),
        migrations.RunSQL(FORWARD, REVERSE),
    ]
