"""search_heads (SQLite) and the `heads` column (PostgreSQL): the headline, tags and source
name in an index of their own (see broadsheet/search/schema.py and backends.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from broadsheet.search.schema import install

    install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]
    # Backwards: nothing. The triggers write the headline's index too; it goes with them in 0001's.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
