"""Addresses of one view for many records, reversed once.

`reverse` walks the URL resolver and quotes every argument: about 20 µs a call, which a list of a hundred rows
with two or four links a row pays on every request. `Address` reverses the view once, with marks standing in for
its integer arguments, and fills each record's numbers into the pieces around them.
"""

from collections.abc import Callable

from django.urls import reverse

# Stand in for a view's integer arguments while its address is reversed: no address holds these digits otherwise.
MARKS = tuple(str(7_654_321_000 + n) for n in range(4))


class Address:
    """`Address("followthrough:item")(12)` == `reverse("followthrough:item", args=[12])`, for views whose arguments
    are all integers (at most `len(MARKS)`). The view is reversed on the first call and passed through `finish`
    (e.g. `request.build_absolute_uri`) once. Make one per request or per list, not at import: the script prefix
    and the URLconf are the request's. Raises NoReverseMatch like `reverse` when the view or the number of
    arguments is wrong, and TypeError for an argument that is no int."""

    def __init__(self, name: str, *, finish: Callable[[str], str] | None = None):
        self.name = name
        self.finish = finish
        self._parts: dict[int, list[str]] = {}

    def __call__(self, *args: int) -> str:
        if any(type(arg) is not int for arg in args):
            raise TypeError(f"{self.name}: the arguments of an Address are ints, not {args!r}")
        parts = self._parts.get(len(args)) or self._reverse(len(args))
        filled = [parts[0]]
        for arg, part in zip(args, parts[1:], strict=True):
            filled += [str(arg), part]
        return "".join(filled)

    def _reverse(self, count: int) -> list[str]:
        if count > len(MARKS):
            raise TypeError(f"{self.name}: at most {len(MARKS)} arguments, not {count}")
        marks = MARKS[:count]
        address = reverse(self.name, args=marks)
        parts = [self.finish(address) if self.finish else address]
        for mark in marks:  # in the order the address holds them
            *before, last = parts
            head, found, tail = last.partition(mark)
            if not found:  # a converter that changed the number: no way to fill it in
                raise TypeError(f"{self.name}: its address does not hold its argument as written")
            parts = [*before, head, tail]
        self._parts[count] = parts
        return parts
