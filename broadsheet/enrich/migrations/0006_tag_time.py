"""The article's time on its tag rows, its index, and the triggers that keep it (enrich/tag_times.py).

The column is added nullable (an ALTER TABLE on SQLite, not a copy of the table, which would
also drop the search triggers on it and make the next migrate rebuild the search index),
filled in one UPDATE … FROM, and only then indexed, so the index is built once from sorted
data. The (tag, article) index goes: the new one serves every query it served."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from broadsheet.enrich import tag_times

    tag_times.fill(schema_editor.connection)
    tag_times.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from broadsheet.enrich import tag_times

    tag_times.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_article_copies_index'),
        ('enrich', '0005_tag_article_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='articletag',
            name='published',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name='articletag',
            index=models.Index(fields=['tag', '-published', '-article'], name='articletag_tag_pub'),
        ),
        migrations.RemoveIndex(
            model_name='articletag',
            name='articletag_tag_article',
        ),
    ]
