"""Meetings of the bodies: their days, places, agendas and minutes; the minutes lock itself is in lock.py."""

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.lib.addresses import WebAddressed
from samverkan.lib.mail_queue import QueuedMail
from samverkan.lib.visibility import Visibility
from samverkan.lib.watched import WatchedUpdateQuerySet
from samverkan.meetings import lock, numbering
from samverkan.meetings.lock import correcting_minutes, locked_error  # noqa: F401 (the names callers know)
from samverkan.meetings.matters import Matter
from samverkan.structure.models import OPEN_OR_INTERNAL, Body, Person, Principal

# Kommunallagen: minutes are adjusted within 14 days (KL 6:35); the notice of adjustment goes up on the notice
# board by the second day after adjustment (KL 8:12); the appeal period runs three weeks from the notice (KL 13:5),
# so the notice stays up through that period and is taken down the day after it ends.
ADJUSTMENT_DAYS = 14
NOTICE_WITHIN_DAYS = 2
APPEAL_DAYS = 21
NOTICE_DAYS = APPEAL_DAYS + 1


def notice_deadline_start(today):
    """The first adjustment day whose notice is still in time `today`: adjusted on day D, the notice must be up
    by D + 2, so minutes adjusted before today - 2 are late."""
    return today - timedelta(NOTICE_WITHIN_DAYS)


def start_of(day):
    """The aware moment the local `day` begins."""
    return timezone.make_aware(datetime.combine(day, time.min))


def unlisted_rule(prefix: str = "") -> Q:
    """Q for the meetings no public list names: imported meetings whose minutes are not published yet; through
    `prefix` ("item__meeting__") for what hangs on them."""
    return Q(**{f"{prefix}imported": True}) & ~Q(**{f"{prefix}status": "published"})


class MeetingQuerySet(WatchedUpdateQuerySet):
    def update(self, **fields):
        # A bulk update passes by save(); it may not change what locked minutes say either.
        lock.check_meeting_update(self, fields)
        return super().update(**fields)

    def adjustment_overdue(self, today=None):
        """Minutes (not notes) still unlocked 14 days after the meeting's first day; derived, never stored."""
        today = today or timezone.localdate()
        return (
            self.filter(
                kind=Meeting.Kind.MINUTES, locked_at__isnull=True, first_day__lt=today - timedelta(ADJUSTMENT_DAYS)
            )
            .exclude(status=Meeting.Status.CANCELLED)
            .exclude(imported=True)
        )

    def notice_overdue(self, today=None):
        """Adjusted minutes not yet published (so with no notice on the notice board) more than two days after
        their adjustment (KL 8:12: the notice goes up by the second day after). Derived, never stored. Imported
        old minutes are never late: their notice was put up on paper long ago."""
        today = today or timezone.localdate()
        return self.filter(
            kind=Meeting.Kind.MINUTES,
            status=Meeting.Status.ADJUSTED,
            locked_at__lt=start_of(notice_deadline_start(today)),
            imported=False,
        )

    def listed(self):
        """Meetings a public list may name (calendars, feeds, body pages, the notice board): not an imported
        meeting until its minutes are published. A queryset; no query."""
        return self.exclude(unlisted_rule())


