"""Agenda item numbers: continuous § per body and year, or 1, 2, 3 per meeting.

With continuous numbering (one paragraph series per body and calendar year; the law asks for minutes, not for
a numbering scheme, but a § number is how registrars, appeals and courts cite one decision for good) the
numbers follow the meetings' dates and are unique in the series:

- On the agenda they are *provisional*: `propose_number` offers the next number after the meetings held or
  planned earlier that year, and whenever a meeting's agenda changes or a meeting is cancelled (which
  releases its numbers), `settle_series` renumbers the body's *later* provisional agendas so they follow on.
- They are *fixed* when the minutes are sent for adjustment (`fix_numbers`, from the workflow step): the
  meeting's items are numbered on from the highest number before it and get `series_body`/`series_year`,
  on which a unique constraint makes (body, year, number) unique in the database; later provisional agendas
  are renumbered after them.

Numbers are digits (`clean_number`: "§ 40" gives "40"); per-meeting numbering also allows sub-items ("2.1")
and a letter ("2a").
"""

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.lib.history import save_with_history
from samverkan.lib.text import is_digits
from samverkan.structure.models import Body

if TYPE_CHECKING:
    from samverkan.lib.history import Changer
    from samverkan.meetings.models import AgendaItem, Meeting

LEADING_NUMBER = re.compile(r"\d+")
# "§ 40", "§§ 40", "40.", " 40 " all mean 40; what is left must be digits (or 2.1 / 2a per meeting).
DECORATION = re.compile(r"^[\s§]*(.*?)[\s.]*$", re.DOTALL)
PARAGRAPH = re.compile(r"[0-9]{1,6}")
PER_MEETING = re.compile(r"[0-9]{1,6}(\.[0-9]{1,4})*[a-z]?")


def _leading(number):
    match = LEADING_NUMBER.search(number or "")
    return int(match.group()) if match else 0


def is_continuous(body: Body) -> bool:
    """Whether the body numbers its items as one § series per calendar year."""
    return body.numbering == Body.Numbering.CONTINUOUS


def clean_number(text: str | None, *, continuous: bool, typed: bool = True) -> str:
    """The number as stored: "§ 40" → "40", "007" → "7", " 2.1 " → "2.1" (per meeting).

    A continuous § number `typed` by a user is a whole number; old minutes brought in by the importer may keep
    "12a" or "2.1" (`typed=False`), which stay outside the fixed series. Raises ValidationError with a Swedish
    message for anything else ("abc", "4-5", "", "0")."""
    raw = DECORATION.match(text or "")
    number = raw.group(1).lower() if raw else ""
    if PARAGRAPH.fullmatch(number) and int(number) > 0:
        return str(int(number))
    if continuous and typed:
        raise ValidationError(_("Paragrafnumret ska vara ett heltal, t.ex. 40 (utan §)."), code="number")
    if not PER_MEETING.fullmatch(number) or _leading(number) == 0:
        raise ValidationError(_("Numret ska vara siffror, t.ex. 3 eller 2.1."), code="number")
    return number


def paragraph_label(number: object, continuous: bool, space: str = " ") -> str:
    """How an item number is shown: "§ 40" in a continuous series, "2.1" otherwise; a stored "§ 40" (old
    data, an old minutes version) is never shown as "§ § 40". `space` goes between § and the number (pages
    use a no-break space)."""
    raw = DECORATION.match(str(number or ""))
    bare = raw.group(1) if raw else ""
    return f"§{space}{bare}" if continuous and bare else bare


def meeting_year(meeting):
    """The calendar year a meeting belongs to: its first day's, else its plan's, else this year."""
    first = _first_day(meeting)
    if first is not None:
        return first.year
    return meeting.plan_year or timezone.localdate().year


def _first_day(meeting):
    first = getattr(meeting, "first_day", None)
    if first is None and meeting.pk:
        day = meeting.days.order_by("date").first()
        first = day.date if day else None
    return first


def _series(body_id, year):
    """The body's meetings of `year` that hold numbers (not cancelled), in date order, items prefetched."""
    from django.db.models import Prefetch

    from samverkan.meetings.models import AgendaItem, Meeting

    return list(
        Meeting.objects.all()
        .filter(body_id=body_id, first_day__year=year)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("first_day", "pk")
        .prefetch_related(Prefetch("items", queryset=AgendaItem.objects.order_by("position", "pk")))
    )


def series_start(body_id: int, year: int) -> int:
    """Where the body's § series of `year` starts: 1, unless Samverkan was taken into use mid-year and the year's
    first agenda was numbered on from minutes kept elsewhere (say § 23). That start is the lowest number any of
    the body's meetings of the year was given, cancelled ones included (a cancelled meeting holds no numbers,
    but the meeting after it starts the series where it would have). One query."""
    from samverkan.meetings.models import AgendaItem, Meeting

    meetings = Meeting.objects.all().filter(body_id=body_id, first_day__year=year)
    numbers = AgendaItem.objects.filter(meeting__in=meetings.values("pk")).values_list("number", flat=True)
    return min((_leading(n) for n in numbers if _leading(n) > 0), default=1)


