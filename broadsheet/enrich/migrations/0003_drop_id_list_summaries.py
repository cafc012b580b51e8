"""Story summaries were keyed by a hash of the article ids a client sent (ids:...); they are
keyed story:<id> now, so the old rows, one per id combination anyone asked for, are never read."""

from django.db import migrations


def drop(apps, schema_editor):
    apps.get_model("enrich", "StorySummary").objects.filter(key__startswith="ids:").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enrich", "0002_llm_version"),
    ]

    operations = [
        migrations.RunPython(drop, migrations.RunPython.noop),
    ]
