"""The matter (ärende, OParl's Paper): what agenda items are about, and what follow-through hangs on.

It lives on the meetings side so that an agenda item can point at its matter without the meetings app
depending on follow-through; follow-through (assignments, recommendations, the timeline) builds on it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.lib.visibility import Visibility
from samverkan.structure.models import OPEN_OR_INTERNAL, Area, Body


class Matter(models.Model):
    """A matter (ärende) with a case number in a series per area and year, e.g. "KRF 2025/14"."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="matters", verbose_name=_("område"))
    year = models.PositiveSmallIntegerField(_("år"))
    serial = models.PositiveIntegerField(_("löpnummer"))
    title = models.CharField(_("rubrik"), max_length=300)
    body = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matters",
        verbose_name=_("ansvarigt organ"),
        help_text=_("Organets förkortning inleder diarienumret, t.ex. KRF 2025/14."),
    )
    raised_by = models.CharField(_("väckt av"), max_length=200, blank=True)
    raised_on = models.DateField(_("väckt den"), null=True, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    closed_on = models.DateField(_("avslutat den"), null=True, blank=True)
    visibility = models.CharField(_("synlighet"), max_length=20, choices=OPEN_OR_INTERNAL, default=Visibility.PUBLIC)
    # The tables keep the names they had when the model lived in followthrough (see meetings 0002).
    history = HistoricalRecords(table_name="followthrough_historicalmatter")

    class Meta:
        db_table = "followthrough_matter"
        ordering = ["area", "-year", "-serial"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        constraints = [models.UniqueConstraint(fields=["area", "year", "serial"], name="matter_case_number_unique")]

    def __str__(self):
        return f"{self.case_number} {self.title}"

    @property
    def case_number(self):
        prefix = self.body.abbreviation if self.body_id and self.body.abbreviation else ""
        return f"{prefix} {self.year}/{self.serial}".strip()

    @property
    def is_public(self):
        return self.visibility == Visibility.PUBLIC

    def get_absolute_url(self):
        return reverse("followthrough_public:matter", args=[self.area.slug, self.year, self.serial])

    def clean(self):
        errors = {}
        if self.body_id and self.area_id and self.body.area_id != self.area_id:
            errors["body"] = _("Organet måste höra till samma samverkansområde.")
        if self.raised_on and self.closed_on and self.closed_on < self.raised_on:
            errors["closed_on"] = _("Ärendet kan inte avslutas innan det väcktes.")
        if errors:
            raise ValidationError(errors)
