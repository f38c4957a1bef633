"""The filters of the assignment lists and the decision status board, read from the query string.

A value that does not fit is ignored (the list shows unfiltered on that point), so an odd URL never fails.
"""

from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.followthrough.board import STATES
from samverkan.followthrough.models import Assignment
from samverkan.lib.forms import CleanForm

ASSIGNMENT_STATES = [("", _("Alla")), ("overdue", _("Försenade")), *Assignment.Status.choices]


class _GetFilter(CleanForm):
    def __init__(self, data, *, bodies, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)
        self.fields["organ"].choices = [("", _("Alla organ"))] + [(b.slug, b.name) for b in bodies]
        self.is_valid()

    def value(self, name):
        """The cleaned value of one filter, or None when it was missing or did not fit."""
        if not hasattr(self, "cleaned_data"):
            return None
        return self.cleaned_data.get(name) or None

    def show_default(self, name, value):
        """Show `value` in field `name` when the reader gave none, so the form says what the page applies (the
        board's default year). What was given, valid or not, stays; the cleaned values are not changed."""
        if self.data.get(name) in (None, ""):
            self.data = self.data.copy()
            self.data[name] = str(value)

    def chosen_body(self, bodies):
        slug = self.value("organ")
        return next((b for b in bodies if b.slug == slug), None)


class AssignmentFilter(_GetFilter):
    organ = forms.ChoiceField(label=_("Organ"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ASSIGNMENT_STATES, required=False)
    ar = forms.IntegerField(label=_("År"), required=False, min_value=2000, max_value=2100)

    def __init__(self, data, *, bodies):
        self.bodies = list(bodies)
        super().__init__(data, bodies=self.bodies)

    def apply(self, assignments):
        body = self.chosen_body(self.bodies)
        if body is not None:
            assignments = assignments.filter(Q(assignee_body=body) | Q(report_to=body) | Q(item__meeting__body=body))
        status = self.value("status")
        if status == "overdue":
            assignments = assignments.filter(status=Assignment.Status.OPEN, due__lt=timezone.localdate())
        elif status:
            assignments = assignments.filter(status=status)
        if self.value("ar"):
            assignments = assignments.filter(due__year=self.value("ar"))
        return assignments


class BoardFilter(_GetFilter):
    organ = forms.ChoiceField(label=_("Organ"), required=False)
    ar = forms.IntegerField(label=_("År"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Läge"), choices=[("", _("Alla")), *STATES.items()], required=False)

    def __init__(self, data, *, bodies):
        self.bodies = list(bodies)
        super().__init__(data, bodies=self.bodies)

    def query_string(self):
        """The chosen filters as a query string for the export links."""
        return urlencode({k: v for k, v in self.cleaned_data.items() if v not in (None, "")})
