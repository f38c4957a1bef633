"""Surveys (enkäter): a questionnaire kept by a body, sent to chosen people by personal anonymous links.

Who was asked and whether they have answered (`Recipient`) is stored apart from what was answered (`Response`,
`Answer`), with nothing that ties one to the other: the response tables have random UUID keys, no foreign key to a
recipient, no time at all, and `actions.record_response` rewrites a survey's whole set of responses in UUID order
whenever one arrives, so neither SQLite's rowid nor PostgreSQL's physical order (ctid) or transaction id (xmin)
follows the order in which people answered. Recipients and responses have no history (a history row would time
each answer). Survey and Question keep their history like every other record.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.structure.models import Area, Body, Person, Principal

# Bounds, so no survey grows without end (every answer rewrites the survey's responses, see above).
MAX_QUESTIONS = 40
MAX_RECIPIENTS = 2000
MAX_OPTIONS = 20
SCALE = range(1, 6)  # a scale question's answers, 1 (lowest) to 5 (highest)


class Survey(models.Model):
    """A questionnaire of an area, kept by its owner body's secretaries and the area's coordinators. It is a
    draft while its questions are built, open once sent (answers come in), closed when no more answers are taken.
    Its results are public only when `public_results` is set, it is closed and its owner body is public."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        OPEN = "open", _("Skickad, tar emot svar")
        CLOSED = "closed", _("Stängd")

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("område"))
    owner = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("ägs av"),
        help_text=_("Organet som står bakom enkäten; dess sekreterare och områdets samordnare sköter den."),
    )
    title = models.CharField(_("rubrik"), max_length=200)
    introduction = models.TextField(_("inledning"), blank=True, max_length=4000)
    public_results = models.BooleanField(
        _("publicera resultatet"),
        default=False,
        help_text=_("Resultatet visas i portalen när enkäten är stängd (och organet är öppet)."),
    )
    minimum_respondents = models.PositiveSmallIntegerField(
        _("minsta antal svarande"),
        default=5,
        help_text=_("Färre svar än så på en fråga visas inte, så att ingen kan pekas ut."),
    )
    state = models.CharField(_("läge"), max_length=10, choices=State.choices, default=State.DRAFT)
    sent_on = models.DateField(_("skickad"), null=True, blank=True)
    closed_on = models.DateField(_("stängd"), null=True, blank=True)
    bodies = models.ManyToManyField(Body, blank=True, related_name="+", verbose_name=_("organens ledamöter"))
    principals = models.ManyToManyField(
        Principal, blank=True, related_name="+", verbose_name=_("huvudmännens kontaktpersoner")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enkät")
        verbose_name_plural = _("enkäter")
        ordering = ["-pk"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.owner_id and self.area_id and self.owner.area_id != self.area_id:
            raise ValidationError({"owner": _("Organet måste höra till samma samverkansområde.")})
        if self.minimum_respondents is not None and self.minimum_respondents < 1:
            raise ValidationError({"minimum_respondents": _("Minst en svarande.")})

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class Question(models.Model):
    """One question of a survey, shown in `position` order (then by id)."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Skala 1–5")
        YES_NO = "yes_no", _("Ja eller nej")
        CHOICE = "choice", _("Ett av flera alternativ")
        TEXT = "text", _("Fritext")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("ordning"), default=1)
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices, default=Kind.SCALE)
    text = models.CharField(_("fråga"), max_length=500)
    options = models.TextField(
        _("alternativ"),
        blank=True,
        max_length=2000,
        help_text=_("Ett alternativ per rad; bara för frågor med flera alternativ."),
    )
    low_label = models.CharField(_("text vid 1"), max_length=60, blank=True, help_text=_("T.ex. ”Instämmer inte”."))
    high_label = models.CharField(_("text vid 5"), max_length=60, blank=True, help_text=_("T.ex. ”Instämmer helt”."))
    required = models.BooleanField(_("måste besvaras"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    @property
    def option_list(self) -> list[str]:
        """The choice question's options, in the order written, without blank lines."""
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean(self):
        options = self.option_list
        if self.kind == self.Kind.CHOICE:
            if len(options) < 2:
                raise ValidationError({"options": _("Ange minst två alternativ, ett per rad.")})
            if len(options) > MAX_OPTIONS:
                raise ValidationError({"options": _("Högst %(n)s alternativ.") % {"n": MAX_OPTIONS}})
            if len({o.casefold() for o in options}) != len(options):
                raise ValidationError({"options": _("Samma alternativ står två gånger.")})
            if any(len(o) > 200 for o in options):
                raise ValidationError({"options": _("Ett alternativ får vara högst 200 tecken.")})
        elif options:
            raise ValidationError({"options": _("Bara frågor med flera alternativ har alternativ.")})


class Recipient(models.Model):
    """Someone a survey was sent to: who, where the mail went, the hash of their link's secret (never the secret
    itself; None once answered, so nothing then ties the person to a link) and whether they have answered —
    never when, and never what. No history: a history row would time the answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, related_name="+", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    address = models.EmailField(_("e-postadress"))
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    answered = models.BooleanField(_("har svarat"), default=False)
    # The mail: claimed by the worker before sending (exactly once), with the last error when a server refused.
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)  # the day a reminder was asked for
    reminder_sent_on = models.DateField(null=True, blank=True)  # equal to reminded_on once that one is sent
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("mottagare")
        verbose_name_plural = _("mottagare")
        constraints = [
            models.UniqueConstraint(fields=["survey", "address"], name="survey_recipient_address_unique"),
        ]

    def __str__(self):
        return self.address

    @property
    def name(self) -> str:
        if self.person_id:
            return str(self.person)
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.address


class Response(models.Model):
    """One person's answers to one survey, as a set, without anything that says whose or when: a random key,
    the survey, nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")

    def __str__(self):
        return str(self.pk)


class Answer(models.Model):
    """The answer to one question within one response: `value` for scale (1–5), yes/no (1 yes, 0 no) and choice
    (the option's index in `Question.option_list`), `text` for free text. A question left unanswered has no row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=4000)

    class Meta:
        verbose_name = _("svar på fråga")
        verbose_name_plural = _("svar på frågor")

    def __str__(self):
        return str(self.pk)
