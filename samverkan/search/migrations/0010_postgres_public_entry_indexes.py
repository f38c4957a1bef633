"""PostgreSQL only: the two keyed vectors indexed a second time for the entries anyone may read (a public entry in a
public container), so a search by a reader who is not logged in reads those postings only (issue 11).

An anonymous reader's search asks for `visibility = 'public' AND container = 'public'` (`query.visible_entries`,
`structure.access.readable_rule`), and three quarters of a common word's entries in the generated nation are
internal: through the whole index, a search of "uppföljning" in every area read about 12,000 postings and rows to keep
the 3,000 it may show (p95 54–56 ms against a budget of 50). A partial GIN index whose predicate is exactly that
condition holds the public entries' postings only; the planner takes it for any statement whose WHERE implies the
predicate (the smaller index costs less), and a statement of a logged-in reader, whose rule admits more, reads the
whole one as before. The tokens and keys are unchanged; SQLite's FTS5 table has no partial form and needs none (one
area at county scale is within its budget).
"""

from django.db import migrations

PUBLIC = "visibility = 'public' AND container = 'public'"
INDEXES = {"search_entry_public_stems": "area_stems_vector", "search_entry_public_words": "area_words_vector"}


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


# Built CONCURRENTLY (outside a transaction: `atomic = False`), so a deployment's searches and saves go on while the
# index of a nation's entries is built (minutes); GIN indexes over millions of entries build far faster with more
# than the default 64 MB, set for this session only.
FORWARD = [
    "SET maintenance_work_mem = '256MB'",
    *(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON search_searchentry USING gin ({column}) WHERE {PUBLIC}"
        for name, column in INDEXES.items()
    ),
    "RESET maintenance_work_mem",
]
BACK = [f"DROP INDEX CONCURRENTLY IF EXISTS {name}" for name in INDEXES]


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0009_sqlite_area_year_keyed_tokens")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACK))]
