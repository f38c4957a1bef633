"""Forms of the import: the upload, confirming one document, and importing a whole ZIP."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.importer.save import Choices
from samverkan.lib.forms import CleanForm
from samverkan.lib.visibility import Visibility
from samverkan.meetings.forms import TIME
from samverkan.meetings.models import Meeting
from samverkan.structure.forms import DATE
from samverkan.structure.models import OPEN_OR_INTERNAL


class ImportForm(CleanForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class UploadForm(ImportForm):
    file = forms.FileField(
        label=_("Protokoll eller minnesanteckningar"),
        help_text=_(
            "En fil (.docx, .pdf eller .txt, högst 20 MB) eller en ZIP-fil med flera (högst 50 filer och 50 MB). "
            "Inget sparas förrän du har granskat och bekräftat."
        ),
    )


class ConfirmForm(ImportForm):
    date = forms.DateField(label=_("Mötesdatum"), widget=DATE, help_text=_("Första dagen om mötet var flera dagar."))
    start = forms.TimeField(label=_("Starttid"), widget=TIME)
    end = forms.TimeField(label=_("Sluttid"), widget=TIME, required=False)
    kind = forms.ChoiceField(label=_("Dokumentation"), choices=Meeting.Kind.choices)
    visibility = forms.ChoiceField(
        label=_("Synlighet"),
        choices=OPEN_OR_INTERNAL,
        help_text=_("Gäller ett nytt möte; protokollet publiceras inte."),
    )

    def __init__(self, *args, plan, **kwargs):
        initial = {
            "date": plan.dates[0] if plan.dates else None,
            "start": plan.start,
            "end": plan.end,
            "kind": plan.kind,
            "visibility": Visibility.PUBLIC,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.plan = plan

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start and len(self.days()) < 2:
            self.add_error("end", _("Sluttiden måste ligga efter starttiden."))
        return data

    def days(self):
        """The parse's days when the first one is kept, else the one day given."""
        first = self.cleaned_data.get("date")
        if first is None:
            return []
        if self.plan.dates and first == self.plan.dates[0]:
            return self.plan.dates
        return [first]

    def choices(self):
        data = self.cleaned_data
        return Choices(self.days(), data["start"], data.get("end"), data["kind"], data["visibility"])


class BatchForm(ImportForm):
    start = forms.TimeField(
        label=_("Starttid för protokoll som inte anger någon"),
        widget=TIME,
        required=False,
        help_text=_("Lämna tomt för att hoppa över sådana filer; de kan importeras en och en."),
    )
    visibility = forms.ChoiceField(label=_("Synlighet för de nya mötena"), choices=OPEN_OR_INTERNAL)
