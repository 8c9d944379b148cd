"""Load Hokkaido's 14 subprefectures and 189 municipalities (179 + Sapporo's 10 wards).

Source: portal/data/ (copies of ../shared/data, credits in portal/data/SOURCES.md). Idempotent.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def read_csv(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_regions(apps, schema_editor):
    Subprefecture = apps.get_model("portal", "Subprefecture")
    Municipality = apps.get_model("portal", "Municipality")

    bureaus = {}
    for order, row in enumerate(read_csv("hokkaido_subprefectures.csv"), start=1):
        bureaus[row["name_ja"]], _ = Subprefecture.objects.update_or_create(
            slug=row["short_en"].lower(),
            defaults={
                "name": row["name_ja"],
                "name_kana": row["name_kana"],
                "name_en": row["name_en"],
                "short_name_en": row["short_en"],
                "kind": row["type"],
                "sort_order": order,
            },
        )
    for row in read_csv("hokkaido_municipalities.csv"):
        Municipality.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name_ja"],
                "name_kana": row["name_kana"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "subprefecture": bureaus[row["subprefecture_ja"]],
                "parent_id": row["parent_code"] or None,
                "latitude": row["latitude"],
                "longitude": row["longitude"],
                "website": row["website"],
            },
        )
    for row in read_csv("hokkaido_subprefectures.csv"):
        Subprefecture.objects.filter(name=row["name_ja"]).update(seat_id=row["seat_code"])


def unload_regions(apps, schema_editor):
    apps.get_model("portal", "Subprefecture").objects.update(seat=None)
    apps.get_model("portal", "Municipality").objects.filter(parent__isnull=False).delete()
    apps.get_model("portal", "Municipality").objects.all().delete()
    apps.get_model("portal", "Subprefecture").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(load_regions, unload_regions)]
