"""What a statement reads, from PostgreSQL's own account of running it (EXPLAIN ANALYZE): for tests that a query
reads the rows it needs, not every row of a table a nation fills."""

import json

from django.db import connection


def rows_read(sql: str, params: list | tuple | None, table: str) -> tuple[int, str]:
    """Run `sql` under EXPLAIN (ANALYZE, FORMAT JSON) and return (the rows its scans of `table` returned, summed
    over every loop; the plan as JSON, for an assertion's message). PostgreSQL only."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)

    def read(node: dict) -> int:
        own = node.get("Actual Rows", 0) * node.get("Actual Loops", 1) if node.get("Relation Name") == table else 0
        return own + sum(read(child) for child in node.get("Plans", []))

    return read(plan[0]["Plan"]), json.dumps(plan)[:4000]
