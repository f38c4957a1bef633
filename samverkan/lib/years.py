"""The year of a date column in SQL, without a Python function per row on SQLite."""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import ExtractYear
from django.db.models.sql.compiler import SQLCompiler


class YearOf(ExtractYear):
    """The year of a date column as an integer (`YearOf("decided_on")`). Django's ExtractYear calls a Python
    function per row on SQLite; there the stored text's first four digits say the same in C. PostgreSQL keeps
    EXTRACT."""

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        sql, params = compiler.compile(self.lhs)
        return f"CAST(SUBSTR({sql}, 1, 4) AS INTEGER)", params