class Meeting(WebAddressed, models.Model):
    """A meeting (sammanträde) of a body; it has one or more days."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("Protokoll (justeras)")
        NOTES = "notes", _("Minnesanteckningar")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerat")
        INVITED = "invited", _("Kallat")
        HELD = "held", _("Genomfört")
        DRAFTED = "drafted", _("Protokollsutkast")
        ADJUSTED = "adjusted", _("Justerat")
        PUBLISHED = "published", _("Publicerat")
        CANCELLED = "cancelled", _("Inställt")

    # The order a meeting moves through; cancelled stands outside it.
    FLOW = [Status.PLANNED, Status.INVITED, Status.HELD, Status.DRAFTED, Status.ADJUSTED, Status.PUBLISHED]
    # The statuses of a meeting that has taken place.
    HELD_STATUSES = frozenset({Status.HELD, Status.DRAFTED, Status.ADJUSTED, Status.PUBLISHED})

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("organ"))
    title = models.CharField(_("rubrik"), max_length=200, blank=True, help_text=_("Frivillig, t.ex. ”Extra möte”."))
    kind = models.CharField(_("dokumentation"), max_length=20, choices=Kind.choices, default=Kind.MINUTES)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    visibility = models.CharField(_("synlighet"), max_length=20, choices=OPEN_OR_INTERNAL, default=Visibility.PUBLIC)
    plan_year = models.PositiveSmallIntegerField(
        _("årsplan"), null=True, blank=True, help_text=_("Året i den årsplan som skapade mötet.")
    )
    # The people named in the minutes' header and signature block.
    chair = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ordförande")
    )
    secretary = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sekreterare")
    )
    # Set by the workflow, never by hand: when the invitation went out, when the last signature locked the
    # minutes, the date of the notice of adjustment (anslag), and when the minutes were published.
    invited_at = models.DateTimeField(_("kallelse skickad"), null=True, blank=True, editable=False)
    locked_at = models.DateTimeField(_("låst"), null=True, blank=True, editable=False)
    notice_date = models.DateField(_("anslagsdatum"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("publicerat"), null=True, blank=True, editable=False)
    # The agenda is a draft until the invitation goes out or the secretary publishes it (whichever is first).
    agenda_published_at = models.DateTimeField(_("dagordningen publicerad"), null=True, blank=True, editable=False)
    # Made by the importer from old minutes: kept out of every public list until its minutes are published.
    imported = models.BooleanField(_("importerat"), default=False, editable=False)
    # The SEQUENCE of the meeting's calendar events (RFC 5545 3.8.7.4): one more with each change mailed to the
    # invitees (notifications.next_sequence), so a calendar takes each mail as newer than the one before.
    ical_sequence = models.PositiveIntegerField(_("kalenderversion"), default=0, editable=False)
    # The dates of the first and last MeetingDay (None without days), stored so lists sort, window and page by them
    # with an index instead of grouping every day (issue 11). Written only by `refresh_meeting_dates`, which every
    # write of days runs (MeetingDay's save and delete signals, its QuerySet's update and bulk_create); a meeting's
    # own save() never writes them, so a stale instance cannot undo a day's change.
    first_day = models.DateField(_("första dag"), null=True, blank=True, editable=False)
    last_day = models.DateField(_("sista dag"), null=True, blank=True, editable=False)
    modified = models.DateTimeField(_("senast ändrat"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["modified", "ical_sequence", "first_day", "last_day"])
    objects = MeetingQuerySet.as_manager()

    DATE_FIELDS = ("first_day", "last_day")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        indexes = [
            # The calendars' and archives' "latest first" and the public lists' windows by date.
            models.Index(fields=["body", "first_day"], name="meeting_body_first_day"),
            models.Index(fields=["first_day"], name="meeting_first_day"),
            # The coming meetings (`last_day >= today`, soonest first): found through this index they are the few
            # planned ahead; through `meeting_first_day` PostgreSQL read every past meeting of every area first
            # (17,600 rows, 10 ms for three areas' calendar, growing with history).
            models.Index(fields=["last_day", "first_day"], name="meeting_last_day"),
            # The start pages' warnings (`adjustment_overdue`, `notice_overdue`) look for the few minutes still
            # unlocked or adjusted but unpublished: partial indexes hold only those, where a scan of the nation's
            # locked minutes took 60 and 45 ms on PostgreSQL (issue 11).
            models.Index(
                fields=["first_day", "id"], condition=Q(locked_at__isnull=True), name="meeting_unlocked_first_day"
            ),
            models.Index(fields=["locked_at", "id"], condition=Q(status="adjusted"), name="meeting_adjusted_locked"),
        ]

    def __str__(self):
        return self.title or _("Möte i %(body)s") % {"body": self.body}

    def web_address(self) -> tuple[str, tuple[str | int, ...]]:
        """The public page's view and arguments (`lib.addresses.WebAddressed`)."""
        return "meetings_public:meeting", (self.body.area.slug, self.pk)

    @property
    def is_public(self):
        return self.visibility == Visibility.PUBLIC

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_locked(self):
        """Adjusted minutes are locked: a correction is a new MinutesVersion, never an edit."""
        return self.locked_at is not None

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def adjustment_day(self):
        """The day the minutes were adjusted, as the notice and its feed state it: the date written on a paper
        adjustment (`PaperAdjustment.adjusted_on`: signed by hand, registered later, maybe days after), else the
        day of the last digital signature (`locked_at`, Swedish time); None before adjustment. Reads the paper
        adjustment (select_related("paper_adjustment") for a list)."""
        paper = getattr(self, "paper_adjustment", None)  # a missing reverse one-to-one raises an AttributeError
        if paper is not None:
            return paper.adjusted_on
        return timezone.localdate(self.locked_at) if self.locked_at else None

    @property
    def is_held(self):
        """Whether the meeting has taken place in the workflow (held, drafted, adjusted or published); only then
        may its items carry a decision or an outcome."""
        return self.status in self.HELD_STATUSES

    @property
    def agenda_is_public(self):
        """A meeting's agenda, backgrounds and documents are drafts until the invitation is sent, the secretary
        publishes the agenda or the minutes are published: a meeting held without an invitation in Samverkan
        keeps its agenda to itself until then, and an imported meeting stays a draft until its minutes are
        published. The Python twin of `access.agenda_public_rule`."""
        if self.imported:
            return self.is_published
        return bool(self.invited_at or self.agenda_published_at or self.is_published)

    @property
    def notice_deadline(self):
        """The last day the notice of adjusted minutes may go up (KL 8:12), or None before adjustment and for
        imported old minutes (their notice was put up on paper)."""
        if self.kind != self.Kind.MINUTES or self.locked_at is None or self.imported:
            return None
        return timezone.localdate(self.locked_at) + timedelta(NOTICE_WITHIN_DAYS)

    def is_notice_overdue(self, today=None):
        """Same rule as MeetingQuerySet.notice_overdue, for one meeting."""
        deadline = self.notice_deadline
        return bool(deadline and self.status == self.Status.ADJUSTED and deadline < (today or timezone.localdate()))

    @property
    def adjustment_deadline(self):
        """The 14th day after the first day (needs the `first_day` annotation)."""
        first = getattr(self, "first_day", None)
        return first + timedelta(ADJUSTMENT_DAYS) if first else None

    def is_adjustment_overdue(self, today=None):
        """Same rule as MeetingQuerySet.adjustment_overdue, for one meeting with `first_day` annotated."""
        deadline = self.adjustment_deadline
        return bool(
            deadline
            and self.kind == self.Kind.MINUTES
            and not self.is_locked
            and not self.is_cancelled
            and not self.imported
            and deadline < (today or timezone.localdate())
        )

    @property
    def appeal_end(self):
        """The last day of the appeal period: three weeks after the notice of adjustment; None when there is no
        notice yet or the body's decisions cannot be appealed (`Body.appealable`)."""
        if not self.notice_date or not self.body.appealable:
            return None
        return self.notice_date + timedelta(APPEAL_DAYS)

    @property
    def notice_taken_down(self):
        """The day the notice comes down from the notice board: the day after the three weeks it stays up."""
        return self.notice_date + timedelta(NOTICE_DAYS) if self.notice_date else None

    # What the minutes say about the meeting itself; frozen once they are locked.
    LOCKED_FIELDS = lock.LOCKED_FIELDS

    def check_not_locked(self):
        lock.check_meeting(self)

    def clean(self):
        self.check_not_locked()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.check_not_locked()
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # The days' dates are the days' to write (refresh_meeting_dates): never from a possibly stale instance.
            skipped = {*self.DATE_FIELDS, *self.get_deferred_fields()}  # deferred: as Django's own save() leaves them
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.attname not in skipped
            ]
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        lock.check_meeting_delete(self)
        return super().delete(*args, **kwargs)


