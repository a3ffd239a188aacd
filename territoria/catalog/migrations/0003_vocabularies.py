"""Seed the controlled vocabularies: EU data themes (French labels) and licences."""

from django.db import migrations


def seed(apps, schema_editor):
    from territoria.catalog.vocabularies import LICENCES, THEMES

    Theme = apps.get_model("catalog", "Theme")
    Licence = apps.get_model("catalog", "Licence")
    for code, fr, en in THEMES:
        Theme.objects.update_or_create(code=code, defaults={"label_fr": fr, "label_en": en})
    for identifier, title, url, is_open in LICENCES:
        Licence.objects.update_or_create(identifier=identifier, defaults={"title": title, "url": url, "is_open": is_open})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_index")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
