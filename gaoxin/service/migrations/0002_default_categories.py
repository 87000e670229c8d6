from django.db import migrations


def forwards(apps, schema_editor):
    from gaoxin.service.catalogue import load_categories

    load_categories(apps.get_model("service", "AppealCategory"))


class Migration(migrations.Migration):
    dependencies = [("service", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
