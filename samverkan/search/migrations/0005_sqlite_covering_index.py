"""SQLite only: an index holding every short column of an entry, keyed by its id (issue 11).

A search joins each full-text match (an FTS5 rowid) to its entry to apply the reader's rule, the facets and the
order. Through the table that join reads the whole row, and an entry's row holds its text, stems and words: for
11,000 matches of a common word in the county benchmark the count took 20 ms, the ranked page 35 ms and the
facets 27 ms. With this index SQLite answers the join from the index alone (`USING COVERING INDEX … (id=?)`):
7, 21 and 13 ms. PostgreSQL finds matches through its GIN indexes and reads its rows by bitmap, so it gets none.
"""

from django.db import migrations

COLUMNS = "id, visibility, container, kind, area_id, body_id, principal_id, matter_id, object_id, year, date"


def _forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX search_entry_short ON search_searchentry ({COLUMNS})")
        # An index that is already full gets the planner's figures now (`index.analyse`), so it is used at once.
        if apps.get_model("search", "SearchEntry").objects.exists():
            schema_editor.execute("PRAGMA analysis_limit=1000")
            schema_editor.execute("ANALYZE search_searchentry")


def _back(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_short")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_full_text_row")]

    operations = [migrations.RunPython(_forward, _back)]
