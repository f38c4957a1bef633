"""Staff forms for meetings: the year plan, a meeting, its days and its agenda items."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samverkan.meetings.models import AgendaItem, Meeting, MeetingDay
from samverkan.structure.forms import DATE, StaffForm
from samverkan.structure.models import Visibility

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_PLAN_LINES = 60
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class YearPlanForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    dates = forms.CharField(
        label=_("Mötesdatum"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Ett datum per rad, som ÅÅÅÅ-MM-DD."),
        max_length=2000,
    )
    start = forms.TimeField(label=_("Starttid"), widget=TIME)
    end = forms.TimeField(label=_("Sluttid"), widget=TIME, required=False)
    place = forms.CharField(label=_("Plats"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Dokumentation"), choices=Meeting.Kind.choices)
    visibility = forms.ChoiceField(label=_("Synlighet"), choices=Visibility.choices)

    def __init__(self, *args, body, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.body = body

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("Sluttiden måste ligga efter starttiden."))
        year, text = data.get("year"), data.get("dates")
        if year is None or text is None:
            return data
        try:
            data["dates"] = self._parse_dates(year, text)
        except ValidationError as error:
            self.add_error("dates", error)
        return data

    def _parse_dates(self, year, text):
        lines = text.splitlines()
        if len(lines) > MAX_PLAN_LINES:
            raise ValidationError(_("Högst %(n)s rader åt gången.") % {"n": MAX_PLAN_LINES})
        problems, seen = [], {}
        for n, line in enumerate(lines, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                day = date.fromisoformat(line) if ISO_DATE.match(line) else None
            except ValueError:
                day = None
            shown = "".join(ch for ch in line[:20] if ch.isprintable())
            if day is None:
                problems.append(_("Rad %(n)s: ”%(text)s” är inte ett datum som ÅÅÅÅ-MM-DD.") % {"n": n, "text": shown})
            elif day.year != year:
                problems.append(_("Rad %(n)s: %(day)s ligger inte år %(year)s.") % {"n": n, "day": line, "year": year})
            elif day in seen:
                message = _("Rad %(n)s: %(day)s står redan på rad %(m)s.")
                problems.append(message % {"n": n, "day": line, "m": seen[day]})
            else:
                seen[day] = n
        if not problems and not seen:
            problems.append(_("Skriv minst ett datum."))
        taken = set(
            MeetingDay.objects.filter(meeting__body=self.body, date__in=list(seen)).values_list("date", flat=True)
        )
        for day in sorted(taken):
            problems.append(
                _("Rad %(n)s: organet har redan ett möte %(day)s.") % {"n": seen[day], "day": day.isoformat()}
            )
        if problems:
            raise ValidationError(problems)
        return sorted(seen)


class MeetingForm(StaffForm):
    class Meta:
        model = Meeting
        fields = ["title", "kind", "status", "place", "visibility"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = self.instance.allowed_statuses()
        self.fields["status"].choices = [(value, label) for value, label in Meeting.Status.choices if value in allowed]


class MeetingDayForm(StaffForm):
    class Meta:
        model = MeetingDay
        fields = ["date", "start", "end"]
        widgets = {"date": DATE, "start": TIME, "end": TIME}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting


class AgendaItemForm(StaffForm):
    class Meta:
        model = AgendaItem
        fields = ["number", "position", "title", "kind", "presenters", "background", "visibility", "outcome"]
        fields += ["deferred_to"]

    def __init__(self, *args, meeting, later_meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        self.fields["deferred_to"].queryset = later_meetings
        self.fields["deferred_to"].label_from_instance = meeting_label
        self.fields["outcome"].required = False


def meeting_label(meeting):
    first = getattr(meeting, "first_day", None)
    shown = first.isoformat() if first else str(_("datum saknas"))
    return f"{shown} {meeting.title}".strip()