def propose_number(meeting):
    """The number the next item of `meeting` should get, as text ("15", or "3" per meeting).

    Continuous: one more than the highest number of the body's meetings (not cancelled) dated on or before
    this one in its year, and of its own items; the year's series start (`series_start`) when there is none.
    A meeting without days counts the whole year."""
    from samverkan.meetings.models import AgendaItem, Meeting

    if is_continuous(meeting.body):
        year, first = meeting_year(meeting), _first_day(meeting)
        meetings = (
            Meeting.objects.all()
            .filter(body_id=meeting.body_id, first_day__year=year)
            .exclude(status=Meeting.Status.CANCELLED)
        )
        if first is not None:
            meetings = meetings.filter(first_day__lte=first)
        numbers = AgendaItem.objects.filter(meeting__in=meetings.values("pk")).values_list("number", flat=True)
        if meeting.pk:
            # A meeting without days yet still counts its own items.
            numbers = list(numbers) + list(meeting.items.values_list("number", flat=True))
        highest = max((_leading(n) for n in numbers), default=0)
        return str(highest + 1 if highest else series_start(meeting.body_id, year))
    numbers = meeting.items.values_list("number", flat=True) if meeting.pk else []
    return str(max((_leading(n) for n in numbers), default=0) + 1)


class Renumbered(NamedTuple):
    """One item whose provisional number `settle_series` changed."""

    item: "AgendaItem"
    old: str
    new: str


def _is_fixed(meeting, items):
    """Numbers sent for adjustment (or imported, adjusted, published) stay as they are."""
    from samverkan.meetings.models import Meeting

    sent = meeting.status in (Meeting.Status.DRAFTED, Meeting.Status.ADJUSTED, Meeting.Status.PUBLISHED)
    return sent or any(item.series_year is not None for item in items)


def _renumber(items: Sequence["AgendaItem"], start: int, user: "Changer") -> list[Renumbered]:
    """Give `items` the numbers start, start+1, … in their order; history rows say from what. Two passes, so the
    (meeting, number) and series constraints never see two items with one number."""
    from samverkan.meetings.models import AgendaItem

    wanted = {item.pk: str(start + n) for n, item in enumerate(items)}
    changing = [item for item in items if item.number != wanted[item.pk]]
    if not changing:
        return []
    for item in changing:
        AgendaItem.objects.filter(pk=item.pk).update(number=f"~{item.pk}")
    changed = []
    for item in changing:
        old, item.number = item.number, wanted[item.pk]
        reason = _("Omnumrerat från %(old)s till %(new)s") % {"old": old, "new": item.number}
        save_with_history(item, user, reason[:100], clean=False)
        changed.append(Renumbered(item, old, item.number))
    return changed


def settle_series(meeting: "Meeting", user: "Changer", *, own: bool = False, fixing: bool = False) -> list[Renumbered]:
    """Renumber the provisional agendas of the body's meetings after `meeting` (and, with `own` or `fixing`, the
    meeting's own) so that the year's § numbers follow the meetings' dates without gaps or repeats.

    Meetings before `meeting` keep their numbers and reserve them; meetings whose numbers are fixed keep them;
    a cancelled meeting holds none. When `fixing`, the meeting's numbers may not reach a later meeting's fixed
    ones: that raises ValidationError (Swedish). Does nothing for per-meeting numbering or a meeting without
    days. Call inside a transaction holding the meeting's row lock; two queries to read the year, then one
    update and one save per changed item."""
    first = _first_day(meeting)
    if not is_continuous(meeting.body) or first is None:
        return []
    key = (first, meeting.pk)
    changed: list[Renumbered] = []
    running: int | None = None
    for other in _series(meeting.body_id, first.year):
        items = list(other.items.all())
        if not items:
            continue
        later = (other.first_day, other.pk) > key
        if other.pk == meeting.pk:
            touch = fixing or (own and not _is_fixed(other, items))
        else:
            touch = later and not _is_fixed(other, items)
        numbers = [int(item.number) for item in items if is_digits(item.number)]
        if not touch:
            if fixing and later and running is not None and numbers and min(numbers) <= running:
                raise ValidationError(
                    _(
                        "Paragraferna kan inte fastställas: mötet %(date)s har redan fastställt § %(number)s. "
                        "Numren måste följa mötenas datum."
                    )
                    % {"date": other.first_day.isoformat(), "number": min(numbers)}
                )
            running = max([running or 0, *numbers])
            continue
        if running is None:
            # The year's first meeting that holds numbers starts the series (at 1, or mid-year at go-live),
            # whatever a cancelled meeting before it had been given.
            start = series_start(meeting.body_id, first.year)
        else:
            start = running + 1
        changed += _renumber(items, start, user)
        running = start + len(items) - 1
    return changed