class PartOfMinutesQuerySet(WatchedUpdateQuerySet):
    def update(self, **fields):
        # A bulk update passes by save(); rows of locked minutes are refused here too.
        lock.check_part_update(self, fields)
        return super().update(**fields)


class MinutesVersionQuerySet(models.QuerySet):
    def update(self, **fields):
        lock.check_version_update()
        return super().update(**fields)


class PartOfMinutes:
    """For records that belong to a meeting's minutes: none may be added, changed or removed once the minutes
    are locked (forms and the admin show the error from clean(); save() and delete are refused too)."""

    # The reverse name from Meeting, to find the meeting a stored row belonged to before this change.
    minutes_related_name: str | None = None

    def check_not_locked(self):
        lock.check_part(self)

    def clean(self):
        self.check_not_locked()

    def taken(self, **fields):
        """Whether another row of the same meeting already has these values; clean() says so in Swedish."""
        return bool(
            self.meeting_id
            and all(fields.values())
            and type(self).objects.filter(meeting_id=self.meeting_id, **fields).exclude(pk=self.pk).exists()
        )

    def validate_unique(self, exclude=None):
        # clean() names a taken value in Swedish; the unique constraints stay as the database's guarantee.
        pass

    def validate_constraints(self, exclude=None):
        pass

    # Fields that are not part of what the minutes say, so they may be set on locked minutes too.
    free_when_locked: frozenset[str] = frozenset()

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if not (update_fields and set(update_fields) <= self.free_when_locked):
            self.check_not_locked()
        super().save(*args, **kwargs)  # type: ignore[misc]  # a mixin: models.Model follows it in the MRO

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        # Refuse before Django's own delete transaction starts, so the caller's transaction stays usable.
        self.check_not_locked()
        deleted: tuple[int, dict[str, int]] = super().delete(*args, **kwargs)  # type: ignore[misc]  # as save()
        return deleted


