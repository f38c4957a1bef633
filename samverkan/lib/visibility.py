"""One ordered visibility for every record: public < internal < confidential (DESIGN.md §4).

Bodies and meetings use the first two levels, agenda items and documents all three. Who may read which
level is decided in the apps' `access.py` from the one grant table there; this module only knows the order.
"""

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Visibility(models.TextChoices):
    """How open a record is. Ordered: a later member is stricter.

    Public follows offentlighetsprincipen (TF 2:1); confidential is for what is covered by secrecy
    (OSL, offentlighets- och sekretesslagen 2009:400) and is read only by named readers and the people who
    keep the body's records.
    """

    PUBLIC = "public", _("Offentlig")
    INTERNAL = "internal", _("Intern (endast organets medlemmar)")
    CONFIDENTIAL = "confidential", _("Sekretess (endast namngivna läsare, sekreterare och samordnare)")

    @property
    def rank(self) -> int:
        """0 for public, 1 for internal, 2 for confidential."""
        return _ORDER.index(self)

    @classmethod
    def of(cls, value: "str | Visibility") -> "Visibility":
        """The member for a stored value; ValueError for anything else."""
        return cls(value)

    @classmethod
    def stricter(cls, *levels: "str | Visibility") -> "Visibility":
        """The most closed of `levels` (stored values or members); public when none are given, and an unknown
        value (say, from an old stored version) counts as confidential, so a doubt always closes.

        A document on an internal item of a public meeting is internal: `stricter(document, item, meeting)`.
        """
        known = set(cls.values)
        return max(
            (cls.of(level) if level in known else cls.CONFIDENTIAL for level in levels),
            key=lambda v: v.rank,
            default=cls.PUBLIC,
        )

    @classmethod
    def up_to(cls, clearance: "str | Visibility") -> list["Visibility"]:
        """Every level a reader cleared for `clearance` may read, in order: the queryset side of `allows`."""
        return list(_ORDER[: cls.of(clearance).rank + 1])

    @classmethod
    def allows(cls, clearance: "str | Visibility", level: "str | Visibility") -> bool:
        """Whether a reader cleared for `clearance` may read a record marked `level`: the Python side of `up_to`."""
        return cls.of(level) in cls.up_to(clearance)

    @classmethod
    def choices_up_to(cls, strictest: "str | Visibility") -> list[tuple[str, "StrOrPromise"]]:
        """Form and model choices for records that cannot be stricter than `strictest` (bodies, meetings)."""
        return [(level.value, level.label) for level in cls.up_to(strictest)]


_ORDER: tuple[Visibility, ...] = (Visibility.PUBLIC, Visibility.INTERNAL, Visibility.CONFIDENTIAL)
