"""PostgreSQL only: the entry's stems and words as stored `tsvector` columns whose every lexeme starts with the entry's
area (`a12x…`; `a0x…` for an entry of no area), GIN-indexed, in place of the stems vector (0006) and the words
expression index (0002) (issue 11).

A deployment may host many areas, and a search made from an area's pages stays in that area. With lexemes shared by
every area, finding a common word in one area still read the word's whole posting list over the nation (hundreds of
thousands of entries) and visited each entry's row to drop the other areas' hits: 2 s at national scale. Keyed by
area, a search in one area reads that area's posting list only, as small as in a deployment of one county; a search
of every area asks for the word in each area (`backends.matches`), which reads what one shared list did. Ranking
counts the same lexemes, so it is unchanged. Both columns are `GENERATED ALWAYS … STORED` (one table rewrite):
Django never writes them and PostgreSQL keeps them in step with `stems`, `words` and `area_id`. SQLite has FTS5
(0002) and filters on the area column.
"""

from django.db import migrations


def _keyed(column):
    # Each token of the space-separated column (made by text.py) gets the area's key in front of it.
    return (
        f"to_tsvector('simple'::regconfig, regexp_replace({column}, '(\\S+)',"
        f" 'a' || coalesce(area_id, 0)::text || 'x\\1', 'g'))"
    )


FORWARD = [
    # GIN indexes over millions of entries build far faster with more than the default 64 MB (this transaction only).
    "SET LOCAL maintenance_work_mem = '256MB'",
    "ALTER TABLE search_searchentry"
    f" ADD COLUMN area_stems_vector tsvector GENERATED ALWAYS AS ({_keyed('stems')}) STORED,"
    f" ADD COLUMN area_words_vector tsvector GENERATED ALWAYS AS ({_keyed('words')}) STORED",
    "CREATE INDEX search_entry_area_stems ON search_searchentry USING gin (area_stems_vector)",
    "CREATE INDEX search_entry_area_words ON search_searchentry USING gin (area_words_vector)",
    "DROP INDEX IF EXISTS search_entry_words_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS stems_vector",
]
BACK = [
    "SET LOCAL maintenance_work_mem = '256MB'",
    "ALTER TABLE search_searchentry ADD COLUMN stems_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, stems)) STORED",
    "CREATE INDEX search_entry_stems_vector ON search_searchentry USING gin (stems_vector)",
    "CREATE INDEX search_entry_words_gin ON search_searchentry USING gin (to_tsvector('simple'::regconfig, words))",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS area_stems_vector, DROP COLUMN IF EXISTS area_words_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0006_postgres_stored_stems_vector")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACK))]
