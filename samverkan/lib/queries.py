"""Query expressions Django does not have.

`ExistsPerRow`: a correlated EXISTS that PostgreSQL runs for each outer row that reaches it. Its planner may turn a
correlated EXISTS on an equality into an IN over every row of the subquery, hashed once, when it expects many outer
rows; for a rule such as "a person seated in a body the user may see", that built the list of the nation's 217,000
seats the user may see (50 ms) for a form that offers an area's 5,700 people, and for a search hit found through its
record's own rule the list of 1.9 million principal decisions (5 s) for one hit.
"""

from typing import Any

from django.db.models import Exists


class ExistsPerRow(Exists):
    """EXISTS, never hashed by PostgreSQL: an OFFSET in the subquery stops its planner from turning it into an IN
    (`simplify_EXISTS_query` in PostgreSQL's subselect.c keeps such a subquery as it is). Other databases: EXISTS as
    it is. Use it where the outer rows are few or bounded (a page, an area, a search's hits read to a ceiling) and
    the subquery's rows many."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="EXISTS(%(subquery)s OFFSET 0)", **extra)  # type: ignore[call-arg]  # Subquery.as_sql takes it
