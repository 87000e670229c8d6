from django.db import migrations


def load(apps, schema_editor):
    from gaoxin.registry.catalogue import QUALIFICATION_TYPES

    QualificationType = apps.get_model("registry", "QualificationType")
    for order, (code, name, aliases, category, has_levels, years, rank) in enumerate(QUALIFICATION_TYPES):
        QualificationType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "aliases": aliases,
                "category": category,
                "has_levels": has_levels,
                "validity_years": years,
                "ladder_rank": rank,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
