"""Addresses of one view for many records, reversed once.

`reverse` walks the URL resolver and quotes every argument: about 20 µs a call, which a list of a hundred rows
with two or four links a row pays on every request. `Address` reverses the view once, with marks standing in for
its arguments (digits for an int, letters and digits for a slug), and fills each record's values into the pieces
around them.
"""

import re
from collections.abc import Callable

from django.urls import reverse

# Stand in for a view's arguments while its address is reversed: no address holds these otherwise. An int's mark is
# digits (which an int converter and a slug converter take), a slug's holds letters too (an int converter refuses
# it, so a slug given for an int raises NoReverseMatch as `reverse` would).
MARKS = tuple(str(7_654_321_000 + n) for n in range(4))
SLUG_MARKS = tuple(f"zq{mark}" for mark in MARKS)
# A slug as Django's slug converter takes it: `reverse` leaves it unquoted, so it is filled in as written.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class Address:
    """`Address("followthrough:item")(12)` == `reverse("followthrough:item", args=[12])`, for views whose arguments
    are ints and slugs (at most `len(MARKS)`; `Address("portal:body")("norrlanda", "styrelsen")`). The view is
    reversed once for each pattern of argument types and passed through `finish` (e.g. `request.build_absolute_uri`)
    once. Make one per request or per list, not at import: the script prefix and the URLconf are the request's.
    Raises NoReverseMatch like `reverse` when the view, the number of arguments or a slug for an int is wrong, and
    TypeError for an argument that is neither an int nor a slug (a bool, an int subclass, a string with other
    characters)."""

    def __init__(self, name: str, *, finish: Callable[[str], str] | None = None):
        self.name = name
        self.finish = finish
        self._parts: dict[tuple[bool, ...], list[str]] = {}

    def __call__(self, *args: int | str) -> str:
        kinds = tuple(self._is_slug(arg) for arg in args)
        parts = self._parts.get(kinds) or self._reverse(kinds)
        filled = [parts[0]]
        for arg, part in zip(args, parts[1:], strict=True):
            filled += [str(arg), part]
        return "".join(filled)

    def _is_slug(self, arg: object) -> bool:
        if type(arg) is int:
            return False
        if type(arg) is str and SLUG.fullmatch(arg):
            return True
        raise TypeError(f"{self.name}: the arguments of an Address are ints and slugs, not {arg!r}")

    def _reverse(self, kinds: tuple[bool, ...]) -> list[str]:
        if len(kinds) > len(MARKS):
            raise TypeError(f"{self.name}: at most {len(MARKS)} arguments, not {len(kinds)}")
        marks = [SLUG_MARKS[n] if slug else MARKS[n] for n, slug in enumerate(kinds)]
        address = reverse(self.name, args=marks)
        parts = [self.finish(address) if self.finish else address]
        for mark in marks:  # in the order the address holds them
            *before, last = parts
            head, found, tail = last.partition(mark)
            if not found:  # a converter that changed the value: no way to fill it in
                raise TypeError(f"{self.name}: its address does not hold its argument as written")
            parts = [*before, head, tail]
        self._parts[kinds] = parts
        return parts


class WebAddressed:
    """A model with a public page: it names the page's view and arguments (`web_address`, ints and slugs), and
    `get_absolute_url` reverses them, so a list of such records can fill them into one `Address` instead."""

    def web_address(self) -> tuple[str, tuple[str | int, ...]]:
        raise NotImplementedError

    def get_absolute_url(self) -> str:
        name, args = self.web_address()
        return reverse(name, args=args)
