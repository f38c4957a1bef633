"""The full-text part of the index, one per database (see search/models.py):

SQLite: an FTS5 table over `stems` and `words` with the entries as external content, kept in step by triggers;
tokenizer `unicode61 remove_diacritics 0`, so å, ä and ö stay letters of their own (the words are folded and
stemmed in Python already, text.py). PostgreSQL: GIN indexes on `to_tsvector('simple', …)` of both columns; the
`simple` configuration only splits and lower-cases, so it matches the same Python-made tokens as FTS5 does.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(stems, words, content='search_searchentry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, stems, words) VALUES (new.id, new.stems, new.words); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, stems, words) VALUES ('delete', old.id, old.stems, old.words); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, stems, words) VALUES ('delete', old.id, old.stems, old.words); "
    "INSERT INTO search_fts(rowid, stems, words) VALUES (new.id, new.stems, new.words); END",
]
SQLITE_BACK = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES = [
    "CREATE INDEX search_entry_stems_gin ON search_searchentry USING gin (to_tsvector('simple'::regconfig, stems))",
    "CREATE INDEX search_entry_words_gin ON search_searchentry USING gin (to_tsvector('simple'::regconfig, words))",
]
POSTGRES_BACK = ["DROP INDEX IF EXISTS search_entry_stems_gin", "DROP INDEX IF EXISTS search_entry_words_gin"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRES_BACK}),
        )
    ]
