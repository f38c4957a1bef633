"""The public search page, `/sok/?q=…` with the facets `omrade`, `typ`, `organ`, `huvudman`, `ar`, the page `sida`
and `visa` (a facet to show whole)."""

from dataclasses import replace
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe

from samverkan.lib.paging import PAGE_PARAM, with_links
from samverkan.lib.text import is_digits, search_term
from samverkan.search.models import SearchEntry
from samverkan.search.query import Filters, search
from samverkan.search.text import read
from samverkan.structure.models import Area

# URL parameter → Filters field.
PARAMS = {"omrade": "area", "typ": "kind", "organ": "body", "huvudman": "principal", "ar": "year"}
HEADINGS = {
    "omrade": _lazy("Område"),
    "typ": _lazy("Typ"),
    "organ": _lazy("Organ"),
    "huvudman": _lazy("Huvudman"),
    "ar": _lazy("År"),
}


def _number(value: str | None) -> int | None:
    """A whole number from the URL, else None (a bad value counts as no filter, never an error)."""
    return int(value) if value and is_digits(value) and len(value) < 10 else None


def filters_from(params: dict[str, str]) -> Filters:
    """The filters of a search URL; unknown or malformed values are ignored."""
    kind = params.get("typ", "")
    every = params.get("visa", "")
    return Filters(
        kind=kind if kind in SearchEntry.Kind.values else "",
        body=_number(params.get("organ")),
        principal=_number(params.get("huvudman")),
        year=_number(params.get("ar")),
        area=_number(params.get("omrade")) or None,  # area ids start at 1
        every=PARAMS[every] if every in PARAMS else "",
    )


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """Search everything the visitor may read; results, facets and paging by GET, so it works without JS."""
    query = search_term(request.GET.get("q"), limit=200)
    params = {name: search_term(request.GET.get(name), limit=20) for name in [*PARAMS, "visa"]}
    filters = filters_from(params)
    # The area searched in (its name is said on the page, and the header's search box stays in it); an unknown
    # one is ignored, as a malformed one is.
    area = Area.objects.filter(pk=filters.area).first() if filters.area is not None else None
    filters = replace(filters, area=area.pk if area else None)
    results = search(request.user, query, filters, request.GET.get(PAGE_PARAM))
    if results.page is not None:
        with_links(results.page, request)
    chosen = {name: params[name] for name, attr in PARAMS.items() if getattr(filters, attr) not in ("", None)}

    def link(name: str, value: str | None) -> str:
        """The address of this search with facet `name` set to `value` (None: removed), from page 1."""
        wanted = {"q": query, **chosen}
        if value is None:
            wanted.pop(name, None)
        else:
            wanted[name] = value
        return "?" + urlencode(wanted)

    facets = []
    for name, heading in HEADINGS.items():
        values = results.facets.get(PARAMS[name], [])
        if values:
            complete = results.complete.get(PARAMS[name])
            facets.append(
                {
                    "name": name,
                    "heading": heading,
                    "values": [(v, link(name, None if v.selected else v.value)) for v in values],
                    "complete": complete,
                    # Back at the facet just opened (a keyboard user is not sent to the top of the page).
                    "every": link("visa", name) + f"#facett-{name}" if complete else None,
                }
            )
    keep = "&" + urlencode({"q": query, **chosen})
    # Nothing found within the chosen facet values (say a kind without hits, or a year without entries): the way
    # back to every hit of the query, in the same area, since a facet without hits lists no value to remove.
    narrowed = set(chosen) - {"omrade"}
    unfiltered = (
        "?" + urlencode({"q": query, **{k: v for k, v in chosen.items() if k == "omrade"}}) if narrowed else None
    )
    return render(
        request,
        "search/search.html",
        {
            "query": query,
            "results": results,
            "facets": facets,
            "keep": keep,
            "area": area,
            "everywhere": link("omrade", None) if area else None,
            "unfiltered": unfiltered,
            "reading": read(query),
            "crumbs": [(None, _("Sök"))],
            "search_query": query,
        },
    )
