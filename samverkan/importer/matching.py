"""Find the people and principals that minutes name among those already registered in the body's area."""

import re
import unicodedata
from collections import defaultdict
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone

from samverkan.structure.access import choosable_people
from samverkan.structure.models import Membership, Person, Principal

DASHES = re.compile(r"[\u2010-\u2015\u2212]")
# Words that say what kind of organisation a principal is, not which one ("Kungsbacka kommun" = "Kungsbacka").
GENERIC = {"kommun", "kommuns", "region", "regionen", "landsting", "landstinget", "län", "läns", "stad", "staden"}


def fold(text: str) -> str:
    """Case, dashes, punctuation at word ends and white space folded; å, ä and ö are kept (they are letters)."""
    text = DASHES.sub("-", unicodedata.normalize("NFKC", text or "")).casefold()
    return " ".join(word.strip(".,;:()") for word in text.split())


def name_key(name: str) -> tuple:
    """The words of a name in any order, so "Andersson Anna" finds Anna Andersson."""
    return tuple(sorted(fold(name).split()))


# Spellings that sound alike in Swedish names, applied after the diacritics are gone (order matters).
SPELLINGS = [("ph", "f"), ("th", "t"), ("ck", "k"), ("qu", "kv"), ("c", "k"), ("q", "k"), ("w", "v"), ("z", "s")]
DOUBLED = re.compile(r"(.)\1+")


def loose_word(word: str) -> str:
    """A word with diacritics and common spellings folded: "Wikström" and "Wikstrom" → "vikstrom",
    "Håkan" → "hakan", "Ericsson" → "eriksson" → "eriks" + "on" … (doubled letters made single)."""
    decomposed = unicodedata.normalize("NFKD", word.replace("ø", "o").replace("æ", "ae"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for written, said in SPELLINGS:
        plain = plain.replace(written, said)
    return DOUBLED.sub(r"\1", plain)


def loose_key(name: str) -> tuple:
    """`name_key` with diacritics and common spellings folded (`loose_word`): "Hakan Eriksson" and "Håkan
    Ericsson" share it. A match by this key only is a proposal the user confirms, never taken silently."""
    return tuple(sorted(loose_word(w) for w in fold(name).split()))


def principal_kind_hint(written: str) -> str | None:
    words = set(fold(written).split())
    if words & {"region", "regionen", "landsting", "landstinget"}:
        return Principal.Kind.REGION
    if words & {"kommun", "kommuns", "stad", "staden"}:
        return Principal.Kind.MUNICIPALITY
    return None


class NameMatch(NamedTuple):
    """Who a written name is (`Directory.person`): the person or None, whether several share the name, and
    whether the person was found only by a looser spelling (`loose_key`), so the match is a proposal."""

    person: Person | None
    ambiguous: bool  # several people have the name; `person` is the likeliest of them
    proposed: bool = False  # found by `loose_key` only: the user confirms it before it is used


class Directory:
    """The area's people, their seats in the body and the area's principals, read once per import.

    Given the importing `user`, only the people they may pick in a staff form (`structure.access.choosable_people`)
    are matched: a name that only someone else has (a person seated only in a body hidden from the user) finds no
    one, exactly like a name nobody has, so nothing of that person — not even that someone has the name — reaches
    the user or is linked by their import. Without a user (the command run by the operator) everyone of the area
    is matched."""

    def __init__(self, body, user=None):
        self.body = body
        people = (
            Person.objects.filter(Q(memberships__body__area_id=body.area_id) | Q(employer__area_id=body.area_id))
            .distinct()
            .select_related("employer")
            .order_by("pk")
        )
        choosable = None if user is None else set(choosable_people(user, body.area).values_list("pk", flat=True))
        self.by_name = defaultdict(list)
        self.by_loose = defaultdict(list)
        for person in people:
            if choosable is not None and person.pk not in choosable:
                continue  # as if they did not exist: their existence is not the user's to know
            self.by_name[name_key(person.name)].append(person)
            self.by_loose[loose_key(person.name)].append(person)
        today = timezone.localdate()
        self.seats = {}
        for seat in Membership.objects.filter(body=body).select_related("principal").order_by("pk"):
            held = self.seats.get(seat.person_id)
            # A current seat says more than an ended one.
            if held is None or (seat.is_current(today) and not held.is_current(today)):
                self.seats[seat.person_id] = seat
        self.principals = list(Principal.objects.filter(area_id=body.area_id).order_by("pk"))

    def seat(self, person):
        return self.seats.get(person.pk) if person and person.pk else None

    def person(self, name: str, principal: Principal | None = None) -> NameMatch:
        """`NameMatch(person or None, ambiguous, proposed)`: ambiguous when several people have that name
        and one was chosen; proposed when no one has the name as written but someone has it spelt another way; never
        hidden (see the class)."""
        found = self.by_name.get(name_key(name), [])
        proposed = False
        if not found:
            found = [p for p in self.by_loose.get(loose_key(name), []) if p.pk is not None]
            proposed = bool(found)
        if not found:
            return NameMatch(None, False, False)
        if len(found) < 2:
            return NameMatch(found[0], False, proposed)
        seated = [p for p in found if p.pk in self.seats] or found
        if principal is not None:
            seated = [p for p in seated if p.employer_id == principal.pk] or seated
        return NameMatch(seated[0], len(seated) > 1, proposed)

    def remember(self, person):
        """A person created during the import is found by the next mention of the same name."""
        self.by_name[name_key(person.name)].append(person)
        self.by_loose[loose_key(person.name)].append(person)

    def principal(self, written: str | None):
        if not written:
            return None
        folded = fold(written)
        exact = [p for p in self.principals if fold(p.name) == folded]
        if exact:
            return exact[0]
        core = tuple(w for w in folded.split() if w not in GENERIC)
        if not core:
            return None
        found = [p for p in self.principals if tuple(w for w in fold(p.name).split() if w not in GENERIC) == core]
        hint = principal_kind_hint(written)
        if len(found) > 1 and hint:
            found = [p for p in found if p.kind == hint]
        return found[0] if len(found) == 1 else None
