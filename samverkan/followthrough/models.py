"""Follow-through: matters and their timeline, assignments, recommendations and each principal's decision."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.structure.models import Area, Visibility


class Matter(models.Model):
    """A matter (ärende) with a case number in a series per area and year, e.g. "KRF 2025/14"."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="matters", verbose_name=_("område"))
    year = models.PositiveSmallIntegerField(_("år"))
    serial = models.PositiveIntegerField(_("löpnummer"))
    title = models.CharField(_("rubrik"), max_length=300)
    raised_by = models.CharField(_("väckt av"), max_length=200, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    visibility = models.CharField(_("synlighet"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "-year", "-serial"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        constraints = [models.UniqueConstraint(fields=["area", "year", "serial"], name="matter_case_number_unique")]

    def __str__(self):
        return f"{self.year}/{self.serial} {self.title}"
