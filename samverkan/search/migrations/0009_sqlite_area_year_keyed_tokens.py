"""SQLite only: the FTS5 table holds every token with its entry's area and year in front of it (`a12y2025x…`; area 0
for no area, year 0 for an undated entry), as PostgreSQL's vectors do since 0008, and no longer the bare tokens.

A common word begins a word in most of a county's entries ("kommun": 137,375 of 192,809), and FTS5 merged all of
their postings for every search of it (150 ms), then again to rank the newest. Keyed by year, a search reads its hits
a year at a time, newest first, and stops at `query.HIT_CEILING` (`query.newest_hits`), so its cost no longer grows
with the years of history; a search in one area asks for that area's keys only.

The table becomes contentless (`content=''`): its tokens are no longer the entry's columns as they stand, so FTS5
must not read them from there. The triggers key the tokens as they insert them and key them alike to delete them
(a contentless table's 'delete' takes the values that were inserted); the index holds the same number of tokens.
"""

from django.db import migrations


def keyed(row, column):
    """SQL: the space-separated tokens of `row`.`column` (made by text.py), each with the row's key in front."""
    key = f"'a' || coalesce({row}.area_id, 0) || 'y' || coalesce({row}.year, 0) || 'x'"
    return f"CASE WHEN {row}.{column} = '' THEN '' ELSE {key} || replace({row}.{column}, ' ', ' ' || {key}) END"


def _triggers(make):
    def insert(row):
        return f"INSERT INTO search_fts(rowid, stems, words) VALUES ({row}.id, {make(row, 'stems')}, {make(row, 'words')});"

    def delete(row):
        return (
            "INSERT INTO search_fts(search_fts, rowid, stems, words)"
            f" VALUES ('delete', {row}.id, {make(row, 'stems')}, {make(row, 'words')});"
        )

    return [
        f"CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN {insert('new')} END",
        f"CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN {delete('old')} END",
        f"CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN {delete('old')} {insert('new')} END",
    ]


DROP = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]
TOKENIZER = "tokenize='unicode61 remove_diacritics 0'"
FORWARD = [
    *DROP,
    f"CREATE VIRTUAL TABLE search_fts USING fts5(stems, words, content='', {TOKENIZER})",
    *_triggers(keyed),
    "INSERT INTO search_fts(rowid, stems, words)"
    f" SELECT e.id, {keyed('e', 'stems')}, {keyed('e', 'words')} FROM search_searchentry e",
]
BACK = [
    *DROP,
    "CREATE VIRTUAL TABLE search_fts USING fts5(stems, words, content='search_searchentry', content_rowid='id', "
    f"{TOKENIZER})",
    *_triggers(lambda row, column: f"{row}.{column}"),
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0008_postgres_area_year_keyed_vectors")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACK))]