def fix_numbers(meeting: "Meeting", user: "Changer") -> list[Renumbered]:
    """Fix the § numbers of `meeting`'s items (the minutes are sent for adjustment): number them on from the
    highest number before the meeting, mark them as part of the body's series for the year (which the unique
    constraint then guards) and renumber the later provisional agendas. Per-meeting numbering: nothing to do.

    Raises ValidationError when a later meeting already has fixed numbers in the way."""
    from samverkan.meetings.models import AgendaItem

    if not is_continuous(meeting.body) or _first_day(meeting) is None:
        return []
    changed = settle_series(meeting, user, fixing=True)
    AgendaItem.objects.filter(meeting=meeting).update(series_body=meeting.body_id, series_year=meeting_year(meeting))
    return changed


def claim_numbers(meeting: "Meeting", user: "Changer" = None) -> list[Renumbered]:
    """Fix the numbers of `meeting`'s items as they are written (imported minutes keep their § numbers), in a
    body with continuous numbering, and renumber the body's later provisional agendas after them (by `user`).
    Raises ValidationError (Swedish, naming the numbers) when another meeting of the body already has any of
    them fixed in that year; per-meeting numbering: nothing to do. Returns the renumbered items."""
    from samverkan.meetings.models import AgendaItem

    if not is_continuous(meeting.body) or _first_day(meeting) is None:
        return []
    year = meeting_year(meeting)
    items = meeting.items.all()
    taken = sorted(
        AgendaItem.objects.filter(series_body_id=meeting.body_id, series_year=year)
        .filter(number__in=items.values("number"))
        .exclude(meeting=meeting)
        .values_list("number", flat=True),
        key=_leading,
    )
    if taken:
        raise ValidationError(
            _("%(numbers)s finns redan i organets protokoll för %(year)s. Inget har sparats.")
            % {"numbers": ", ".join(f"§ {n}" for n in taken), "year": year}
        )
    # "12a" of old minutes is kept as written but stays outside the series (only whole numbers are fixed).
    fixable = [item.pk for item in items if PARAGRAPH.fullmatch(item.number)]
    items.filter(pk__in=fixable).update(series_body=meeting.body_id, series_year=year)
    return settle_series(meeting, user)


# Typed provisional numbers -------------------------------------------------------------------------------------


class Placement(NamedTuple):
    """Where a typed § number puts an item on its meeting's provisional agenda: at `at` (0-based) among the
    meeting's other items, which are then numbered from `start`."""

    at: int
    start: int


def _holder(meetings, number, exclude):
    """The first meeting in `meetings` (other than `exclude`) with an item numbered `number`, or None."""
    for other in meetings:
        if other.pk != exclude and any(_leading(item.number) == number for item in other.items.all()):
            return other
    return None


def place_typed_number(meeting: "Meeting", item: "AgendaItem", typed: str) -> Placement | None:
    """Where the § number `typed` (digits, as clean_number stores it) puts `item` (new or changed) on `meeting`'s
    provisional agenda in a continuous series, or None when the numbers are not provisional there (per-meeting
    numbering, a meeting without days, fixed numbers), so the number is taken as typed.

    The rule: a provisional agenda's numbers run on from the meetings before it in the year without gaps, in the
    agenda's order. A number within this meeting's run (or one past its end) puts the item at that place and
    the items from there move on by one; the year's first meeting may also start the series lower (Samverkan
    taken into use mid-year). A number held by another meeting, or past the end, raises ValidationError
    (Swedish) naming the meeting and the numbers this one may take. Two queries."""
    first = _first_day(meeting)
    if not is_continuous(meeting.body) or first is None or not is_digits(typed):
        return None
    wanted = int(typed)
    series = _series(meeting.body_id, first.year)
    own = next((m for m in series if m.pk == meeting.pk), None)
    if own is None or _is_fixed(own, list(own.items.all())):
        return None
    others = [other for other in own.items.all() if other.pk != item.pk]
    key = (own.first_day, own.pk)
    earlier = [int(i.number) for m in series if (m.first_day, m.pk) < key for i in m.items.all() if is_digits(i.number)]
    if earlier:
        start = max(earlier) + 1
    elif others:
        start = min(_leading(other.number) for other in others) or 1
        if wanted < start:
            return Placement(0, wanted)  # the year's first agenda: the series now starts lower
    else:
        return Placement(0, wanted)  # the year's first number: the series starts here
    last = start + len(others)
    if start <= wanted <= last:
        return Placement(wanted - start, start)
    holder = _holder(series, wanted, own.pk)
    allowed = {"first": start, "last": last}
    if holder is not None:
        message = _(
            "§ %(number)s hör till mötet %(date)s. Paragraferna följer mötenas datum, så ärendet kan här få "
            "§ %(first)s–%(last)s (det läggs in på den platsen och ärendena efter flyttas ett steg)."
        ) % {"number": wanted, "date": holder.first_day.isoformat(), **allowed}
    else:
        message = _(
            "§ %(number)s skulle lämna en lucka i numreringen. Ärendet kan här få § %(first)s–%(last)s (det läggs "
            "in på den platsen och ärendena efter flyttas ett steg)."
        ) % {"number": wanted, **allowed}
    raise ValidationError(message, code="number")


