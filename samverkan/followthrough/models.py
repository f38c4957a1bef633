"""Follow-through: matters and their timeline, assignments, recommendations and each principal's decision."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_init, post_save, pre_delete
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from samverkan.lib.addresses import WebAddressed
from samverkan.lib.mail_queue import QueuedMail
from samverkan.lib.visibility import Visibility
from samverkan.lib.watched import WatchedUpdateQuerySet, rows_updated, watch_updates
from samverkan.meetings.matters import Matter  # the model lives with the meetings; see meetings/matters.py
from samverkan.meetings.models import AgendaItem, Meeting, meeting_dates_changed, unlisted_rule
from samverkan.structure.models import Area, Body, Person, Principal


def first_day_of(meeting_field):
    """An expression for the first day of the meeting that `meeting_field` points at ("report_back_meeting",
    "item__meeting_id", or "pk" on Meeting itself): its stored `Meeting.first_day`, a join rather than a subquery
    per row."""
    if meeting_field == "pk":
        return F("first_day")
    return F(f"{meeting_field.removesuffix('_id')}__first_day")


def due_expression():
    """The effective due date of an Assignment row as an expression: its `due_date`, else its report-back
    meeting's stored first day (a subquery by primary key), else NULL. What `Assignment.due` stores."""
    first_day = Meeting.objects.filter(pk=OuterRef("report_back_meeting_id")).values("first_day")[:1]
    return Coalesce("due_date", Subquery(first_day))


# The fields `Assignment.due` is computed from: a save or update of one of them stores it again.
DUE_SOURCES = {"due_date", "report_back_meeting", "report_back_meeting_id"}


# From an agenda item to the deciding area its assignments and recommendations store.
ITEM_AREA = "meeting__body__area_id"


def public_item_rule(prefix: str = "item__") -> Q:
    """Q for a public item of a public meeting of a public body whose minutes are published (what was decided
    there is public from then: RULES.md, offentlighetsprincipen, TF 2 kap.), reached through `prefix` ("" on
    AgendaItem); never of imported minutes before they are published (`meetings.models.unlisted_rule`). For a
    visitor it is the same rule as `meetings.access.readable_items_rule(None) & decisions_readable_rule(None)`
    (a test holds the two together); what `StoresArea.public` stores. No query."""
    return Q(
        **{
            f"{prefix}visibility": Visibility.PUBLIC,
            f"{prefix}meeting__visibility": Visibility.PUBLIC,
            f"{prefix}meeting__body__visibility": Visibility.PUBLIC,
            f"{prefix}meeting__status": Meeting.Status.PUBLISHED,
        }
    ) & ~unlisted_rule(f"{prefix}meeting__")


def area_of_item():
    """An expression for the deciding area of an Assignment or Recommendation row: the area of its item's
    meeting's body (a subquery by the item's primary key). What their stored `area` holds."""
    return Subquery(AgendaItem.objects.filter(pk=OuterRef("item_id")).values(ITEM_AREA)[:1])


def public_of_item(item: str = "item_id"):
    """A boolean expression: whether the item `item` points at (a field of the row, or "pk" on AgendaItem) is
    public by `public_item_rule` (an EXISTS by primary key). What the stored `public` holds."""
    return Exists(AgendaItem.objects.filter(public_item_rule(""), pk=OuterRef(item)))


def refresh_from_items(rule: Q) -> int:
    """Store the `area` (`area_of_item`) and `public` (`public_of_item`) of the assignments and recommendations
    matching `rule` (a Q valid on both, e.g. `Q(item__meeting_id=3)`) from their items as they are now: for when an
    item moved to another meeting, a meeting to another body or a body to another area, or an item, meeting or body
    changed what the public may see. One UPDATE per model; returns the rows updated."""
    return sum(
        models.QuerySet(model).filter(rule).update(area_id=area_of_item(), public=public_of_item())
        for model in (Assignment, Recommendation)
    )


# The fields the stored `area` and `public` are computed from on the row itself: an update of one stores them again.
ITEM_FIELDS = {"item", "item_id"}


def _from_items(item_ids) -> dict[int, tuple[int, bool]]:
    """(area id, public) by agenda item id, for the items `item_ids` (ints) as they are now (`ITEM_AREA`,
    `public_of_item`): one query per 500 items."""
    wanted = sorted(set(item_ids))
    found: dict[int, tuple[int, bool]] = {}
    for start in range(0, len(wanted), 500):
        rows = (
            AgendaItem.objects.filter(pk__in=wanted[start : start + 500])
            .annotate(shown=public_of_item("pk"))
            .values_list("pk", ITEM_AREA, "shown")
        )
        found.update((pk, (area, bool(shown))) for pk, area, shown in rows)
    return found


