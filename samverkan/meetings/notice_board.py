"""The public digital notice board (anslagstavla) of an area: notices of adjusted minutes that are up now, the
archive of those taken down (paged) and an Atom feed. What a notice is and when it is up: notices.py."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samverkan.lib.caching import conditional_answer, with_validators
from samverkan.lib.paging import page_of
from samverkan.meetings.access import public_meetings
from samverkan.meetings.models import Meeting
from samverkan.meetings.notices import archived_notices, current_notices, notices
from samverkan.meetings.public import feed_version
from samverkan.structure.models import Area, Body

ARCHIVE_PAGE = 25
FEED_SIZE = 50
FEED_TAG_DATE = "2025"  # the year the feeds' tag URIs were minted; never change it, or every id changes


def tag_uri(date: str, specific: str) -> str:
    """A tag URI (RFC 4151) `tag:<SITE_URL's host>,<date>:<specific>` for an Atom id (RFC 4287 4.2.6: an IRI
    that never changes). `date` is "YYYY" or "YYYY-MM-DD"; `specific` names the thing by its primary key, so
    renaming a body or correcting minutes leaves the id as it was."""
    return f"tag:{urlsplit(settings.SITE_URL).hostname or 'localhost'},{date}:{specific}"


def notice_id(meeting: Meeting) -> str:
    """The Atom id of a meeting's notice: dated by the notice date, which is set once (lock.py) when the
    minutes are published, e.g. "tag:samverkan.example,2026-11-26:anslag/42"."""
    return tag_uri(meeting.notice_date.isoformat() if meeting.notice_date else FEED_TAG_DATE, f"anslag/{meeting.pk}")


def _board_meetings(area):
    """The official board carries the public minutes of the area's public bodies, whoever looks."""
    return public_meetings().filter(body__area=area)


def _crumbs(area, *more):
    return [(area.get_absolute_url(), area.name), *more]


@require_safe
def notice_board(request, area):
    """The notices up on the area's board today, newest first. Three queries (area, notices, none else)."""
    area = get_object_or_404(Area, slug=area)
    return render(
        request,
        "meetings/public/notice_board.html",
        {
            "area": area,
            "notices": list(current_notices(_board_meetings(area))),
            "today": timezone.localdate(),
            "crumbs": _crumbs(area, (None, _("Anslagstavla"))),
        },
    )


@require_safe
def notice_archive(request, area):
    """Notices taken down, newest first, `ARCHIVE_PAGE` a page (`?sida=N`; a page number out of range or not a
    number shows the nearest page). The same number of queries on every page: area, count, the page."""
    area = get_object_or_404(Area, slug=area)
    page = page_of(request, archived_notices(_board_meetings(area)), ARCHIVE_PAGE)
    board = reverse("meetings_public:notice_board", args=[area.slug])
    return render(
        request,
        "meetings/public/notice_archive.html",
        {
            "area": area,
            "page": page,
            "crumbs": _crumbs(area, (board, _("Anslagstavla")), (None, _("Arkiv"))),
        },
    )


class NoticeFeed(Feed):
    """The notice board as Atom: the latest `FEED_SIZE` notices of the area, current and taken down."""

    feed_type = Atom1Feed

    def get_object(self, request, area):
        return get_object_or_404(Area, slug=area)

    def title(self, area):
        return _("Anslagstavla – %(area)s") % {"area": area.name}

    def subtitle(self, area):
        return _("Anslag om justerade protokoll i %(area)s.") % {"area": area.name}

    def link(self, area):
        return reverse("meetings_public:notice_board", args=[area.slug])

    def items(self, area):
        return notices(_board_meetings(area))[:FEED_SIZE]

    def item_title(self, meeting: Meeting):
        first_day = getattr(meeting, "first_day", None)  # annotated by notices.notices
        return _("Anslag: protokoll från %(body)s %(date)s") % {
            "body": meeting.body.name,
            "date": first_day.isoformat() if first_day else "",
        }

    def item_description(self, meeting: Meeting):
        facts = [
            _("Protokollet justerades %(date)s.") % {"date": meeting.adjustment_day.isoformat()},
            _("Anslaget sattes upp %(up)s och tas ned %(down)s.")
            % {"up": str(meeting.notice_date), "down": str(meeting.notice_taken_down)},
        ]
        if meeting.appeal_end:
            facts.append(_("Tiden för överklagande går ut %(date)s.") % {"date": meeting.appeal_end.isoformat()})
        return " ".join(facts)

    def item_link(self, meeting: Meeting):
        return meeting.get_absolute_url()

    def feed_guid(self, area):
        return tag_uri(FEED_TAG_DATE, f"anslagstavla/{area.pk}")

    def item_guid(self, meeting: Meeting):
        return notice_id(meeting)

    item_guid_is_permalink = False

    def item_pubdate(self, meeting: Meeting):
        return meeting.published_at

    def item_updateddate(self, meeting: Meeting):
        return meeting.published_at


_feed = NoticeFeed()


@require_safe
def notice_feed(request, area):
    """The Atom feed (`NoticeFeed`) with an ETag and Last-Modified from the area's meetings; a matching
    conditional GET answers 304 without building the feed."""
    found = get_object_or_404(Area, slug=area)
    etag, modified = feed_version(Meeting.objects.filter(body__area=found), Body.objects.filter(area=found))
    if not_modified := conditional_answer(request, etag, modified):
        return not_modified
    return with_validators(_feed(request, area=area), etag, modified)
