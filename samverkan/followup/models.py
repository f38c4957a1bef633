"""Goals of the collaboration (effect, project and result goals) with targets, and their measurements over time.

A goal belongs to an area and is owned by a body, an agreement or a named project. Its measurements are entered
by staff, computed from the work (`measures.py`, recorded by `actions.record_computed`) or taken from a
survey question (`sources.py`).
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.agreements.models import Agreement
from samverkan.lib.addresses import WebAddressed
from samverkan.lib.visibility import Visibility
from samverkan.structure.models import OPEN_OR_INTERNAL, Area, Body, Principal


class Source(models.TextChoices):
    """Where a goal's measurements come from (and where one measurement came from)."""

    ENTERED = "entered", _("Inmatat")
    COMPUTED = "computed", _("Beräknat")
    SURVEY = "survey", _("Enkät")


class Goal(WebAddressed, models.Model):
    """A goal (mål) with a target: "E1: at least 75 % find the continuity satisfactory" is code "E1", kind effect
    goal, comparison ">=", target value 75, unit "%".

    Owner: a body, an agreement, or a project named in `project` — there is no project register, so a project is a
    name the goal carries (its readers follow the goal's own visibility). `traces_to` links a goal to the goals it
    serves (P1 → E3); the other direction is `traced_from`. A goal is as closed as the stricter of its own
    visibility and its owner body's or agreement's (`access.visible_goals`).
    """

    class Kind(models.TextChoices):
        EFFECT = "effect", _("Effektmål")
        PROJECT = "project", _("Projektmål")
        RESULT = "result", _("Resultatmål")

    class Comparison(models.TextChoices):
        AT_LEAST = ">=", _("minst")
        AT_MOST = "<=", _("högst")
        EQUAL = "=", _("lika med")

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="goals", verbose_name=_("område"))
    code = models.CharField(_("kod"), max_length=20, help_text=_("T.ex. E1 eller P3."))
    text = models.TextField(_("målet"))
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.EFFECT)
    reference_value = models.DecimalField(_("referensvärde"), null=True, blank=True, max_digits=12, decimal_places=2)
    reference_date = models.DateField(_("referensvärdet gäller"), null=True, blank=True)
    comparison = models.CharField(_("jämförelse"), max_length=2, choices=Comparison.choices, default=">=")
    target_value = models.DecimalField(_("målvärde"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("enhet"), max_length=20, blank=True, help_text=_("T.ex. dagar, st eller procenttecknet."))
    owner_body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="goals", verbose_name=_("ägs av organ")
    )
    owner_agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("hör till överenskommelse"),
    )
    project = models.CharField(_("hör till projekt"), max_length=200, blank=True)
    traces_to = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="traced_from", verbose_name=_("bidrar till mål")
    )
    source = models.CharField(_("mäts genom"), max_length=20, choices=Source.choices, default=Source.ENTERED)
    # A computed source: which measure (a key of measures.MEASURES), optionally for one principal or body.
    measure = models.CharField(_("beräknat mått"), max_length=40, blank=True)
    measure_principal = models.ForeignKey(
        Principal, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("för huvudman")
    )
    measure_body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("för organ")
    )
    # A survey source (sources.py): a scale question, the answers that count (low–high on its 1–5 scale) and the
    # fewest respondents for a share to be published.
    survey_question = models.ForeignKey(
        "surveys.Question",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("enkätfråga"),
    )
    survey_low = models.PositiveSmallIntegerField(_("svar från"), null=True, blank=True)
    survey_high = models.PositiveSmallIntegerField(_("svar till"), null=True, blank=True)
    survey_minimum = models.PositiveIntegerField(_("minsta antal svarande"), null=True, blank=True)
    visibility = models.CharField(_("synlighet"), max_length=20, choices=OPEN_OR_INTERNAL, default=Visibility.PUBLIC)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    history = HistoricalRecords(m2m_fields=[traces_to])

    class Meta:
        ordering = ["area", "code", "pk"]
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="goal_code_unique")]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"

    def web_address(self) -> tuple[str, tuple[str | int, ...]]:
        """The public page's view and arguments (`lib.addresses.WebAddressed`)."""
        return "followup_public:goal", (self.area.slug, self.pk)

    @property
    def measure_info(self):
        """The computed measure this goal reads (`measures.Measure`), or None."""
        from samverkan.followup.measures import MEASURES

        return MEASURES.get(self.measure)

    def target_label(self) -> str:
        """The target as a reader sees it: "≥ 75 %"."""
        sign = {">=": "≥", "<=": "≤", "=": "="}[self.comparison]
        return f"{sign} {format_value(self.target_value)} {self.unit}".strip()

    def meets(self, value: Decimal | None) -> bool | None:
        """Whether `value` reaches the target (None when there is no value)."""
        if value is None:
            return None
        if self.comparison == ">=":
            return value >= self.target_value
        if self.comparison == "<=":
            return value <= self.target_value
        return value == self.target_value

    def _survey_errors(self) -> dict[str, Any]:
        """What is missing or wrong in a survey source: a scale question of a survey of this area, a range within
        1–5 and a minimum of at least one respondent."""
        errors: dict[str, Any] = {}
        question = self.survey_question
        if question is None:
            errors["survey_question"] = _("Välj vilken enkätfråga målet mäts genom.")
        elif question.kind != "scale" or (self.area_id and question.survey.area_id != self.area_id):
            errors["survey_question"] = _("Välj en fråga med skala 1–5 i en enkät i samma samverkansområde.")
        for field in ("survey_low", "survey_high"):
            value = getattr(self, field)
            if value is None or not 1 <= value <= 5:
                errors[field] = _("Ange ett svar mellan 1 och 5.")
        if not self.survey_minimum:
            errors["survey_minimum"] = _("Ange minsta antal svarande (minst 1).")
        return errors

    def clean(self):
        from samverkan.followup.measures import MEASURES  # measures reads the work's models; models stay light

        errors = {}
        owners = [bool(self.owner_body_id), bool(self.owner_agreement_id), bool(self.project.strip())]
        if sum(owners) != 1:
            errors["owner_body"] = _("Ange en ägare: ett organ, en överenskommelse eller ett projekt.")
        if self.area_id:
            for field in ("owner_body", "owner_agreement", "measure_principal", "measure_body"):
                other = getattr(self, field)
                if other is not None and other.area_id != self.area_id:
                    errors[field] = _("Måste höra till samma samverkansområde.")
        if self.source == Source.COMPUTED and self.measure not in MEASURES:
            errors["measure"] = _("Välj vilket mått som ska beräknas.")
        if self.source != Source.COMPUTED and (self.measure or self.measure_principal_id or self.measure_body_id):
            errors["measure"] = _("Ett beräknat mått anges bara när målet mäts genom beräkning.")
        if self.measure and self.measure in MEASURES:
            by = MEASURES[self.measure].by
            if self.measure_principal_id and by != "principal":
                errors["measure_principal"] = _("Måttet räknas inte per huvudman.")
            if self.measure_body_id and by != "body":
                errors["measure_body"] = _("Måttet räknas inte per organ.")
        if self.survey_low and self.survey_high and self.survey_low > self.survey_high:
            errors["survey_high"] = _("Svaret till kan inte vara lägre än svaret från.")
        if self.source == Source.SURVEY:
            errors |= self._survey_errors()
        elif self.survey_question_id:
            errors["survey_question"] = _("En enkätfråga anges bara när målet mäts genom en enkät.")
        if errors:
            raise ValidationError(errors)


def format_value(value: Decimal | float | int | None) -> str:
    """A value as written in Swedish: decimal comma, no trailing zeros ("75", "62,5"); "–" for None."""
    if value is None:
        return "–"
    text = f"{Decimal(value).quantize(Decimal('0.1')):f}"
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",")


class Measurement(models.Model):
    """One measured value of a goal on a day; `source` says how it was got, `note` e.g. "62 svarande"."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("mål"))
    measured_on = models.DateField(_("datum"))
    value = models.DecimalField(_("värde"), max_digits=12, decimal_places=2)
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices, default=Source.ENTERED)
    note = models.CharField(_("kommentar"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("registrerat"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "-measured_on", "-pk"]
        verbose_name = _("mätning")
        verbose_name_plural = _("mätningar")
        indexes = [models.Index(fields=["goal", "measured_on"], name="measurement_goal_day")]

    def __str__(self):
        return f"{self.goal.code} {self.measured_on}: {self.value}"

    def clean(self):
        if self.measured_on and self.measured_on > timezone.localdate():
            raise ValidationError({"measured_on": _("En mätning kan inte ligga i framtiden.")})
