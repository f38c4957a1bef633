"""Staff forms for goals and measurements. Every choice of records is offered from what the user may see
(`StaffFormMixin.offer`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.agreements.access import visible_agreements
from samverkan.followup.access import visible_goals
from samverkan.followup.measures import MEASURES
from samverkan.followup.models import Goal, Measurement, Source
from samverkan.followup.sources import READERS
from samverkan.lib.forms import PublishedTextMixin
from samverkan.structure.access import principals_of, visible_bodies
from samverkan.structure.forms import DATE, StaffForm
from samverkan.surveys.access import kept_surveys
from samverkan.surveys.models import Question


class GoalForm(PublishedTextMixin, StaffForm):
    """A goal of `area`: owner among the bodies and agreements of the area the user may see, traces-to among the
    area's goals the user may see. The sources offered are those that can be read (`sources.READERS`) and typing."""

    measure = forms.ChoiceField(label=_("Beräknat mått"), required=False)

    class Meta:
        model = Goal
        fields = [
            "code",
            "text",
            "kind",
            "reference_value",
            "reference_date",
            "comparison",
            "target_value",
            "unit",
            "owner_body",
            "owner_agreement",
            "project",
            "traces_to",
            "source",
            "measure",
            "measure_principal",
            "measure_body",
            "survey_question",
            "survey_low",
            "survey_high",
            "survey_minimum",
            "visibility",
        ]
        localized_fields = ["reference_value", "target_value"]  # "62,5" as Swedish is written
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "reference_date": DATE,
            "traces_to": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.area = area
        bodies = visible_bodies(self.user).filter(area=area).order_by("name")
        self.offer("owner_body", bodies)
        self.offer("measure_body", bodies)
        self.offer("owner_agreement", visible_agreements(self.user).filter(area=area).order_by("title", "pk"))
        self.offer("measure_principal", principals_of(area).order_by("name"))
        surveys = kept_surveys(self.user).filter(area=area)
        questions = Question.objects.filter(survey__in=surveys, kind=Question.Kind.SCALE).select_related("survey")
        self.offer("survey_question", questions.order_by("survey__title", "position", "pk"))
        self.fields["survey_question"].label_from_instance = lambda q: f"{q.survey.title}: {q.text}"
        others = visible_goals(self.user).filter(area=area)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.offer("traces_to", others.order_by("code", "pk"))
        self.fields["measure"].choices = [("", "–"), *((m.key, m.label) for m in MEASURES.values())]
        readable = {Source.ENTERED, *READERS}
        self.fields["source"].choices = [(v, label) for v, label in Source.choices if v in readable]

    def validate_unique(self):
        # area is not a form field, so check the per-area uniqueness of the code here with a Swedish message.
        super().validate_unique()
        code = self.cleaned_data.get("code")
        others = Goal.objects.filter(area=self.instance.area).exclude(pk=self.instance.pk)
        if code and others.filter(code=code).exists():
            self.add_error("code", _("Det finns redan ett mål med den koden i området."))


class MeasurementForm(PublishedTextMixin, StaffForm):
    """A measurement typed by staff."""

    class Meta:
        model = Measurement
        fields = ["measured_on", "value", "note"]
        widgets = {"measured_on": DATE}
        localized_fields = ["value"]  # "80,5" as Swedish is written

    def __init__(self, *args, goal, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.goal = goal
