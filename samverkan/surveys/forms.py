"""Forms of surveys: the staff forms (a survey, a question, the audience to send to), every choice of records
offered from what the user may see (`StaffFormMixin.offer`), and the answer form built from a survey's questions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.lib.forms import CleanForm
from samverkan.lib.personal_numbers import find_personal_numbers
from samverkan.structure.forms import StaffForm
from samverkan.surveys.access import audience_bodies, audience_principals, owner_bodies
from samverkan.surveys.models import SCALE, Question, Survey

MAX_TEXT = 4000


class SurveyForm(StaffForm):
    class Meta:
        model = Survey
        fields = ["title", "introduction", "owner", "public_results", "minimum_respondents"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.area = area
        self.offer("owner", owner_bodies(self.user, area))
        self.fields["minimum_respondents"].widget.attrs["min"] = 1

    def clean_minimum_respondents(self):
        """At least one; once the survey is sent, only raised: lowering it would publish answers that were withheld
        as too few to keep the respondents anonymous."""
        value = self.cleaned_data.get("minimum_respondents")
        if value is None or value < 1:
            raise forms.ValidationError(_("Ange minsta antal svarande (minst 1)."))
        stored = Survey.objects.filter(pk=self.instance.pk).values_list("state", "minimum_respondents").first()
        if stored and stored[0] != Survey.State.DRAFT and value < stored[1]:
            raise forms.ValidationError(
                _("När enkäten är skickad kan minsta antal svarande bara höjas, inte sänkas (nu %(n)s).")
                % {"n": stored[1]}
            )
        return value


class QuestionForm(StaffForm):
    class Meta:
        model = Question
        fields = ["position", "kind", "text", "options", "low_label", "high_label", "required"]
        widgets = {"options": forms.Textarea(attrs={"rows": 4})}


class SendForm(StaffForm):
    """The audience: members of chosen bodies and contact persons of chosen principals of the survey's area."""

    class Meta:
        model = Survey
        fields = ["bodies", "principals"]
        widgets = {"bodies": forms.CheckboxSelectMultiple, "principals": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer("bodies", audience_bodies(self.user, self.instance))
        self.offer("principals", audience_principals(self.instance))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("bodies") and not cleaned.get("principals") and not self.errors:
            raise forms.ValidationError(_("Välj minst ett organ eller en huvudman."))
        return cleaned


def _field(question: Question) -> forms.Field:
    label, required = question.text, question.required
    if question.kind == Question.Kind.SCALE:
        ends = {1: question.low_label, 5: question.high_label}
        choices = [(str(v), f"{v} – {ends[v]}" if ends.get(v) else str(v)) for v in SCALE]
        return forms.ChoiceField(label=label, required=required, choices=choices, widget=forms.RadioSelect)
    if question.kind == Question.Kind.YES_NO:
        return forms.ChoiceField(
            label=label, required=required, choices=[("1", _("Ja")), ("0", _("Nej"))], widget=forms.RadioSelect
        )
    if question.kind == Question.Kind.CHOICE:
        choices = [(str(i), option) for i, option in enumerate(question.option_list)]
        return forms.ChoiceField(label=label, required=required, choices=choices, widget=forms.RadioSelect)
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Skriv inte ditt namn eller annat som pekar ut dig."),
    )


class AnswerForm(CleanForm):
    """One field per question (`q<id>`), in the survey's order; only required questions must be answered."""

    def __init__(self, *args, questions, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = _field(question)

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == Question.Kind.TEXT and find_personal_numbers(cleaned.get(name) or ""):
                # Free text may be published; a personal identity number never is (GDPR, RULES.md).
                self.add_error(name, _("Skriv inga personnummer i svaret."))
        if not self.errors and not any(v is not None or t for v, t in self.answers().values()):
            # An empty response would use up the link and count as a respondent without saying anything.
            raise forms.ValidationError(_("Besvara minst en fråga innan du skickar."))
        return cleaned

    def answers(self) -> dict[int, tuple[int | None, str]]:
        """The cleaned answers as `actions.record_response` takes them: question id -> (value, text)."""
        found: dict[int, tuple[int | None, str]] = {}
        for question in self.questions:
            given = self.cleaned_data.get(f"q{question.pk}") or ""
            if question.kind == Question.Kind.TEXT:
                found[question.pk] = (None, given.strip())
            elif given != "":
                found[question.pk] = (int(given), "")
        return found
