"""Atom feeds of published minutes and of the decisions in them, per area and per public body, beside the iCal
feeds. The notice board's machinery (notice_board.py): Django's syndication framework, tag: ids that never
change, ETag/Last-Modified from the data (a matching conditional GET answers 304 without building the feed).

Only what anyone may read: published minutes of public meetings of public bodies (`public_meetings`), and of
those only public items; the latest `FEED_SIZE` entries."""

from typing import NamedTuple

from django.contrib.syndication.views import Feed
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samverkan.lib.caching import conditional_answer, with_validators
from samverkan.lib.visibility import Visibility
from samverkan.meetings.access import public_meetings
from samverkan.meetings.models import AgendaItem, Meeting, MinutesVersion
from samverkan.meetings.notice_board import FEED_SIZE, FEED_TAG_DATE, tag_uri
from samverkan.meetings.numbering import paragraph_label
from samverkan.meetings.public import feed_version
from samverkan.structure.models import Area, Body


class FeedScope(NamedTuple):
    """What a feed covers: an area, or one public body of it."""

    area: Area
    body: Body | None = None

    @property
    def name(self) -> str:
        return self.body.name if self.body else self.area.name

    @property
    def key(self) -> str:
        """The scope in a tag: id ("omrade/3" or "organ/7")."""
        return f"organ/{self.body.pk}" if self.body else f"omrade/{self.area.pk}"

    def of(self, meetings: QuerySet[Meeting], prefix: str = "") -> QuerySet[Meeting]:
        """`meetings` (or records reaching a meeting through `prefix`, e.g. "meeting__") in this scope."""
        if self.body is not None:
            return meetings.filter(**{f"{prefix}body": self.body})
        return meetings.filter(**{f"{prefix}body__area": self.area})

    def page(self) -> str:
        if self.body is not None:
            return self.body.get_absolute_url()
        return reverse("meetings_public:area", args=[self.area.slug])


def published_in(scope: FeedScope) -> QuerySet[Meeting]:
    """Published minutes of public meetings of public bodies in `scope`. No query."""
    return scope.of(public_meetings().filter(status=Meeting.Status.PUBLISHED))


def decided_items(scope: FeedScope) -> QuerySet[AgendaItem]:
    """Public items with an outcome or a decision in `scope`'s published minutes, latest published first, with
    their meeting, body, area and first day. No query."""
    items = AgendaItem.objects.filter(
        visibility=Visibility.PUBLIC, meeting__in=published_in(scope).values("pk")
    ).exclude(Q(outcome="") & Q(decision=""))
    return (
        items.select_related("meeting__body__area")
        .annotate(first_day=F("meeting__first_day"))
        .order_by("-meeting__published_at", "-meeting_id", "position", "pk")
    )


def _day(value: object) -> str:
    return value.isoformat() if value else ""  # type: ignore[attr-defined]  # a date or None


class ScopedFeed(Feed):
    """An Atom feed of a `FeedScope` (given by the view): its page is the scope's page, its id a tag: of `kind`
    and the scope, its entries' ids are tags too (not permalinks)."""

    feed_type = Atom1Feed
    kind = ""  # the tag's word for what the feed carries
    item_guid_is_permalink = False

    def get_object(self, request: HttpRequest, scope: FeedScope) -> FeedScope:
        return scope

    def link(self, scope: FeedScope) -> str:
        return scope.page()

    def feed_guid(self, scope: FeedScope) -> str:
        return tag_uri(FEED_TAG_DATE, f"{self.kind}/{scope.key}")


class MinutesFeed(ScopedFeed):
    """The latest `FEED_SIZE` published minutes of a `FeedScope`, newest first; each entry lists the public
    items. Three queries (the meetings, their public items, none per entry)."""

    kind = "protokoll"

    def title(self, scope: FeedScope) -> str:
        return _("Protokoll – %(name)s") % {"name": scope.name}

    def subtitle(self, scope: FeedScope) -> str:
        return _("Publicerade protokoll från %(name)s.") % {"name": scope.name}

    def items(self, scope: FeedScope) -> list[Meeting]:
        public_items = AgendaItem.objects.filter(visibility=Visibility.PUBLIC).order_by("position", "pk")
        meetings = (
            published_in(scope)
            .select_related("body__area")
            .prefetch_related(Prefetch("items", queryset=public_items.only("meeting", "number", "title")))
            .order_by("-published_at", "-pk")
        )
        return list(meetings[:FEED_SIZE])

    def item_title(self, meeting: Meeting) -> str:
        return _("Protokoll från %(body)s %(date)s") % {
            "body": meeting.body.name,
            "date": _day(getattr(meeting, "first_day", None)),
        }

    def item_description(self, meeting: Meeting) -> str:
        continuous = meeting.body.numbering == "continuous"
        titles = [f"{paragraph_label(i.number, continuous)} {i.title}".strip() for i in meeting.items.all()]
        published = timezone.localdate(meeting.published_at) if meeting.published_at else None
        head = _("Protokollet publicerades %(date)s.") % {"date": _day(published)}
        return " ".join([head, *(f"{t}." for t in titles)])

    def item_link(self, meeting: Meeting) -> str:
        return meeting.get_absolute_url()

    def item_guid(self, meeting: Meeting) -> str:
        return tag_uri(FEED_TAG_DATE, f"protokoll/{meeting.pk}")

    def item_pubdate(self, meeting: Meeting):
        return meeting.published_at

    def item_updateddate(self, meeting: Meeting):
        return meeting.published_at