def _fill_from_items(objs) -> None:
    """Set `area_id` (where none is given) and `public` of unsaved Assignment/Recommendation instances from their
    items, for bulk_create (`_from_items`). `public` is always looked up, never taken as given."""
    found = _from_items(o.item_id for o in objs if o.item_id)
    for o in objs:
        area, shown = found.get(o.item_id, (None, False))
        if o.area_id is None:
            o.area_id = area
        o.public = shown
        o._stored_item_id = o.item_id


class StoresArea(models.Model):
    """The stored deciding area and public flag of an Assignment or Recommendation (issue 11).

    `area` is the area of its item's meeting's body, so an area's lists read only the area's rows (an index
    beginning with it) instead of walking every agenda item of the nation. `public` is `public_item_rule` on its
    item, so a visitor's lists read the public rows of an area from the same index instead of checking item,
    meeting and body of each row. Both are written by save() when the item is new or changed, by the QuerySets'
    bulk_create and update, and by `refresh_from_items` when an item, meeting or body changes what they come from
    (moved, or another visibility or status: the `_item_source_changed` signal receivers below). A stale `public`
    would show or hide rows wrongly, so every way the portal changes those fields passes a receiver; SQL written
    by hand past the ORM must call `refresh_from_items` itself."""

    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the lists' indexes begin with it
        verbose_name=_("samverkansområde"),
    )
    public = models.BooleanField(_("offentligt"), default=False, editable=False)

    item_id: int  # the concrete models' item (Assignment.item, Recommendation.item)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_item_id = instance.__dict__.get("item_id")
        return instance

    def _store_area(self, kwargs: dict) -> None:
        """Set `area_id` and `public` before a save when the item is new or changed (one query); widen
        `update_fields` to them."""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not ITEM_FIELDS & set(update_fields):
            return
        if self.area_id is not None and self.item_id == getattr(self, "_stored_item_id", None):
            return
        found = _from_items([self.item_id]).get(self.item_id)
        if found is None:  # no such item: the save fails on the item's foreign key, as it would without this
            return
        self.area_id, self.public = found
        self._stored_item_id = self.item_id
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "area", "public"}


def refresh_assignment_dues(rule: Q) -> int:
    """Store `Assignment.due` (`due_expression`) of the assignments matching `rule` (a Q on Assignment) from their
    due date and report-back meeting as they are now. One UPDATE; returns the rows updated."""
    return models.QuerySet(Assignment).filter(rule).update(due=due_expression())


class StoresAreaQuerySet(WatchedUpdateQuerySet):
    """The QuerySet of a model with a stored `area` and `public` (`StoresArea`): `update` (`lib.watched`, which
    reads the keys before an update of a source and calls `rows_changed` after it) and `bulk_create` keep the
    stored columns in step. A subclass with more stored columns names their sources (`stored_sources`) and
    extends `rows_changed`."""

    stored_sources = ITEM_FIELDS

    def watched_fields(self) -> set[str]:
        return self.stored_sources

    def rows_changed(self, pks: list[Any], fields: set[str]) -> None:
        """Store again what the updated `fields` of the rows `pks` feed. One UPDATE per stored source."""
        if ITEM_FIELDS & fields:
            models.QuerySet(self.model).filter(pk__in=pks).update(area_id=area_of_item(), public=public_of_item())

    def bulk_create(self, objs, *args: Any, **kwargs: Any):
        objs = list(objs)
        _fill_from_items(objs)
        return super().bulk_create(objs, *args, **kwargs)


