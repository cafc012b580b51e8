"""The full-text index and the triggers that keep it current (see broadsheet/search/schema.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from broadsheet.search.schema import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            from broadsheet.search.schema import SQLITE_TRIGGERS

            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS search_fts")
            cursor.execute("DROP TABLE IF EXISTS search_heads")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP TABLE IF EXISTS search_document CASCADE")
            for table, name in [("articles_article", "search_article"), ("articles_article", "search_article_truncate"),
                                ("enrich_articletag", "search_tag"), ("sources_source", "search_source")]:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_source_published_index"), ("enrich", "0003_drop_id_list_summaries"),
                    ("sources", "0002_feed_last_warning")]
    operations = [migrations.RunPython(forwards, backwards)]