def make_room(meeting: "Meeting", item: "AgendaItem", placement: Placement) -> list[tuple["AgendaItem", str]]:
    """Before `item` is saved with its typed number: set the agenda's order (`item` at `placement.at`, its
    `position` set on the instance) and move the meeting's other items out of the way of that number (a
    temporary "~pk", so the constraint never sees two items with one number). Returns the other items in their
    new order with the numbers they had, for `close_up`. Under the meeting's row lock."""
    from samverkan.meetings.models import AgendaItem

    others = list(AgendaItem.objects.filter(meeting=meeting).exclude(pk=item.pk).order_by("position", "pk"))
    order: list[AgendaItem | None] = [*others[: placement.at], None, *others[placement.at :]]
    item.position = placement.at + 1
    kept = []
    for position, other in enumerate(order, start=1):
        if other is None:
            continue
        AgendaItem.objects.filter(pk=other.pk).update(number=f"~{other.pk}", position=position)
        other.position = position
        kept.append((other, other.number))
    return kept


def close_up(kept: list[tuple["AgendaItem", str]], placement: Placement, user: "Changer") -> list[Renumbered]:
    """After `make_room` and the save: number the other items on from `placement.start` around the placed one;
    each changed number gets a history row ("Omnumrerat från 5 till 6"), an unchanged one is put back."""
    from samverkan.meetings.models import AgendaItem

    changed = []
    for n, (other, old) in enumerate(kept):
        new = str(placement.start + n + (1 if n >= placement.at else 0))
        if new == old:
            AgendaItem.objects.filter(pk=other.pk).update(number=old)
            continue
        other.number = new
        reason = _("Omnumrerat från %(old)s till %(new)s") % {"old": old, "new": new}
        save_with_history(other, user, reason[:100], clean=False)
        changed.append(Renumbered(other, old, new))
    return changed


def describe(changes: Sequence[tuple[str, str]]) -> str:
    """Renumberings as Swedish text, runs folded: [("5", "6"), ("6", "7"), ("9", "8")] → "§ 5–6 är nu § 6–7,
    § 9 är nu § 8". At most ten runs, then "…"."""
    pairs = sorted(((_leading(old), _leading(new)) for old, new in changes), key=lambda pair: pair[0])
    runs: list[list[int]] = []
    for old, new in pairs:
        if runs and old == runs[-1][1] + 1 and new == runs[-1][3] + 1:
            runs[-1][1], runs[-1][3] = old, new
        else:
            runs.append([old, old, new, new])
    texts = [
        _("§ %(old)s är nu § %(new)s") % {"old": f"{a}–{b}" if a != b else a, "new": f"{c}–{d}" if c != d else c}
        for a, b, c, d in runs[:10]
    ]
    return ", ".join(texts) + (" …" if len(runs) > 10 else "")


def renumbered_since_sent(meeting: "Meeting", items: Sequence["AgendaItem"] | None = None) -> list[tuple[str, str]]:
    """The (number then, number now) of `meeting`'s items (`items` if the caller has them, in agenda order)
    whose § number changed after its agenda last went out (the invitation or the agenda's publishing, whichever
    is later); empty when it has not gone out. Members hold the agenda as it was sent. One query (two without
    `items`)."""
    from samverkan.meetings.models import AgendaItem

    sent = max((t for t in (meeting.invited_at, meeting.agenda_published_at) if t), default=None)
    if sent is None or not meeting.pk:
        return []
    then: dict[int, str] = {}
    rows = (
        AgendaItem.history.filter(meeting_id=meeting.pk, history_date__lte=sent)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "number", "history_type")
    )
    for pk, number, kind in rows:
        if kind == "-":
            then.pop(pk, None)
        else:
            then[pk] = number
    if items is None:
        items = list(meeting.items.order_by("position", "pk"))
    now = [(item.pk, item.number) for item in items]
    return [(then[pk], number) for pk, number in now if pk in then and then[pk] != number]