class AssignmentQuerySet(StoresAreaQuerySet):
    """Assignment's QuerySet: bulk writes keep the stored `due` too (`refresh_assignment_dues`)."""

    stored_sources = ITEM_FIELDS | DUE_SOURCES

    def overdue(self, today=None):
        """Open assignments whose stored `due` is before `today` (default today). No query until read."""
        today = today or timezone.localdate()
        return self.filter(status=Assignment.Status.OPEN, due__lt=today)

    def rows_changed(self, pks: list[Any], fields: set[str]) -> None:
        if DUE_SOURCES & fields:
            refresh_assignment_dues(Q(pk__in=pks))
        super().rows_changed(pks, fields)

    def bulk_create(self, objs, *args: Any, **kwargs: Any):
        objs = list(objs)
        meetings = {o.report_back_meeting_id for o in objs if o.due_date is None and o.report_back_meeting_id}
        first_days = dict(Meeting.objects.filter(pk__in=meetings).values_list("pk", "first_day")) if meetings else {}
        for o in objs:
            o.due = o.due_date or first_days.get(o.report_back_meeting_id)
        return super().bulk_create(objs, *args, **kwargs)


class Assignment(StoresArea):
    """An assignment (uppdrag) given at an item to a body, a person or a principal, to be reported back."""

    class Status(models.TextChoices):
        OPEN = "open", _("Pågår")
        REPORTED = "reported", _("Återrapporterat")
        DONE = "done", _("Klart")
        CANCELLED = "cancelled", _("Avbrutet")

    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("beslutat vid")
    )
    matter = models.ForeignKey(
        Matter, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments", verbose_name=_("ärende")
    )
    assignee_body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments", verbose_name=_("organ")
    )
    assignee_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments", verbose_name=_("person")
    )
    assignee_principal = models.ForeignKey(
        Principal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("huvudman"),
    )
    description = models.TextField(_("uppdraget"), help_text=_("Vad ska göras?"))
    due_date = models.DateField(_("klart senast"), null=True, blank=True)
    report_back_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("återrapporteras vid mötet"),
    )
    report_to = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="assignments_to_report", verbose_name=_("återrapporteras till")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    reported_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_assignments",
        verbose_name=_("återrapporterat vid ärende"),
    )
    created_at = models.DateTimeField(_("skapat"), default=timezone.now, editable=False)
    # The effective due date (`due_expression`): `due_date`, else the report-back meeting's first day, else None;
    # stored so lists sort and page by an index instead of computing it for every row (issue 11). Written by save(),
    # the QuerySet's bulk_create and update, and `refresh_assignment_dues` when a meeting's stored dates change
    # (meetings' `meeting_dates_changed`) or the meeting is deleted.
    due = models.DateField(_("förfallodag"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["due", "area", "public"])
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("uppdrag")
        verbose_name_plural = _("uppdrag")
        # An area's lists (staff, public, the overview's overdue ones) are read in the order of `due`.
        indexes = [
            models.Index(fields=["due", "id"], name="assignment_due"),
            models.Index(fields=["area", "due", "id"], name="assignment_area_due"),
            models.Index(fields=["area", "public", "due", "id"], name="assignment_area_public_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(assignee_body__isnull=False, assignee_person__isnull=True, assignee_principal__isnull=True)
                    | Q(assignee_body__isnull=True, assignee_person__isnull=False, assignee_principal__isnull=True)
                    | Q(assignee_body__isnull=True, assignee_person__isnull=True, assignee_principal__isnull=False)
                ),
                name="assignment_has_one_assignee",
            )
        ]

    def __str__(self):
        return f"{self.assignee}: {self.description[:60]}"

    @property
    def assignee(self):
        return self.assignee_body or self.assignee_person or self.assignee_principal

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, storing `due` from `due_date` and the report-back meeting (one query more when only the meeting
        gives it); an `update_fields` naming a source of `due` writes `due` too. The stored `area` as
        `StoresArea` says."""
        self._store_area(kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or DUE_SOURCES & set(update_fields):
            self.due = self._effective_due()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "due"}
        super().save(*args, **kwargs)

    def _effective_due(self):
        if self.due_date or not self.report_back_meeting_id:
            return self.due_date
        # The stored first day as it is now, never from a possibly stale cached meeting.
        return Meeting.objects.filter(pk=self.report_back_meeting_id).values_list("first_day", flat=True).first()

    def due_day(self):
        """The date by which it is due (the due date, or the report-back meeting's first day): the stored `due`
        of a saved assignment; an unsaved one computes it (one query at most)."""
        if self.pk is not None:
            return self.due
        return self._effective_due()

    def is_overdue(self, today=None):
        due = self.due_day()
        return self.status == self.Status.OPEN and due is not None and due < (today or timezone.localdate())

    def clean(self):
        errors = {}
        assignees = [f for f in ("assignee_body", "assignee_person", "assignee_principal") if getattr(self, f"{f}_id")]
        if len(assignees) != 1:
            errors["assignee_body"] = _("Ange exakt en mottagare: ett organ, en person eller en huvudman.")
        if not self.due_date and not self.report_back_meeting_id:
            errors["due_date"] = _("Ange ett datum eller ett möte då uppdraget ska återrapporteras.")
        area_id = self.item.meeting.body.area_id if self.item_id else None
        if area_id:
            if self.report_to_id and self.report_to.area_id != area_id:
                errors["report_to"] = _("Organet måste höra till samma samverkansområde.")
            if self.assignee_body_id and self.assignee_body.area_id != area_id:
                errors["assignee_body"] = _("Organet måste höra till samma samverkansområde.")
            if self.assignee_principal_id and self.assignee_principal.area_id != area_id:
                errors["assignee_principal"] = _("Huvudmannen måste höra till samma samverkansområde.")
            if self.matter_id and self.matter.area_id != area_id:
                errors["matter"] = pgettext_lazy("matter", "Ärendet måste höra till samma samverkansområde.")
        if self.report_back_meeting_id and self.report_to_id and self.report_back_meeting.body_id != self.report_to_id:
            errors["report_back_meeting"] = _("Mötet måste vara ett möte i det organ som uppdraget rapporteras till.")
        if self.status == self.Status.REPORTED and not self.reported_item_id:
            errors["reported_item"] = _("Ange vid vilket ärende uppdraget återrapporterades.")
        if self.reported_item_id and area_id and self.reported_item.meeting.body.area_id != area_id:
            errors["reported_item"] = _("Ärendet måste höra till samma samverkansområde.")
        if errors:
            raise ValidationError(errors)


class Recommendation(WebAddressed, StoresArea):
    """A recommendation to the principals (rekommendation till huvudmännen), decided at an item.

    The principals addressed are the ones with a PrincipalDecision row; each row starts as pending.
    """

    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("beslutat vid")
    )
    matter = models.ForeignKey(
        Matter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("ärende"),
    )
    title = models.CharField(_("rubrik"), max_length=300)
    text = models.TextField(_("rekommendationen"), help_text=_("Det huvudmännen ombeds besluta."))
    decided_on = models.DateField(_("beslutsdatum"))
    deadline = models.DateField(_("svar senast"))
    reported_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_recommendations",
        verbose_name=_("utfallet återrapporterat vid ärende"),
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    # How many principals are asked and how many of them have not decided: the board's figures per year read
    # these instead of counting every PrincipalDecision on each request (issue 11). Written only by
    # `refresh_decision_counts`, which every write of decisions runs (PrincipalDecision's save and delete signals,
    # its QuerySet's update and bulk_create); a recommendation's own save() never writes them.
    decisions_asked = models.PositiveIntegerField(_("tillfrågade huvudmän"), default=0, editable=False)
    decisions_pending = models.PositiveIntegerField(_("beslut som väntar"), default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["decisions_asked", "decisions_pending", "area", "public"])
    objects = StoresAreaQuerySet.as_manager()  # bulk_create and an update of the item store `area` and `public`

    COUNT_FIELDS = ("decisions_asked", "decisions_pending")

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("rekommendation")
        verbose_name_plural = _("rekommendationer")
        # The board is read one year at a time, latest first (followthrough/public.py); an area's lists by area.
        indexes = [
            models.Index(fields=["decided_on", "id"], name="recommendation_decided"),
            models.Index(fields=["area", "decided_on", "id"], name="recommendation_area_decided"),
            models.Index(fields=["area", "public", "decided_on", "id"], name="recommendation_area_public"),
        ]

    def __str__(self):
        return self.title

    def web_address(self) -> tuple[str, tuple[str | int, ...]]:
        """The public page's view and arguments (`lib.addresses.WebAddressed`)."""
        return "followthrough_public:recommendation", (self.item.meeting.body.area.slug, self.pk)

    def save(self, *args, **kwargs):
        """Save, never writing the decision counts from this instance; the stored `area` as `StoresArea` says."""
        self._store_area(kwargs)
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # The counts are the decisions' to write (refresh_decision_counts), never a stale instance's.
            skipped = {*self.COUNT_FIELDS, *self.get_deferred_fields()}  # deferred: as Django's own save() leaves them
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.attname not in skipped
            ]
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.decided_on and self.deadline and self.deadline < self.decided_on:
            errors["deadline"] = _("Svarsdatum kan inte ligga före beslutsdatum.")
        # Decided at the item's meeting: not before its first day, nor after today (principals were sent one
        # "decided" months before the meeting that was to decide it).
        first_day = self.item.meeting.first_day if self.item_id else None
        if self.decided_on and self.decided_on > timezone.localdate():
            errors["decided_on"] = _("Beslutsdatumet kan inte ligga i framtiden.")
        elif self.decided_on and first_day and self.decided_on < first_day:
            errors["decided_on"] = _(
                "Rekommendationen beslutades vid mötet %(day)s och kan inte vara beslutad före det."
            ) % {"day": first_day.isoformat()}
        area_id = self.item.meeting.body.area_id if self.item_id else None
        if self.matter_id and area_id and self.matter.area_id != area_id:
            errors["matter"] = pgettext_lazy("matter", "Ärendet måste höra till samma samverkansområde.")
        if self.reported_item_id and area_id and self.reported_item.meeting.body.area_id != area_id:
            errors["reported_item"] = _("Ärendet måste höra till samma samverkansområde.")
        if errors:
            raise ValidationError(errors)


