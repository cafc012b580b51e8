"""On PostgreSQL with the pgvector extension available: a vector column on the story
members with an HNSW index (cosine). Elsewhere nothing: exact numpy search over the
members of a time window serves instead (see stories/store.py)."""

from django.db import migrations

DIM = 384


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        if cursor.fetchone() is None:
            return  # not installed on this server (apt: postgresql-15-pgvector)
        cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
        cursor.execute(f"ALTER TABLE stories_member ADD COLUMN IF NOT EXISTS vector vector({DIM})")
        cursor.execute("CREATE INDEX IF NOT EXISTS member_vector_hnsw ON stories_member "
                       "USING hnsw (vector vector_cosine_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS member_vector_hnsw")
            cursor.execute("ALTER TABLE stories_member DROP COLUMN IF EXISTS vector")


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
