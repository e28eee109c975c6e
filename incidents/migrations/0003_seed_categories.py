from django.db import migrations


PARTS_SQL = (
    "INSERT INTO incidents_districtpart (district_id, geometry) "
    "SELECT id, ST_Subdivide(geometry, 64) FROM incidents_district"
)


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from incidents.taxonomy import categories_ensure

    categories_ensure(apps.get_model("incidents", "CrimeCategory"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_incidents_datasets_categories")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        # Districts loaded before the parts table existed get their pieces now.
        migrations.RunSQL(PARTS_SQL, migrations.RunSQL.noop),
    ]