def refresh_decision_counts(recommendation_ids) -> None:
    """Store `Recommendation.decisions_asked`/`decisions_pending` of the recommendations with these ids (an
    iterable of ints) from their PrincipalDecision rows as they are now. One UPDATE per 500 recommendations."""
    rows = PrincipalDecision.objects.filter(recommendation_id=OuterRef("pk")).order_by().values("recommendation_id")
    counted = Count("pk")
    pending = Count("pk", filter=Q(outcome=PrincipalDecision.Outcome.PENDING))
    ids = sorted(set(recommendation_ids))
    for start in range(0, len(ids), 500):
        Recommendation.objects.filter(pk__in=ids[start : start + 500]).update(
            decisions_asked=Coalesce(Subquery(rows.annotate(n=counted).values("n")), 0),
            decisions_pending=Coalesce(Subquery(rows.annotate(n=pending).values("n")), 0),
        )


class PrincipalDecisionQuerySet(models.QuerySet["PrincipalDecision"]):
    """PrincipalDecision's QuerySet: bulk writes keep their recommendations' counts too."""

    def update(self, **fields):
        recommendations = list(self.order_by().values_list("recommendation_id", flat=True).distinct())
        changed = super().update(**fields)
        moved_to = fields.get("recommendation_id", getattr(fields.get("recommendation"), "pk", None))
        refresh_decision_counts(recommendations + ([moved_to] if moved_to else []))
        return changed

    def bulk_create(self, objs, *args, **kwargs):
        made = super().bulk_create(objs, *args, **kwargs)
        refresh_decision_counts({d.recommendation_id for d in made})
        return made


