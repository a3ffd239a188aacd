"""Full-text search tables: FTS5 on SQLite, tsvector + french/unaccent configuration on PostgreSQL."""

from django.db import migrations


def create(apps, schema_editor):
    from territoria.catalog.search import postgres, sqlite

    vendor = schema_editor.connection.vendor
    statements = postgres.CREATE if vendor == "postgresql" else [sqlite.CREATE]
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    from territoria.catalog.search import postgres, sqlite

    vendor = schema_editor.connection.vendor
    for statement in postgres.DROP if vendor == "postgresql" else [sqlite.DROP]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
