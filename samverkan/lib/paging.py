"""One way to page a list: `page_of` gives Django's Page, `includes/pager.html` draws it (works without
JavaScript: plain links with `?sida=N` and the page's other query parameters kept)."""

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_PARAM = "sida"
_WHOLE_NUMBER = re.compile(r"\s*([+-]?)([0-9]+)\s*")  # ASCII digits: "²" is a digit to isdigit(), "٣" to int()


def page_of(request: HttpRequest, items: Sequence[Any] | Any, per_page: int, param: str = PAGE_PARAM) -> Page[Any]:
    """The page of `items` (a queryset or list) that `?sida=` (or `?<param>=`, for a second list on the same
    page) asks for; a bad number gives the first page, a number past the end the last and one below 1 the first
    (Django's `get_page` gave the last for 0 or -3), never an error. The page carries the pager's links
    (`with_links`). Counts with one query, fetches the page with one."""
    return with_links(Paginator(items, per_page).get_page(asked_page(request.GET.get(param))), request, param)


class Counted:
    """A queryset (or list) whose length is already known, for `page_of`: Django's Paginator takes `count` from
    here instead of asking the database, and slices `items` for the page. For lists counted together in one query
    (e.g. `aggregate` with a filtered Count per list), where a count of each list's own rows would repeat the
    joins its page needs."""

    def __init__(self, items: Any, count: int) -> None:
        self.items, self._count = items, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        return self.items[index]


def asked_page(asked: str | int | None) -> str | int | None:
    """A page number as asked for (`?sida=`), for Django's `Paginator.get_page`: a whole number of ASCII digits with
    an optional sign as it is, but one below 1 made 1 (`get_page` answers it with the last page, where the nearest
    is the first); anything else (`get_page` reads "+0", "0_0" and "٣" with `int()`) is 1, the first page."""
    if isinstance(asked, int):
        return max(asked, 1)
    if asked is None:
        return None
    found = _WHOLE_NUMBER.fullmatch(asked)
    if not found:
        return "1"
    sign, digits = found.groups()
    significant = digits.lstrip("0")
    if sign == "-" or not significant:
        return "1"
    return significant if len(significant) <= 18 else "9" * 18  # past any end: the last page


def with_links(page: Page[Any], request: HttpRequest, param: str = PAGE_PARAM) -> Page[Any]:
    """`page` (of `?<param>=`) given what `includes/pager.html` draws its links from: `param`, `keep` (the
    request's other query parameters, url-encoded with a leading "&"; "" when there are none) and `numbers` (the
    page numbers to show, `Paginator.ELLIPSIS` where some are left out). For a page made elsewhere (the search's)."""
    page.param = param  # type: ignore[attr-defined]
    rest = request.GET.copy()
    rest.pop(param, None)
    page.keep = ("&" + rest.urlencode()) if rest else ""  # type: ignore[attr-defined]
    page.numbers = list(  # type: ignore[attr-defined]
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )
    return page


def page_of_rows(
    request: HttpRequest,
    ordered: Any,
    per_page: int,
    fetch: Callable[[list[Any]], Iterable[Any]],
    param: str = PAGE_PARAM,
    *,
    keys_once: bool = False,
) -> Page[Any]:
    """`page_of` for a list whose rows are costly (joins, counts, long columns): `ordered` (a queryset in the
    list's order, filtered, with no joins it does not need) is paged by primary key alone, and `fetch(pks)`
    (a queryset or iterable of those rows, with whatever the page shows) fills the page, kept in `ordered`'s
    order. So the database sorts and counts narrow rows and builds the costly ones only for the page shown. Three
    queries (count, the page's keys, the rows), whatever the list's length.

    `keys_once` is for a list ordered by a computed value (a due date, a meeting's first day), which the database
    sorts in full for any page: all its keys are then read in one query and counted in Python, so the rows are
    scanned once instead of twice (for the count and again for the page). Two queries; every key is held in
    memory as an integer (about 7,000 for ten years of a county's assignments, 0.2 MB)."""
    keys = ordered.values_list("pk", flat=True)
    page = page_of(request, list(keys) if keys_once else keys, per_page, param)
    # An empty list still asks for its keys and rows ([-1]), so the count is three at every size.
    pks = list(page.object_list if page.paginator.count or keys_once else keys[:per_page])
    by_pk = {row.pk: row for row in fetch(pks or [-1])}
    page.object_list = [by_pk[pk] for pk in pks if pk in by_pk]
    return page