class DecisionsFeed(ScopedFeed):
    """The latest `FEED_SIZE` decisions (public items with an outcome or a decision) of a `FeedScope`'s
    published minutes. Two queries."""

    kind = "beslut"

    def title(self, scope: FeedScope) -> str:
        return _("Beslut – %(name)s") % {"name": scope.name}

    def subtitle(self, scope: FeedScope) -> str:
        return _("Beslut i publicerade protokoll från %(name)s.") % {"name": scope.name}

    def items(self, scope: FeedScope) -> list[AgendaItem]:
        return list(decided_items(scope)[:FEED_SIZE])

    def item_title(self, item: AgendaItem) -> str:
        meeting = item.meeting
        number = paragraph_label(item.number, meeting.body.numbering == "continuous")
        return _("%(number)s %(title)s (%(body)s %(date)s)") % {
            "number": number,
            "title": item.title,
            "body": meeting.body.name,
            "date": _day(getattr(item, "first_day", None)),
        }

    def item_description(self, item: AgendaItem) -> str:
        outcome = str(dict(AgendaItem.Outcome.choices).get(item.outcome, "")) if item.outcome else ""
        return "\n".join(part for part in (outcome, item.decision) if part)

    def item_link(self, item: AgendaItem) -> str:
        return f"{item.meeting.get_absolute_url()}#punkt-{item.pk}"

    def item_guid(self, item: AgendaItem) -> str:
        return tag_uri(FEED_TAG_DATE, f"beslut/{item.pk}")

    def item_pubdate(self, item: AgendaItem):
        return item.meeting.published_at

    def item_updateddate(self, item: AgendaItem):
        return item.meeting.published_at


_minutes, _decisions = MinutesFeed(), DecisionsFeed()


def minutes_version(scope: FeedScope) -> tuple[str, object]:
    """(ETag, Last-Modified) of `scope`'s feeds: `public.feed_version` of its meetings and bodies, and its stored
    minutes versions (a correction changes the tag). Three small queries."""
    meetings = scope.of(Meeting.objects.all())
    bodies = Body.objects.filter(pk=scope.body.pk) if scope.body else Body.objects.filter(area=scope.area)
    etag, modified = feed_version(meetings, bodies)
    stored = MinutesVersion.objects.filter(meeting__in=meetings.values("pk")).aggregate(
        n=Count("pk"), at=Max("created_at")
    )
    if stored["at"] is not None and (modified is None or stored["at"] > modified):
        modified = stored["at"]
    return f'"{etag.strip(chr(34))}-{stored["n"]}"', modified


def _answer(request: HttpRequest, feed: Feed, scope: FeedScope) -> HttpResponse:
    etag, modified = minutes_version(scope)
    if not_modified := conditional_answer(request, etag, modified):  # type: ignore[arg-type]
        return not_modified
    return with_validators(feed(request, scope=scope), etag, modified)  # type: ignore[arg-type]


def _public_body(area: str, body: str) -> Body:
    return get_object_or_404(
        Body.objects.select_related("area"), area__slug=area, slug=body, visibility=Visibility.PUBLIC
    )


@require_safe
def area_minutes_feed(request: HttpRequest, area: str) -> HttpResponse:
    """`/omrade/<area>/protokoll.atom`: the area's published minutes (`MinutesFeed`)."""
    return _answer(request, _minutes, FeedScope(get_object_or_404(Area, slug=area)))


@require_safe
def area_decisions_feed(request: HttpRequest, area: str) -> HttpResponse:
    """`/omrade/<area>/beslut.atom`: the decisions in the area's published minutes (`DecisionsFeed`)."""
    return _answer(request, _decisions, FeedScope(get_object_or_404(Area, slug=area)))


@require_safe
def body_minutes_feed(request: HttpRequest, area: str, body: str) -> HttpResponse:
    """`/omrade/<area>/organ/<body>/protokoll.atom`: a public body's published minutes; 404 for another body."""
    found = _public_body(area, body)
    return _answer(request, _minutes, FeedScope(found.area, found))


@require_safe
def body_decisions_feed(request: HttpRequest, area: str, body: str) -> HttpResponse:
    """`/omrade/<area>/organ/<body>/beslut.atom`: the decisions in a public body's published minutes."""
    found = _public_body(area, body)
    return _answer(request, _decisions, FeedScope(found.area, found))