# Sent by `refresh_meeting_dates` with `meeting_ids` (a sorted list of ints) once their stored dates are written, so
# what is stored from a meeting's first day elsewhere (followthrough's `Assignment.due`) follows without this app
# knowing of it.
meeting_dates_changed = Signal()


def refresh_meeting_dates(meeting_ids) -> None:
    """Store `Meeting.first_day`/`last_day` of the meetings with these ids (an iterable of ints) from their days
    as they are now; a meeting without days gets None. One UPDATE per 500 meetings (bulk inserts of a whole
    generated county stay within the databases' parameter limits), then `meeting_dates_changed` (its receivers'
    queries beside)."""
    days = MeetingDay.objects.filter(meeting_id=OuterRef("pk")).order_by().values("meeting_id")
    ids = sorted(set(meeting_ids))
    for start in range(0, len(ids), 500):
        Meeting.objects.filter(pk__in=ids[start : start + 500]).update(
            first_day=Subquery(days.annotate(d=Min("date")).values("d")),
            last_day=Subquery(days.annotate(d=Max("date")).values("d")),
        )
    if ids:
        meeting_dates_changed.send(sender=Meeting, meeting_ids=ids)


class MeetingDayQuerySet(PartOfMinutesQuerySet):
    """MeetingDay's QuerySet: bulk writes keep their meetings' stored dates too (`refresh_meeting_dates`)."""

    def update(self, **fields):
        meetings = list(self.order_by().values_list("meeting_id", flat=True).distinct())
        changed = super().update(**fields)
        moved_to = fields.get("meeting_id", getattr(fields.get("meeting"), "pk", None))
        refresh_meeting_dates(meetings + ([moved_to] if moved_to else []))
        return changed

    def bulk_create(self, objs, *args: Any, **kwargs: Any):
        made = super().bulk_create(objs, *args, **kwargs)
        refresh_meeting_dates({day.meeting_id for day in made})
        return made


