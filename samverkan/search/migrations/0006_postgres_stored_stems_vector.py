"""PostgreSQL only: the entry's stems as a stored `tsvector` column (`stems_vector`), GIN-indexed, in place of the
index on the expression `to_tsvector('simple', stems)` (issue 11).

With the expression, PostgreSQL made the vector again from the text for every row it ranked (`ts_rank`) and for every
row of a lossy bitmap page it rechecked: tens of microseconds per entry, so a common word's tens of thousands of hits
cost seconds at national scale. A stored column is computed once when the entry is written (`GENERATED ALWAYS …
STORED`: Django never writes it, PostgreSQL keeps it in step) and read as it is — the documented way
(https://www.postgresql.org/docs/current/textsearch-tables.html#TEXTSEARCH-TABLES-INDEX). The `words` column, used
only for the last word's prefix match and never ranked, keeps its expression index. SQLite has FTS5 (0002).
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE search_searchentry ADD COLUMN stems_vector tsvector"
    " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, stems)) STORED",
    # A GIN index over millions of entries builds far faster with more than the default 64 MB (this transaction only).
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE INDEX search_entry_stems_vector ON search_searchentry USING gin (stems_vector)",
    "DROP INDEX IF EXISTS search_entry_stems_gin",
]
BACK = [
    "CREATE INDEX search_entry_stems_gin ON search_searchentry USING gin (to_tsvector('simple'::regconfig, stems))",
    "DROP INDEX IF EXISTS search_entry_stems_vector",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS stems_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_sqlite_covering_index")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACK))]
