"""PostgreSQL only: every lexeme of the two stored vectors starts with its entry's area *and year* (`a12y2025x…`;
`y0` for an undated entry: a body, a person, a principal), in place of the area alone (0007); and an index on the
year, whose smallest and largest values name the years a query asks for (issue 11).

A common word is found in hundreds of thousands of entries of a national deployment (16,000 in one area), and
counting them, grouping them for the facets and ranking them read every one of their rows: 2 s for every area, and
about 50 ms in one. Keyed by year as well, a search reads its hits a year at a time, newest first, and stops after
`query.HIT_CEILING` of them (`query._one_pass`), so its cost no longer grows with the years and areas of history.
Both columns stay `GENERATED ALWAYS … STORED` (one table rewrite); the number of lexemes per entry is unchanged.
"""

from django.db import migrations, models


def _keyed(column):
    # Each token of the space-separated column (made by text.py) gets the area's and year's key in front of it.
    return (
        f"to_tsvector('simple'::regconfig, regexp_replace({column}, '(\\S+)',"
        f" 'a' || coalesce(area_id, 0)::text || 'y' || coalesce(year, 0)::text || 'x\\1', 'g'))"
    )


def _area_keyed(column):
    return (
        f"to_tsvector('simple'::regconfig, regexp_replace({column}, '(\\S+)',"
        f" 'a' || coalesce(area_id, 0)::text || 'x\\1', 'g'))"
    )


def _swap(make):
    return [
        # GIN indexes over millions of entries build far faster with more than the default 64 MB (this transaction).
        "SET LOCAL maintenance_work_mem = '256MB'",
        "DROP INDEX IF EXISTS search_entry_area_stems",
        "DROP INDEX IF EXISTS search_entry_area_words",
        "ALTER TABLE search_searchentry DROP COLUMN area_stems_vector, DROP COLUMN area_words_vector,"
        f" ADD COLUMN area_stems_vector tsvector GENERATED ALWAYS AS ({make('stems')}) STORED,"
        f" ADD COLUMN area_words_vector tsvector GENERATED ALWAYS AS ({make('words')}) STORED",
        "CREATE INDEX search_entry_area_stems ON search_searchentry USING gin (area_stems_vector)",
        "CREATE INDEX search_entry_area_words ON search_searchentry USING gin (area_words_vector)",
    ]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0007_postgres_area_keyed_vectors")]

    operations = [
        migrations.AddIndex(
            model_name="searchentry", index=models.Index(fields=["year"], name="search_entry_year")
        ),
        migrations.RunPython(_run(_swap(_keyed)), _run(_swap(_area_keyed))),
    ]