class MeetingDay(PartOfMinutes, models.Model):
    """One day of a meeting, with its start and (optional) end time. Saving or deleting one (or a QuerySet's
    update or bulk_create) stores its meeting's `first_day`/`last_day` (`refresh_meeting_dates`)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="days", verbose_name=_("möte"))
    date = models.DateField(_("datum"))
    start = models.TimeField(_("starttid"))
    end = models.TimeField(_("sluttid"), null=True, blank=True)
    modified = models.DateTimeField(_("senast ändrat"), auto_now=True)
    objects = MeetingDayQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("mötesdag")
        verbose_name_plural = _("mötesdagar")
        constraints = [models.UniqueConstraint(fields=["meeting", "date"], name="meeting_day_unique")]
        # The archive's years and the feeds' windows select days by date first (meetings/public.py).
        indexes = [models.Index(fields=["date", "meeting"], name="meeting_day_date")]

    minutes_related_name = "days"

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.start:%H:%M}"

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("Sluttiden måste ligga efter starttiden.")})
        if self.taken(date=self.date):
            raise ValidationError({"date": _("Mötet har redan en dag med det datumet.")})


class AgendaItem(PartOfMinutes, models.Model):
    """An item (ärende, punkt, §) on a meeting's agenda."""

    # Filing an item on a follow-through matter (its case number) does not change the adjusted minutes.
    free_when_locked = frozenset({"matter"})

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        DECISION = "decision", _("Beslut")
        DISCUSSION = "discussion", _("Diskussion")
        REPORT = "report", _("Rapport")
        FORMAL = "formal", _("Formalia")

    class Outcome(models.TextChoices):
        BLANK = "", _("Inte behandlat ännu")
        HANDLED = "handled", _("Behandlat")
        DEFERRED = "deferred", _("Bordlagt")
        STRUCK = "struck", _("Utgår")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("möte"))
    number = models.CharField(
        _("nummer"), max_length=20, help_text=_("Bara siffror: t.ex. 15 (löpande §), eller 2.1 per möte.")
    )
    # Set when the number is fixed in a body with continuous numbering (numbering.fix_numbers): the § series
    # (body, calendar year) it belongs to, so the database can keep (body, year, number) unique.
    series_body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("paragrafserie, organ"),
    )
    series_year = models.PositiveSmallIntegerField(_("paragrafserie, år"), null=True, blank=True, editable=False)
    position = models.PositiveIntegerField(_("ordning"), default=0)
    title = models.CharField(_("rubrik"), max_length=300)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.INFORMATION)
    presenters = models.CharField(_("föredragande"), max_length=300, blank=True)
    background = models.TextField(_("bakgrund"), blank=True)
    visibility = models.CharField(_("synlighet"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    readers = models.ManyToManyField(
        Person,
        blank=True,
        related_name="readable_items",
        verbose_name=_("namngivna läsare"),
        help_text=_("Personer som får läsa punkten när den är sekretessmarkerad, utöver sekreterare och samordnare."),
    )
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices, blank=True, default="")
    minutes = models.TextField(_("protokollstext"), blank=True, help_text=_("Vad som sades och redovisades."))
    decision = models.TextField(
        _("beslut"),
        blank=True,
        help_text=_("En att-sats per rad, t.ex. ”att godkänna rapporten”."),
    )
    matter = models.ForeignKey(
        Matter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("ärende (diarienummer)"),
    )
    deferred_to = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deferred_items",
        verbose_name=_("bordlagt till"),
    )
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continuations",
        verbose_name=_("fortsättning på"),
    )
    objects = PartOfMinutesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_number_unique"),
            # A fixed § number is used once per body and year; provisional numbers (series unset) are free.
            models.UniqueConstraint(
                fields=["series_body", "series_year", "number"],
                condition=models.Q(series_year__isnull=False),
                name="agenda_item_paragraph_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(series_body__isnull=True, series_year__isnull=True)
                | models.Q(series_body__isnull=False, series_year__isnull=False),
                name="agenda_item_series_whole",
            ),
        ]

    minutes_related_name = "items"
    # Set by AgendaItemForm when a typed provisional § number puts the item at that place on the agenda
    # (numbering.place_typed_number): the items from there move on, so the number is free when it is saved.
    placed_by_number = False

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_number_fixed(self):
        """Whether the § number is fixed in the body's series (the minutes went for adjustment)."""
        return self.series_year is not None

    def _clean_number(self):
        """The number as stored (numbering.clean_number; the staff form asks a whole § number of a continuous
        series, see AgendaItemForm), free in the meeting and, once fixed, in the series."""
        number = numbering.clean_number(self.number, continuous=False)
        if not self.placed_by_number and self.taken(number=number):
            raise ValidationError(_("Mötet har redan ett ärende med numret %(number)s.") % {"number": number})
        if self.series_year is not None and self.paragraph_taken(number):
            raise ValidationError(
                _("§ %(number)s är redan använd i organets protokoll för %(year)s.")
                % {"number": number, "year": self.series_year}
            )
        return number

    def paragraph_taken(self, number):
        """Whether another item already has this fixed number in the same body and year."""
        return (
            type(self)
            .objects.filter(series_body_id=self.series_body_id, series_year=self.series_year, number=number)
            .exclude(pk=self.pk)
            .exists()
        )

    @property
    def decision_clauses(self):
        """The decision's att-clauses, one per non-empty line."""
        return decision_clauses(self.decision)

    def clean(self):
        super().clean()
        errors = {}
        try:
            self.number = self._clean_number()
        except ValidationError as error:
            errors["number"] = error.messages
        if self.deferred_to_id and self.outcome != self.Outcome.DEFERRED:
            errors["deferred_to"] = _("Ange bara ett senare möte när ärendet är bordlagt.")
        elif self.deferred_to_id and self.deferred_to_id == self.meeting_id:
            errors["deferred_to"] = _("Ett ärende kan inte bordläggas till samma möte.")
        errors.update(self.unheld_errors())
        if errors:
            raise ValidationError(errors)

    def unheld_errors(self) -> dict[str, str]:
        """What an item of a meeting that has not been held may not carry: a decision, an outcome or a deferral
        (a decision is made at the meeting). Field name → Swedish message; empty when all is well. No query with
        the meeting loaded."""
        if not self.meeting_id or self.meeting.is_held:
            return {}
        message = str(_("Mötet har inte hållits ännu. Beslut och utfall skrivs in när mötet är genomfört."))
        return {name: message for name in ("decision", "outcome", "deferred_to") if getattr(self, name)}


