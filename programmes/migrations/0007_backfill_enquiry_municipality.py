"""Requests to visit a factory tour made before enquiries recorded a municipality: the tour's own municipality
(where the visit takes place), so that the staff report counts them where they happened."""

from django.db import migrations


def backfill(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Enquiry = apps.get_model("portal", "Enquiry")
    FactoryTour = apps.get_model("programmes", "FactoryTour")
    tour_type = ContentType.objects.filter(app_label="programmes", model="factorytour").first()
    if tour_type is None:
        return
    places = dict(FactoryTour.objects.values_list("pk", "municipality_id"))
    missing = Enquiry.objects.filter(subject_type=tour_type, municipality__isnull=True)
    for enquiry in missing.only("pk", "subject_id"):
        if places.get(enquiry.subject_id):
            Enquiry.objects.filter(pk=enquiry.pk).update(municipality_id=places[enquiry.subject_id])


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0006_factorytour_supporter_and_more"),
        ("portal", "0011_enquiry_municipality"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
