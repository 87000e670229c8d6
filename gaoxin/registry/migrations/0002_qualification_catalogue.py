from django.db import migrations


def load(apps, schema_editor):
    from gaoxin.registry.catalogue import load_catalogue

    load_catalogue(apps.get_model("registry", "QualificationType"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