def decision_document_path(decision, filename):
    return f"principal-decisions/{decision.recommendation_id}/{decision.principal_id}/{filename}"


class PrincipalDecision(models.Model):
    """One principal's decision on a recommendation (huvudmannens beslut); pending until recorded."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Inte beslutat")
        ADOPTED = "adopted", _("Bifall")
        PARTLY_ADOPTED = "partly_adopted", _("Delvis bifall")
        REJECTED = "rejected", _("Avslag")
        SENT_BACK = "sent_back", _("Återremitterat")
        WILL_NOT_DECIDE = "will_not_decide", _("Beslutar inte")

    # Outcomes that say a decision was taken on a given day in a given body.
    TAKEN = (Outcome.ADOPTED, Outcome.PARTLY_ADOPTED, Outcome.REJECTED, Outcome.SENT_BACK)

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("rekommendation")
    )
    principal = models.ForeignKey(
        Principal, on_delete=models.PROTECT, related_name="recommendation_decisions", verbose_name=_("huvudman")
    )
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    deciding_body = models.CharField(
        _("beslutande organ"), max_length=200, blank=True, help_text=_("T.ex. Kommunfullmäktige eller Regionstyrelsen.")
    )
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    reference = models.CharField(_("paragraf"), max_length=100, blank=True, help_text=_("T.ex. KF § 45."))
    link = models.URLField(_("länk till beslutet"), max_length=500, blank=True)
    document = models.FileField(_("beslutsdokument"), upload_to=decision_document_path, max_length=300, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)
    # When the decision was first recorded, and whether through the dispatch's link (followthrough/dispatch.py).
    answered_at = models.DateTimeField(_("besvarat"), null=True, blank=True)
    answered_by_link = models.BooleanField(_("registrerat via länken i utskicket"), default=False)
    modified = models.DateTimeField(_("senast ändrat"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["modified"])
    objects = PrincipalDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["principal__kind", "principal__name"]
        verbose_name = _("huvudmannens beslut")
        verbose_name_plural = _("huvudmännens beslut")
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "principal"], name="principal_decision_unique")
        ]

    def __str__(self):
        return f"{self.principal}: {self.get_outcome_display()}"

    @property
    def is_pending(self):
        return self.outcome == self.Outcome.PENDING

    def clean(self):
        errors = {}
        if self.outcome in self.TAKEN:
            if not self.decided_on:
                errors["decided_on"] = _("Ange när beslutet fattades.")
            if not self.deciding_body.strip():
                errors["deciding_body"] = _("Ange vilket organ som fattade beslutet.")
        if self.decided_on and self.decided_on > timezone.localdate():
            errors["decided_on"] = _("Beslutsdatumet kan inte ligga i framtiden.")
        if (
            self.decided_on
            and self.recommendation_id
            and self.recommendation.decided_on
            and self.decided_on < self.recommendation.decided_on
        ):
            errors["decided_on"] = _("Beslutet kan inte fattas före rekommendationen.")
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None):
        pass

    def validate_constraints(self, exclude=None):
        pass


class Dispatch(QueuedMail):
    """The dispatch (expediering) of a recommendation to one principal: one e-mail to its registry address and
    contacts (`addresses`, comma-separated) with the recommendation, the deadline, the protokollsutdrag and a
    personal link to record the decision (followthrough/dispatch.py). Recorded in the transaction that sends the
    recommendation, sent by the task worker after commit; `claimed_at` while a worker sends it, `sent_at` once it
    went out, `error` why the last try failed. `nonce` makes the link this dispatch's own."""

    decision = models.OneToOneField(
        PrincipalDecision, on_delete=models.CASCADE, related_name="dispatch", verbose_name=_("huvudmannens beslut")
    )
    addresses = models.CharField(_("skickat till"), max_length=1000)
    nonce = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("utskick till huvudman")
        verbose_name_plural = _("utskick till huvudmän")

    def __str__(self):
        return f"{self.decision} → {self.addresses}"

    @property
    def address_list(self) -> list[str]:
        return [a for a in self.addresses.split(",") if a]