def decision_clauses(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class Attendance(PartOfMinutes, models.Model):
    """Who took part in a meeting, in which group, and whether all of it."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Närvarande")
        ABSENT_NOTICE = "absent_notice", _("Anmält förhinder")
        ABSENT = "absent", _("Frånvarande")

    class Group(models.TextChoices):
        VOTING = "voting", _("Beslutande")
        SUBSTITUTE = "substitute", _("Ersättare")
        OTHER = "other", _("Övriga närvarande")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("möte"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("person"))
    status = models.CharField(_("närvaro"), max_length=20, choices=Status.choices, default=Status.PRESENT)
    group = models.CharField(_("grupp"), max_length=20, choices=Group.choices, default=Group.VOTING)
    principal = models.ForeignKey(
        Principal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("företräder huvudman"),
    )
    party = models.CharField(_("parti"), max_length=10, blank=True)
    role = models.CharField(_("roll"), max_length=100, blank=True, help_text=_("T.ex. ordförande, föredragande."))
    substitute_for = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tjänstgör som ersättare för"),
    )
    days = models.ManyToManyField(
        MeetingDay,
        blank=True,
        related_name="+",
        verbose_name=_("endast dessa dagar"),
        help_text=_("Lämna tomt om personen var med alla dagar."),
    )
    not_during = models.ManyToManyField(
        AgendaItem,
        blank=True,
        related_name="+",
        verbose_name=_("inte närvarande under"),
    )
    note = models.CharField(_("anteckning"), max_length=200, blank=True, help_text=_("T.ex. ”från kl. 10.30”."))
    objects = PartOfMinutesQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[days, not_during])

    class Meta:
        ordering = ["group", "person__last_name", "person__first_name"]
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique")]

    minutes_related_name = "attendance"

    def __str__(self):
        return f"{self.person} – {self.get_status_display()}"

    def clean(self):
        super().clean()
        errors = {}
        if self.taken(person_id=self.person_id):
            errors["person"] = _("Personen finns redan i närvarolistan.")
        if self.substitute_for_id and self.substitute_for_id == self.person_id:
            errors["substitute_for"] = _("En person kan inte vara ersättare för sig själv.")
        if errors:
            raise ValidationError(errors)


class Invitation(models.Model):
    """One sending of a meeting's invitation (kallelse); a changed agenda may be sent again."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("möte"))
    sent_at = models.DateTimeField(_("skickad"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("skickad av")
    )
    recipients = models.PositiveIntegerField(_("antal mottagare"), default=0)

    class Meta:
        ordering = ["sent_at"]
        verbose_name = _("kallelse")
        verbose_name_plural = _("kallelser")

    def __str__(self):
        return f"{self.meeting} {self.sent_at:%Y-%m-%d %H:%M}"


class InvitationAnswer(models.Model):
    """A member's answer to the invitation: attending, or absent with notice (the substitute is then told)."""

    class Answer(models.TextChoices):
        ATTEND = "attend", _("Kommer")
        ABSENT = "absent", _("Anmäler förhinder")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="answers", verbose_name=_("möte"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="answers", verbose_name=_("person"))
    answer = models.CharField(_("svar"), max_length=20, choices=Answer.choices)
    comment = models.CharField(_("kommentar"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("svarat"))
    substitute_told_at = models.DateTimeField(_("ersättaren underrättad"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        verbose_name = _("svar på kallelse")
        verbose_name_plural = _("svar på kallelser")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="invitation_answer_unique")]

    def __str__(self):
        return f"{self.person} – {self.get_answer_display()}"


class MeetingMail(QueuedMail):
    """One e-mail about a meeting (an invitation to one invitee, or word to a substitute), recorded in the change
    that causes it and sent by the task worker after that change is committed (invitation_mail.send_queued).

    `sent_at` says it went out; `error` why the last try failed (the row stays unsent, so it can be tried again);
    `claimed_at` is set while a worker sends it, so two workers never send the same mail."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Kallelse")
        SUBSTITUTE = "substitute", _("Besked till ersättare")
        SUBSTITUTE_RELEASED = "substitute_released", _("Ersättaren behövs inte")
        NOTICE_LATE = "notice_late", _("Anslaget är sent")
        TO_SIGN = "to_sign", _("Klart för justering")
        SIGN_REMINDER = "sign_reminder", _("Påminnelse om justering")
        CANCELLED = "cancelled", _("Mötet är inställt")
        CHANGED = "changed", _("Mötet är ändrat")
        DAY_REMOVED = "day_removed", _("En mötesdag är struken")
        PUBLISHED = "published", _("Protokollet är publicerat")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="mails", verbose_name=_("möte"))
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices)
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, null=True, blank=True, related_name="mails", verbose_name=_("kallelse")
    )
    answer = models.ForeignKey(
        InvitationAnswer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("svar på kallelse"),
    )
    membership = models.ForeignKey(
        "structure.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uppdrag i organ"),
    )
    # Whom a mail without a seat goes to (a signer); mails to invitees name their seat instead.
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    address = models.EmailField(_("e-postadress"))
    # A day struck from the meeting (kind DAY_REMOVED), as its calendar event was: the row itself is gone by the
    # time the worker composes the METHOD:CANCEL (ical.removed_day_calendar). Keys: uid, summary, start, end
    # (ISO 8601 in UTC, end may be null) and sequence.
    removed_day = models.JSONField(_("struken mötesdag"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("e-post om möte")
        verbose_name_plural = _("e-post om möten")
        constraints = [
            # The warning that the notice is late goes once to each address (meetings/notices.py).
            models.UniqueConstraint(
                fields=["meeting", "address"], condition=Q(kind="notice_late"), name="meeting_mail_notice_late_once"
            ),
            # The reminder to sign goes once to each signer's address (meetings/notifications.py).
            models.UniqueConstraint(
                fields=["meeting", "address"],
                condition=Q(kind="sign_reminder"),
                name="meeting_mail_sign_reminder_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.address}"

    @property
    def recipient(self):
        """The person the mail went to (by their seat or as a signer), or None (a staff warning)."""
        return self.membership.person if self.membership_id and self.membership else self.person


class Signatory(PartOfMinutes, models.Model):
    """The chair or an adjuster who must sign off the minutes; signing is logged in and time stamped."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Ordförande")
        ADJUSTER = "adjuster", _("Justerare")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("möte"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    signed_at = models.DateTimeField(_("justerat"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inloggad som"),
    )
    objects = PartOfMinutesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("justerare")
        verbose_name_plural = _("justerare")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="signatory_unique")]

    minutes_related_name = "signatories"

    # The chair signs first in the minutes; Meta.ordering (by role name) would put the adjusters first.
    SIGNING_ORDER = (models.Case(models.When(role="chair", then=0), default=1), "pk")

    def __str__(self):
        return f"{self.get_role_display()}: {self.person}"

    def clean(self):
        super().clean()
        if self.taken(person_id=self.person_id):
            raise ValidationError({"person": _("Personen justerar redan protokollet.")})


class MinutesVersion(models.Model):
    """A frozen copy of adjusted minutes. Version 1 is made when the last signature locks them; each later
    correction makes a new version with its reason, and every version stays readable."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="versions", verbose_name=_("möte"))
    number = models.PositiveSmallIntegerField(_("version"))
    reason = models.TextField(_("skäl till rättelsen"), blank=True)
    # The item a correction concerns: its reason is shown only to those who may read that item. Empty for the
    # version stored at locking, and for a correction whose item is not known (then its reason is shown only to
    # those who may read every item of the minutes).
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rättat ärende"),
    )
    # The document a correction concerns (its visibility tightened, actions.correct_document): its reason is
    # shown only to those who may read that document as it is now.
    document = models.ForeignKey(
        "Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rättad handling"),
    )
    content = models.JSONField(_("innehåll"))
    created_at = models.DateTimeField(_("skapad"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("skapad av")
    )
    objects = MinutesVersionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("protokollsversion")
        verbose_name_plural = _("protokollsversioner")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_unique")]

    def __str__(self):
        return f"{self.meeting}, version {self.number}"

    def clean(self):
        if self.pk is not None:
            raise lock.version_error()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.clean()
        super().save(*args, **kwargs)


class DocumentQuerySet(models.QuerySet["Document"]):
    def update(self, **fields):
        # A bulk update passes by save(); documents of items of locked minutes are refused here too.
        lock.check_document_update(self, fields)
        return super().update(**fields)


def document_path(document, filename):
    return f"documents/{document.meeting_id}/{filename}"


class Document(models.Model):
    """A document of a meeting (handling, bilaga), optionally tied to one item; its text is kept for search."""

    class Kind(models.TextChoices):
        ATTACHMENT = "attachment", _("Handling")
        SOURCE = "source", _("Importerat originalprotokoll")
        SIGNED_COPY = "signed_copy", _("Underskrivet exemplar")

    class TextState(models.TextChoices):
        """Whether the text for search was read out of the file: the worker does it (`tasks.extract_text`) in a
        limited child process; a file it could not read is still kept, marked with `text_problem`."""

        WAITING = "waiting", _("Texten läses ut")
        READ = "read", _("Texten är utläst")
        FAILED = "failed", _("Texten kunde inte läsas ut")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents", verbose_name=_("möte"))
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("ärende"),
    )
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices, default=Kind.ATTACHMENT)
    title = models.CharField(_("titel"), max_length=300)
    number = models.CharField(_("bilagenummer"), max_length=30, blank=True, help_text=_("T.ex. Bilaga 2.1.1."))
    file = models.FileField(_("fil"), upload_to=document_path, max_length=300)
    original_name = models.CharField(_("filnamn"), max_length=300)
    content_type = models.CharField(_("filtyp"), max_length=100)
    size = models.PositiveBigIntegerField(_("storlek (byte)"))
    sha256 = models.CharField(_("kontrollsumma"), max_length=64, db_index=True)
    text = models.TextField(_("text"), blank=True, editable=False)
    text_state = models.CharField(
        _("textutläsning"), max_length=20, choices=TextState.choices, default=TextState.READ, editable=False
    )
    text_problem = models.CharField(_("varför texten inte lästes ut"), max_length=300, blank=True, editable=False)
    visibility = models.CharField(_("synlighet"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    readers = models.ManyToManyField(
        Person,
        blank=True,
        related_name="readable_documents",
        verbose_name=_("namngivna läsare"),
        help_text=_("Personer som får läsa handlingen när den är sekretessmarkerad."),
    )
    uploaded_at = models.DateTimeField(_("uppladdad"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uppladdad av")
    )
    objects = DocumentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["text", "text_state", "text_problem"])

    # What the lock lets change on a document of an item of locked minutes: the text the worker extracts for
    # search, and whether and why it could not.
    free_when_locked = frozenset({"text", "text_state", "text_problem"})

    class Meta:
        ordering = ["item__position", "number", "pk"]
        verbose_name = _("handling")
        verbose_name_plural = _("handlingar")

    def __str__(self):
        return self.title

    def check_not_locked(self):
        """Refuse when this is (or was) a document of an item of locked minutes (`lock.check_document`)."""
        lock.check_document(self)

    def clean(self):
        self.check_not_locked()

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if not (update_fields and set(update_fields) <= self.free_when_locked):
            self.check_not_locked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        # Refuse before Django's own delete transaction starts, so the caller's transaction stays usable.
        self.check_not_locked()
        return super().delete(*args, **kwargs)


class PaperAdjustment(models.Model):
    """Minutes adjusted on paper (signed by hand, KL 5:69 asks only that they are adjusted): the day and who
    signed, as written, and optionally the scan of the signed copy (`document`, a Document of kind SIGNED_COPY of
    the meeting, internal unless chosen otherwise, as it carries signatures). Recording one locks the minutes and
    stores a version exactly as the last digital signature does (`actions.record_paper_adjustment`); old minutes
    imported with their paper adjustment keep its date."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="paper_adjustment", verbose_name=_("möte")
    )
    adjusted_on = models.DateField(_("justerat den"))
    signed_by = models.CharField(_("justerat av"), max_length=300)
    document = models.ForeignKey(
        "Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("underskrivet exemplar"),
        help_text=_("Den skannade kopian av det underskrivna protokollet, en handling till mötet."),
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerat av"),
    )

    class Meta:
        verbose_name = _("justering på papper")
        verbose_name_plural = _("justeringar på papper")

    def __str__(self):
        return f"{self.meeting}: {self.adjusted_on}"


def _day_changed(sender, instance, **kwargs):
    """post_save/post_delete of a MeetingDay: store its meeting's dates, on the meeting it holds too."""
    if kwargs.get("raw"):  # loaddata: the fixture's meetings carry their own dates
        return
    refresh_meeting_dates([instance.meeting_id])
    meeting = MeetingDay._meta.get_field("meeting").get_cached_value(instance, default=None)
    if meeting is not None:
        stored = Meeting.objects.filter(pk=meeting.pk).values("first_day", "last_day").first() or {}
        meeting.first_day, meeting.last_day = stored.get("first_day"), stored.get("last_day")


post_save.connect(_day_changed, sender=MeetingDay, dispatch_uid="meeting_day_dates_saved")
post_delete.connect(_day_changed, sender=MeetingDay, dispatch_uid="meeting_day_dates_deleted")


lock.connect_receivers(
    meeting=Meeting,
    parts=(MeetingDay, AgendaItem, Attendance, Signatory),
    version=MinutesVersion,
    m2m=(Attendance.days.through, Attendance.not_during.through),
    document=Document,
)
