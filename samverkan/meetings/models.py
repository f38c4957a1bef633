"""Meetings of the bodies: their days, places and agendas."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.structure.models import Body, Visibility


class MeetingQuerySet(models.QuerySet):
    def with_first_day(self):
        """Annotate `first_day`, the date of the meeting's first day (None when it has no days yet)."""
        return self.annotate(first_day=Min("days__date"))


class Meeting(models.Model):
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

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("organ"))
    title = models.CharField(_("rubrik"), max_length=200, blank=True, help_text=_("Frivillig, t.ex. ”Extra möte”."))
    kind = models.CharField(_("dokumentation"), max_length=20, choices=Kind.choices, default=Kind.MINUTES)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    visibility = models.CharField(_("synlighet"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    plan_year = models.PositiveSmallIntegerField(
        _("årsplan"), null=True, blank=True, help_text=_("Året i den årsplan som skapade mötet.")
    )
    modified = models.DateTimeField(_("senast ändrat"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["modified"])
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")

    def __str__(self):
        return self.title or _("Möte i %(body)s") % {"body": self.body}

    def get_absolute_url(self):
        return reverse("calendar:meeting", args=[self.body.area.slug, self.pk])

    @property
    def is_public(self):
        return self.visibility == Visibility.PUBLIC

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def allowed_statuses(self):
        """Where the meeting may go from here: stay, take the next step, be cancelled before it is held,
        or be planned again after a cancellation."""
        if self.status == self.Status.CANCELLED:
            return [self.Status.CANCELLED, self.Status.PLANNED]
        step = self.FLOW.index(self.status)
        allowed = self.FLOW[step : step + 2]
        if step < self.FLOW.index(self.Status.HELD):
            allowed.append(self.Status.CANCELLED)
        return allowed


class MeetingDay(models.Model):
    """One day of a meeting, with its start and (optional) end time."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="days", verbose_name=_("möte"))
    date = models.DateField(_("datum"))
    start = models.TimeField(_("starttid"))
    end = models.TimeField(_("sluttid"), null=True, blank=True)
    modified = models.DateTimeField(_("senast ändrat"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["modified"])

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("mötesdag")
        verbose_name_plural = _("mötesdagar")
        constraints = [models.UniqueConstraint(fields=["meeting", "date"], name="meeting_day_unique")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.start:%H:%M}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("Sluttiden måste ligga efter starttiden.")})
        if (
            self.meeting_id
            and self.date
            and MeetingDay.objects.filter(meeting_id=self.meeting_id, date=self.date).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"date": _("Mötet har redan en dag med det datumet.")})

    def validate_unique(self, exclude=None):
        # clean() says it in Swedish; the constraint stays as the database's guarantee.
        pass

    def validate_constraints(self, exclude=None):
        pass


class AgendaItem(models.Model):
    """An item (ärende, punkt, §) on a meeting's agenda."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        DECISION = "decision", _("Beslut")
        DISCUSSION = "discussion", _("Diskussion")
        REPORT = "report", _("Rapport")
        FORMAL = "formal", _("Formalia")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Offentlig")
        INTERNAL = "internal", _("Intern (endast organets medlemmar)")
        CONFIDENTIAL = "confidential", _("Sekretess (endast sekreterare och samordnare)")

    class Outcome(models.TextChoices):
        BLANK = "", _("Inte behandlat ännu")
        HANDLED = "handled", _("Behandlat")
        DEFERRED = "deferred", _("Bordlagt")
        STRUCK = "struck", _("Utgår")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("möte"))
    number = models.CharField(_("nummer"), max_length=20, help_text=_("T.ex. 15 (löpande §) eller 2.1."))
    position = models.PositiveIntegerField(_("ordning"), default=0)
    title = models.CharField(_("rubrik"), max_length=300)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.INFORMATION)
    presenters = models.CharField(_("föredragande"), max_length=300, blank=True)
    background = models.TextField(_("bakgrund"), blank=True)
    visibility = models.CharField(_("synlighet"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices, blank=True, default="")
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_number_unique")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def clean(self):
        errors = {}
        number = (self.number or "").strip()
        self.number = number
        if (
            self.meeting_id
            and number
            and AgendaItem.objects.filter(meeting_id=self.meeting_id, number=number).exclude(pk=self.pk).exists()
        ):
            errors["number"] = _("Mötet har redan ett ärende med numret %(number)s.") % {"number": number}
        if self.deferred_to_id and self.outcome != self.Outcome.DEFERRED:
            errors["deferred_to"] = _("Ange bara ett senare möte när ärendet är bordlagt.")
        elif self.deferred_to_id and self.deferred_to_id == self.meeting_id:
            errors["deferred_to"] = _("Ett ärende kan inte bordläggas till samma möte.")
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None):
        pass

    def validate_constraints(self, exclude=None):
        pass