class SentReminder(models.Model):
    """That a reminder of one kind about one object was sent. The unique constraints make a second sending
    impossible: the row is written before the e-mail goes out, so a restarted worker finds it and skips."""

    class Kind(models.TextChoices):
        ASSIGNMENT_DUE = "assignment_due", _("Uppdrag: påminnelse före datum")
        ASSIGNMENT_OVERDUE = "assignment_overdue", _("Uppdrag: försenat")
        DECISION_DUE = "decision_due", _("Rekommendation: påminnelse före svarsdatum")
        DECISION_OVERDUE = "decision_overdue", _("Rekommendation: svarsdatum passerat")

    kind = models.CharField(_("slag"), max_length=30, choices=Kind.choices)
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    decision = models.ForeignKey(
        PrincipalDecision, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    claimed_at = models.DateTimeField(_("beslutad"))
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("antal mottagare"), default=0)
    claimed_by = models.CharField(_("skickad av"), max_length=100, blank=True)

    class Meta:
        ordering = ["claimed_at"]
        verbose_name = _("skickad påminnelse")
        verbose_name_plural = _("skickade påminnelser")
        constraints = [
            models.UniqueConstraint(fields=["kind", "assignment"], name="reminder_once_per_assignment"),
            models.UniqueConstraint(fields=["kind", "decision"], name="reminder_once_per_decision"),
            models.CheckConstraint(
                condition=Q(assignment__isnull=False, decision__isnull=True)
                | Q(assignment__isnull=True, decision__isnull=False),
                name="reminder_has_one_object",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.assignment_id or self.decision_id}"


def _decision_changed(sender, instance, **kwargs):
    """post_save/post_delete of a PrincipalDecision: store its recommendation's counts, on the recommendation it
    holds too."""
    if kwargs.get("raw"):
        return
    refresh_decision_counts([instance.recommendation_id])
    held = PrincipalDecision._meta.get_field("recommendation").get_cached_value(instance, default=None)
    if held is not None:
        stored = Recommendation.objects.filter(pk=held.pk).values(*Recommendation.COUNT_FIELDS).first() or {}
        held.decisions_asked = stored.get("decisions_asked", 0)
        held.decisions_pending = stored.get("decisions_pending", 0)


post_save.connect(_decision_changed, sender=PrincipalDecision, dispatch_uid="principal_decision_counts_saved")
post_delete.connect(_decision_changed, sender=PrincipalDecision, dispatch_uid="principal_decision_counts_deleted")


def _meeting_dates_changed(sender, meeting_ids, **kwargs):
    """meetings' `meeting_dates_changed`: the assignments reported back at those meetings without a due date of
    their own take the meetings' new first day. One UPDATE."""
    refresh_assignment_dues(Q(report_back_meeting_id__in=meeting_ids, due_date__isnull=True))


def _meeting_deleted(sender, instance, **kwargs):
    """pre_delete of a Meeting: its assignments lose their report-back meeting (SET_NULL, an UPDATE that bypasses
    save() and the QuerySet), so those without a due date of their own have none left. One UPDATE."""
    models.QuerySet(Assignment).filter(report_back_meeting=instance, due_date__isnull=True).update(due=None)


# Where an Assignment's or Recommendation's stored `area` and `public` come from: an item's meeting and visibility,
# a meeting's body, visibility and publication, a body's area and visibility (the fields `public_item_rule` and
# ITEM_AREA read). Each can change, so each instance notes the values it was loaded or created with (post_init, no
# query) and a save that changed one stores the rows it reaches again (one UPDATE per model; no query when nothing
# changed). The path leads from an Assignment/Recommendation to the instance.
ITEM_SOURCES: dict[type[models.Model], tuple[tuple[str, ...], str]] = {
    AgendaItem: (("meeting_id", "visibility"), "item_id"),
    Meeting: (
        ("body_id", "visibility", "status", "imported", "invited_at", "agenda_published_at"),
        "item__meeting_id",
    ),
    Body: (("area_id", "visibility"), "item__meeting__body_id"),
}


def _note_item_source(sender, instance, **kwargs):
    """post_init of an item, meeting or body: the values its followed rows' area and public flag come from, as
    loaded (a field not loaded: None)."""
    fields = ITEM_SOURCES[sender][0]
    instance._item_source = tuple(instance.__dict__.get(f) for f in fields)


def _item_source_changed(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """post_save of an item, meeting or body: when one of its `ITEM_SOURCES` fields differs from what it was
    loaded with (or was not loaded: `only()`), the assignments and recommendations it reaches store their area and
    public flag again (`refresh_from_items`). A new item, meeting or body has none yet."""
    fields, path = ITEM_SOURCES[sender]
    now = tuple(instance.__dict__.get(f) for f in fields)
    before = getattr(instance, "_item_source", None)
    instance._item_source = now
    if created or raw or now == before:
        return
    if update_fields is not None and not {n for f in fields for n in (f, f.removesuffix("_id"))} & set(update_fields):
        return
    refresh_from_items(Q(**{path: instance.pk}))


def _sources_updated(sender, pks, fields, **kwargs):
    """`lib.watched.rows_updated` of items, meetings or bodies: a QuerySet update set one of their `ITEM_SOURCES`
    fields (no post_save is sent), so the assignments and recommendations they reach store area and public flag
    again. One UPDATE per model per 500 rows."""
    path = ITEM_SOURCES[sender][1]
    for start in range(0, len(pks), 500):
        refresh_from_items(Q(**{f"{path}__in": pks[start : start + 500]}))


for _source in ITEM_SOURCES:
    watch_updates(_source, {n for f in ITEM_SOURCES[_source][0] for n in (f, f.removesuffix("_id"))})
    rows_updated.connect(_sources_updated, sender=_source, dispatch_uid=f"followthrough_sources_{_source.__name__}")
    post_init.connect(_note_item_source, sender=_source, dispatch_uid=f"followthrough_item_source_{_source.__name__}")
    post_save.connect(
        _item_source_changed, sender=_source, dispatch_uid=f"followthrough_item_source_saved_{_source.__name__}"
    )

meeting_dates_changed.connect(_meeting_dates_changed, dispatch_uid="assignment_due_from_meeting_dates")
pre_delete.connect(_meeting_deleted, sender=Meeting, dispatch_uid="assignment_due_meeting_deleted")
