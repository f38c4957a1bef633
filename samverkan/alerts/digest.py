"""The digest of a subscription: what was published in a period and is public, gathered, composed and sent.

Periods are calendar days (daily) or ISO weeks from Monday 00:00 (weekly), in TIME_ZONE. A confirmed subscription
has `covered_until`, the end of the last period gathered; `send_alerts` (cron, or `samverkan serve`'s hourly loop)
queues every subscription whose `covered_until` lies before the start of its current period, in batches of
`ALERT_BATCH`, and the worker (`tasks.send_digests`) makes each digest: in one transaction, under the
subscription's row lock, it gathers [covered_until, start of the current period), moves `covered_until` on and,
when something was published, records a `Digest` (unique per subscription and period end) — committed before the
mail goes out, so a rerun, a duplicate task or a second worker sends nothing twice. Nothing published means no
mail. A refused send keeps the Digest with its error and no claim; `send_alerts` queues it again
(`requeue_failed`), and a claim older than `WORKER_RECLAIM_MINUTES` (a killed worker) is given back — at least
once rather than never.

"Published in the period": minutes whose `published_at` falls in it; a recommendation once both it exists and its
minutes are published (the later of the two); a principal's decision once recorded (`answered_at`) and its
recommendation is public; search hits among those. Only what the public may read (`public_meetings`,
`public_item_rule`, `public_recommendations`, the search's rule for an anonymous visitor); drafts never.
Each section is cut at `SECTION_LIMIT` rows with a link to the page that has them all. A digest costs a constant
number of queries whatever the number of rows: four for a body or matter, two for a principal, one for a search;
within one batch, subscriptions of the same target and period share one gathering.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samverkan.alerts import links
from samverkan.alerts.access import Target, kind_label, target_of
from samverkan.alerts.models import Digest, Subscription
from samverkan.followthrough.access import public_recommendations
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation, public_item_rule
from samverkan.lib.locks import locked
from samverkan.meetings.access import public_meetings
from samverkan.meetings.models import AgendaItem, Document, Meeting
from samverkan.meetings.numbering import paragraph_label
from samverkan.search.models import SearchEntry
from samverkan.search.query import best_first, matching, visible_entries
from samverkan.search.text import parse

log = logging.getLogger(__name__)
Kind = Subscription.Kind
SECTION_LIMIT = 50  # rows a section of one digest shows; the rest are on the linked page
LONGEST_SPAN = timedelta(days=35)  # a digest never reaches further back (cron stopped for weeks)
TEXT_CHARS = 300  # of a decision or a search hit's text


@dataclass(frozen=True)
class Line:
    """One row of a digest: a title, a line of detail, the full address of its page, and sub-rows (a published
    meeting's public items)."""

    title: str
    detail: str
    url: str
    items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """A digest's part: a heading, its rows, whether more than `SECTION_LIMIT` were found, and where they are."""

    heading: str
    lines: list[Line]
    more: bool = False
    more_url: str = ""


def period_start(moment: datetime, frequency: str) -> datetime:
    """The start (aware, TIME_ZONE) of the daily or weekly period that contains `moment`: midnight that day, or
    Monday midnight that week."""
    day = timezone.localtime(moment).date()
    if frequency == Subscription.Frequency.WEEKLY:
        day -= timedelta(days=day.weekday())
    return timezone.make_aware(datetime.combine(day, time()))


def _full(path: str) -> str:
    return settings.SITE_URL + path


def _cut(text: str, size: int = TEXT_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1].rsplit(" ", 1)[0] + " …"


def _within(column: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{column}__gte": start, f"{column}__lt": end})


def published_meetings_in(start: datetime, end: datetime) -> QuerySet[Meeting]:
    """Public meetings whose minutes were published in [start, end). No query."""
    return public_meetings().filter(_within("published_at", start, end), status=Meeting.Status.PUBLISHED)


def recommendations_in(start: datetime, end: datetime) -> QuerySet[Recommendation]:
    """Public recommendations that became public in [start, end): made then at published minutes, or made earlier
    at minutes published then. No query."""
    shown = Greatest("created_at", Coalesce("item__meeting__published_at", "created_at"))
    return public_recommendations().annotate(shown_at=shown).filter(_within("shown_at", start, end))


def decisions_in(start: datetime, end: datetime) -> QuerySet[PrincipalDecision]:
    """Principals' decisions (not pending) of public recommendations, recorded in [start, end) (or, recorded
    before, whose recommendation's minutes were published then). No query."""
    shown = Greatest("answered_at", Coalesce("recommendation__item__meeting__published_at", "answered_at"))
    return (
        PrincipalDecision.objects.filter(recommendation__public=True)  # `public_recommendations`, on the joined row
        .exclude(outcome=PrincipalDecision.Outcome.PENDING)
        .annotate(shown_at=shown)
        .filter(_within("shown_at", start, end))
    )


def _limited(rows: QuerySet[Any], heading: str, more_url: str, line: Callable[[Any], Line]) -> Section | None:
    found = list(rows[: SECTION_LIMIT + 1])
    if not found:
        return None
    lines = [line(row) for row in found[:SECTION_LIMIT]]
    return Section(heading, lines, more=len(found) > SECTION_LIMIT, more_url=_full(more_url))


def _minutes_section(meetings: QuerySet[Meeting], more_url: str) -> Section | None:
    """Published minutes with their public items (two queries)."""
    found = list(meetings.select_related("body__area").order_by("published_at", "pk")[: SECTION_LIMIT + 1])
    if not found:
        return None
    shown = found[:SECTION_LIMIT]
    items: dict[int, list[str]] = {}
    rows = AgendaItem.objects.filter(public_item_rule(""), meeting__in=[m.pk for m in shown]).select_related(
        "meeting__body"
    )
    for item in rows.order_by("meeting_id", "position", "pk"):
        continuous = item.meeting.body.numbering == "continuous"
        label = f"{paragraph_label(item.number, continuous)} {item.title}".strip()
        decision = _cut(item.decision, 200)
        items.setdefault(item.meeting_id, []).append(f"{label}: {decision}" if decision else label)
    lines = [
        Line(
            title=str(meeting),
            detail=_("%(body)s, möte %(day)s") % {"body": meeting.body.name, "day": meeting.first_day or ""},
            url=_full(meeting.get_absolute_url()),
            items=items.get(meeting.pk, []),
        )
        for meeting in shown
    ]
    return Section(_("Publicerade protokoll"), lines, more=len(found) > SECTION_LIMIT, more_url=_full(more_url))


def _item_line(item: AgendaItem) -> Line:
    continuous = item.meeting.body.numbering == "continuous"
    path = reverse("search:item", args=[item.meeting.body.area.slug, item.meeting_id, item.pk])
    title = f"{paragraph_label(item.number, continuous)} {item.title}".strip()
    return Line(title, f"{item.meeting.body.name}: {_cut(item.decision)}", _full(path))


def _recommendation_line(recommendation: Recommendation) -> Line:
    body = recommendation.item.meeting.body
    detail = _("%(body)s, svar senast %(day)s") % {"body": body.name, "day": recommendation.deadline.isoformat()}
    path = reverse("followthrough_public:recommendation", args=[body.area.slug, recommendation.pk])
    return Line(recommendation.title, detail, _full(path))


def _decision_line(decision: PrincipalDecision) -> Line:
    recommendation = decision.recommendation
    parts = [decision.deciding_body, decision.decided_on.isoformat() if decision.decided_on else "", decision.reference]
    title = f"{decision.principal.name}: {decision.get_outcome_display()}"
    detail = " · ".join(p for p in [recommendation.title, *parts] if p)
    area = recommendation.item.meeting.body.area.slug
    return Line(title, detail, _full(reverse("followthrough_public:recommendation", args=[area, recommendation.pk])))


def _hit_line(entry: SearchEntry) -> Line:
    detail = " · ".join(p for p in [str(SearchEntry.Kind(entry.kind).label), entry.context, _cut(entry.text)] if p)
    return Line(entry.title, detail, _full(entry.url))


def search_published_rule(start: datetime, end: datetime) -> Q:
    """Q for search entries whose record was published in [start, end): meetings whose minutes were, their items,
    documents and assignments, and the recommendations and decisions of `recommendations_in`/`decisions_in`.
    No query (subqueries)."""
    meetings = published_meetings_in(start, end).values("pk")
    return (
        Q(kind=SearchEntry.Kind.MEETING, object_id__in=meetings)
        | Q(kind=SearchEntry.Kind.ITEM, object_id__in=AgendaItem.objects.filter(meeting__in=meetings).values("pk"))
        | Q(kind=SearchEntry.Kind.DOCUMENT, object_id__in=Document.objects.filter(meeting__in=meetings).values("pk"))
        | Q(
            kind=SearchEntry.Kind.ASSIGNMENT,
            object_id__in=Assignment.objects.filter(item__meeting__in=meetings).values("pk"),
        )
        | Q(kind=SearchEntry.Kind.RECOMMENDATION, object_id__in=recommendations_in(start, end).values("pk"))
        | Q(kind=SearchEntry.Kind.DECISION, object_id__in=decisions_in(start, end).values("pk"))
    )


def gather(target: Target, start: datetime, end: datetime) -> list[Section]:
    """The sections of `target`'s digest for [start, end): only what was published then and is public; empty
    when nothing was. See the module's docstring for the query cost."""
    sections: list[Section | None] = []
    recommendations = (
        recommendations_in(start, end).select_related("item__meeting__body__area").order_by("shown_at", "pk")
    )
    decisions = decisions_in(start, end).select_related("principal", "recommendation__item__meeting__body__area")
    decisions = decisions.order_by("shown_at", "pk")
    rec_heading, dec_heading = _("Rekommendationer till huvudmännen"), _("Huvudmännens beslut")
    if target.kind == Kind.BODY and target.body is not None:
        body = target.body
        sections.append(_minutes_section(published_meetings_in(start, end).filter(body=body), target.path))
        recommendations = recommendations.filter(item__meeting__body=body)
        decisions = decisions.filter(recommendation__item__meeting__body=body)
    elif target.kind == Kind.MATTER and target.matter is not None:
        items = AgendaItem.objects.filter(
            public_item_rule(""), matter=target.matter, meeting__in=published_meetings_in(start, end)
        )
        items = items.select_related("meeting__body__area").order_by("meeting__published_at", "position", "pk")
        sections.append(_limited(items, _("Beslut i ärendet"), target.path, _item_line))
        recommendations = recommendations.filter(matter=target.matter)
        decisions = decisions.filter(recommendation__matter=target.matter)
    elif target.kind == Kind.PRINCIPAL and target.principal is not None:
        rec_heading = _("Rekommendationer att besluta om")
        recommendations = recommendations.filter(decisions__principal=target.principal)
        decisions = decisions.filter(principal=target.principal)
    else:
        terms = parse(target.query) if target.kind == Kind.SEARCH else []
        if terms:
            found = (
                matching(visible_entries(None), terms)
                .filter(target.filters.q())
                .filter(search_published_rule(start, end))
            )
            hits = best_first(found, terms, "-date", "kind", "pk")
            sections.append(_limited(hits, _("Nya sökträffar"), target.path, _hit_line))
        return [section for section in sections if section is not None]
    sections.append(_limited(recommendations, rec_heading, target.path, _recommendation_line))
    sections.append(_limited(decisions, dec_heading, target.path, _decision_line))
    return [section for section in sections if section is not None]


def compose(
    subscription: Subscription, target: Target, sections: list[Section], start: datetime, end: datetime
) -> EmailMessage:
    """The digest e-mail (an EmailMessage, text only) in the subscription's language: the sections, the links to
    manage and to end the subscription, and the List-Unsubscribe / List-Unsubscribe-Post headers (RFC 8058: a
    mail client ends it with one POST, without a login)."""
    unsubscribe = links.link_url(subscription, links.UNSUBSCRIBE)
    with translation.override(subscription.language):
        last_day = timezone.localtime(end - timedelta(seconds=1)).date()
        context = {
            "what": kind_label(target),
            "sections": sections,
            "first_day": timezone.localtime(start).date(),
            "last_day": last_day,
            "page_url": _full(target.path),
            "manage_url": links.link_url(subscription, links.MANAGE),
            "unsubscribe_url": unsubscribe,
            "site": settings.SITE_NAME,
        }
        subject = " ".join(render_to_string("alerts/email/digest_subject.txt", context).split())
        body = render_to_string("alerts/email/digest.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.SITE_NAME} <alerts.{settings.SITE_URL.split('//')[-1].split('/')[0].split(':')[0]}>",
        },
    )


def due_subscriptions(now: datetime) -> list[int]:
    """The ids of confirmed subscriptions with a whole period not yet gathered at `now`. One query per
    frequency."""
    due: list[int] = []
    for frequency in Subscription.Frequency.values:
        due += Subscription.objects.filter(
            confirmed_at__isnull=False, frequency=frequency, covered_until__lt=period_start(now, frequency)
        ).values_list("pk", flat=True)
    return sorted(due)


Gathered = dict[tuple[str, datetime, datetime], list[Section]]


def claim_period(
    pk: int, now: datetime, gathered: Gathered | None = None
) -> tuple[Digest, Subscription, Target, list[Section]] | None:
    """Gather subscription `pk`'s digest for [covered_until, start of its current period) and move
    `covered_until` on, in one transaction under the row lock; a Digest row (claimed) when something was
    published, else None (also when the subscription is gone, unconfirmed or already gathered). `gathered` keeps
    the sections by target and period across one batch, so subscriptions of the same target and period cost
    the gathering once."""
    gathered = {} if gathered is None else gathered
    with transaction.atomic():
        subscription = locked(Subscription.objects.filter(pk=pk, confirmed_at__isnull=False)).first()
        if subscription is None or subscription.covered_until is None:
            return None
        end = period_start(now, subscription.frequency)
        if subscription.covered_until >= end:
            return None
        start = max(subscription.covered_until, end - LONGEST_SPAN)
        target = target_of(subscription)
        sections: list[Section] = []
        if target is not None:
            key = (target.key, start, end)
            if key not in gathered:
                gathered[key] = gather(target, start, end)
            sections = gathered[key]
        Subscription.objects.filter(pk=pk).update(covered_until=end)
        if not sections:
            return None
        digest = Digest.objects.create(
            subscription=subscription,
            period_start=start,
            period_end=end,
            items=sum(len(s.lines) for s in sections),
            claimed_at=timezone.now(),
        )
    assert target is not None  # sections were gathered for it
    return digest, subscription, target, sections


def deliver(
    digest: Digest, subscription: Subscription, target: Target, sections: list[Section], connection: Any
) -> bool:
    """Send a claimed digest; True when sent. A refusal gives the claim back with the error (`send_alerts`
    retries it) and is logged, not raised, so the rest of the batch goes on."""
    message = compose(subscription, target, sections, digest.period_start, digest.period_end)
    message.connection = connection
    try:
        message.send()
    except Exception as error:  # whatever the mail server or the network says, the batch goes on
        Digest.objects.filter(pk=digest.pk).update(claimed_at=None, error=str(error)[:300] or type(error).__name__)
        log.warning("Digest #%s not sent: %s", digest.pk, error)
        return False
    Digest.objects.filter(pk=digest.pk).update(sent_at=timezone.now(), error="")
    return True


def send_batch(pks: list[int], now: datetime | None = None) -> int:
    """Make and send the digests of subscriptions `pks` over one mail connection; returns how many were sent.
    Subscriptions of the same target and period share one gathering (`claim_period`)."""
    now = now or timezone.now()
    sent = 0
    gathered: Gathered = {}
    connection = get_connection()  # opened by the first send, so a refusal is one digest's error, not the batch's
    try:
        for pk in pks:
            claimed = claim_period(pk, now, gathered)
            if claimed is not None:
                sent += deliver(*claimed, connection=connection)
    finally:
        connection.close()
    return sent


def send_again(pk: int) -> bool:
    """Send Digest `pk` again (after a refusal), gathering its period anew (what was made internal since is left
    out); True when sent. Claims it first; a digest whose period now has nothing is removed."""
    if not Digest.objects.filter(pk=pk, sent_at=None, claimed_at=None).update(claimed_at=timezone.now()):
        return False
    digest = Digest.objects.select_related("subscription").get(pk=pk)
    subscription = digest.subscription
    target = target_of(subscription) if subscription.confirmed_at else None
    sections = gather(target, digest.period_start, digest.period_end) if target is not None else []
    if target is None or not sections:
        digest.delete()
        return False
    return deliver(digest, subscription, target, sections, get_connection())


def requeue_failed(now: datetime | None = None) -> list[int]:
    """The digests to try again: refused ones (an error, no claim) and claims older than WORKER_RECLAIM_MINUTES
    (a killed worker), whose claims are given back. Returns their ids; the caller queues them."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.WORKER_RECLAIM_MINUTES)
    rows = Digest.objects.filter(sent_at=None).filter(Q(claimed_at=None) & ~Q(error="") | Q(claimed_at__lt=stale))
    pks = list(rows.values_list("pk", flat=True))
    Digest.objects.filter(pk__in=pks).update(claimed_at=None)
    return pks
