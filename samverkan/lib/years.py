"""The years Samverkan takes, and the year of a date column in SQL without a Python function per row on SQLite."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import ExtractYear
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext_lazy as _

# The years a date typed in, or a year asked for in an address, may have. A browser's date input takes year 1 and
# 9999, and such a date broke what reads it: year 1 at 00:10 in Stockholm is before year 1 in UTC (an OverflowError
# in the iCal feeds), and Stockholm's local mean time before 1900 (UTC+01:12:12) gave a feed a start of 08:47:48.
# Sweden's time has been CET since 1900-01-01; 2200 leaves two centuries for plans and agreements' end dates.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def check_plausible_date(value: date | datetime | None) -> None:
    """Django validator: refuses a date (or a date and time) outside `FIRST_YEAR`–`LAST_YEAR` with a Swedish
    message. Raises ValidationError (code "implausible_date"); None passes (an empty optional field)."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Ange ett datum mellan %(first)s och %(last)s."),
            code="implausible_date",
            params={"first": f"{FIRST_YEAR}-01-01", "last": f"{LAST_YEAR}-12-31"},
        )


class YearOf(ExtractYear):
    """The year of a date column as an integer (`YearOf("decided_on")`). Django's ExtractYear calls a Python
    function per row on SQLite; there the stored text's first four digits say the same in C. PostgreSQL keeps
    EXTRACT."""

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        sql, params = compiler.compile(self.lhs)
        return f"CAST(SUBSTR({sql}, 1, 4) AS INTEGER)", params
