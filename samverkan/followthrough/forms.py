"""Staff forms for follow-through; every choice is limited to the area of the decision and to what the user may see
(`visible_bodies`, `visible_meetings`, `visible_matters`, `readable_items_rule`, `choosable_people`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.followthrough.access import visible_matters
from samverkan.followthrough.models import Assignment, Matter, PrincipalDecision, Recommendation
from samverkan.lib.forms import PublishedTextMixin, RecordsField, StaffFormMixin
from samverkan.meetings import extract
from samverkan.meetings.access import readable_items_rule, visible_meetings
from samverkan.meetings.forms import meeting_label
from samverkan.meetings.models import AgendaItem, Meeting
from samverkan.structure.access import choosable_people, principals_of, visible_bodies
from samverkan.structure.forms import DATE, StaffForm
from samverkan.structure.models import Body, Person, Principal

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_KINDS = (extract.PDF, extract.DOCX, extract.ODT)
# The file types a decision document may have, with the bytes each must start with.


class MatterForm(PublishedTextMixin, StaffForm):
    class Meta:
        model = Matter
        fields = ["title", "body", "raised_by", "raised_on", "description", "closed_on", "visibility"]
        widgets = {"raised_on": DATE, "closed_on": DATE}

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.area = area
        self.offer("body", visible_bodies(self.user).filter(area=area).order_by("name"))


class NewMatterForm(MatterForm):
    year = forms.IntegerField(label=_("År i diarienumret"), min_value=2000, max_value=2100)

    class Meta(MatterForm.Meta):
        fields = ["year", *MatterForm.Meta.fields]


def items_of(user, bodies):
    """Agenda items of the bodies' meetings that `user` may read (`readable_items_rule`), newest meeting first."""
    return (
        AgendaItem.objects.filter(readable_items_rule(user), meeting__body__in=bodies)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting__body")
        .order_by("-meeting__pk", "position")
    )


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, item):
        return f"{item.meeting.body.abbreviation or item.meeting.body.name} · {item.number} {item.title}"


class AssigneeField(forms.ChoiceField):
    """One select for the three kinds of assignee: 'body:3', 'person:7' or 'principal:2', offering the area's
    bodies and people that `user` may see (`visible_bodies`, `choosable_people`) and its principals."""

    KINDS = {"body": Body, "person": Person, "principal": Principal}
    chooses_records = True  # lib.forms: a select of records
    offered = True  # built from the user's visible querysets below

    def __init__(self, *, user, area, **kwargs):
        bodies = visible_bodies(user).filter(area=area).order_by("name")
        principals = principals_of(area)
        people = choosable_people(user, area).filter(employer__area=area).order_by("last_name", "first_name")
        choices = [
            ("", "---------"),
            (_("Organ"), [(f"body:{b.pk}", b.name) for b in bodies]),
            (_("Huvudmän"), [(f"principal:{p.pk}", p.name) for p in principals]),
            (
                _("Personer"),
                [(f"person:{p.pk}", f"{p.name}, {p.employer}") for p in people.select_related("employer")],
            ),
        ]
        super().__init__(choices=choices, label=_("Uppdraget ges till"), **kwargs)

    def to_object(self, value):
        kind, _sep, pk = value.partition(":")
        return kind, self.KINDS[kind].objects.get(pk=int(pk))


class _AssignmentErrors:
    """The model speaks of assignee_body, reported_item …; the forms show those errors on their own fields."""

    ERROR_FIELDS = {
        "assignee_body": "assignee",
        "assignee_person": "assignee",
        "assignee_principal": "assignee",
        "reported_item": "status",
    }

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            for name, target in self.ERROR_FIELDS.items():
                if name in errors.error_dict and name not in self.fields:
                    moved = errors.error_dict.pop(name)
                    if target in self.fields:
                        errors.error_dict.setdefault(target, []).extend(moved)
                    else:
                        errors.error_dict.setdefault("__all__", []).extend(moved)
        super()._update_errors(errors)


class AssignmentForm(PublishedTextMixin, _AssignmentErrors, StaffForm):
    class Meta:
        model = Assignment
        fields = ["description", "due_date", "report_to", "report_back_meeting", "matter"]
        widgets = {"due_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        area = item.meeting.body.area
        self.instance.item = item
        self.fields["assignee"] = AssigneeField(user=self.user, area=area)
        self.order_fields(["assignee", "description", "due_date", "report_to", "report_back_meeting", "matter"])
        current = self.instance.assignee if self.instance.pk else None
        if current is not None:
            kind = {Body: "body", Person: "person", Principal: "principal"}[type(current)]
            self.initial["assignee"] = f"{kind}:{current.pk}"
        self.offer("report_to", visible_bodies(self.user).filter(area=area).order_by("name"))
        coming = visible_meetings(self.user).filter(body__area=area).exclude(status=Meeting.Status.CANCELLED)
        self.offer("report_back_meeting", coming.select_related("body").order_by("first_day", "pk"))
        self.fields["report_back_meeting"].label_from_instance = lambda m: f"{m.body.name} {meeting_label(m)}"
        self.fields["report_back_meeting"].help_text = _("Lämna tomt om ett datum räcker.")
        self.offer("matter", visible_matters(self.user).filter(area=area).select_related("body"))

    def assignment_fields(self):
        """What a valid form says about the new assignment, as keyword arguments for
        `actions.create_assignment` (the assignee as assignee_body/person/principal)."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        for name in ("body", "person", "principal"):
            fields[f"assignee_{name}"] = getattr(self.instance, f"assignee_{name}")
        return fields

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        kind, obj = self.fields["assignee"].to_object(value)
        for name in ("body", "person", "principal"):
            setattr(self.instance, f"assignee_{name}", obj if name == kind else None)
        return value


class ReportBackForm(StaffFormMixin, forms.Form):
    reported_item = ItemChoiceField(queryset=AgendaItem.objects.none(), label=_("Återrapporterat vid ärende"))
    status = forms.ChoiceField(
        label=_("Status efter återrapporteringen"),
        choices=[(Assignment.Status.REPORTED, _("Återrapporterat")), (Assignment.Status.DONE, _("Klart"))],
    )
    reason = forms.CharField(label=_("Kommentar (visas i historiken)"), max_length=100, required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer("reported_item", items_of(self.user, bodies))


class AssignmentStatusForm(PublishedTextMixin, _AssignmentErrors, StaffForm):
    """Change the description, dates or status of an assignment; reporting back has its own form."""

    class Meta:
        model = Assignment
        fields = ["description", "due_date", "report_back_meeting", "status"]
        widgets = {"due_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        body = self.instance.report_to
        meetings = visible_meetings(self.user).filter(body=body)
        meetings = meetings.exclude(status=Meeting.Status.CANCELLED).order_by("first_day", "pk")
        self.offer("report_back_meeting", meetings).label_from_instance = meeting_label


def dispatch_field() -> forms.BooleanField:
    """The "send it by e-mail now" box of a form that makes a recommendation (checked by default): when checked,
    the recommendation is dispatched to each principal (`actions.create_recommendation(dispatch=True)`)."""
    return forms.BooleanField(
        label=_("Skicka rekommendationen med e-post till huvudmännen nu"),
        help_text=_("Till varje huvudmans registratur och kontaktpersoner, med protokollsutdrag och svarslänk."),
        required=False,
        initial=True,
    )


class RecommendationForm(PublishedTextMixin, StaffForm):
    principals = RecordsField(
        queryset=Principal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Huvudmän som ska besluta"),
        help_text=_("Som standard alla huvudmän i området."),
    )

    dispatch = dispatch_field()

    class Meta:
        model = Recommendation
        fields = ["title", "text", "decided_on", "deadline", "matter"]
        widgets = {"decided_on": DATE, "deadline": DATE}

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        area = item.meeting.body.area
        self.instance.item = item
        self.offer("principals", principals_of(area))
        self.offer("matter", visible_matters(self.user).filter(area=area).select_related("body"))
        self.order_fields(["title", "text", "principals", "decided_on", "deadline", "matter", "dispatch"])


class RecommendationEditForm(PublishedTextMixin, StaffForm):
    """Correct a recommendation after it was sent; who is addressed stays as it was."""

    class Meta:
        model = Recommendation
        fields = ["title", "text", "decided_on", "deadline", "matter"]
        widgets = {"decided_on": DATE, "deadline": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        area = self.instance.item.meeting.body.area
        self.offer("matter", visible_matters(self.user).filter(area=area).select_related("body"))


class RecommendationReportForm(StaffFormMixin, forms.Form):
    reported_item = ItemChoiceField(queryset=AgendaItem.objects.none(), label=_("Utfallet återrapporterades vid"))

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer("reported_item", items_of(self.user, [body]))


class PrincipalDecisionForm(PublishedTextMixin, StaffForm):
    class Meta:
        model = PrincipalDecision
        fields = ["outcome", "deciding_body", "decided_on", "reference", "link", "document", "comment"]
        widgets = {"decided_on": DATE, "comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["document"].help_text = _("PDF, DOCX eller ODT, högst 20 MB.")

    def clean_document(self):
        return checked_document(self.cleaned_data.get("document"))


def checked_document(document):
    """A form's uploaded file (PDF, DOCX or ODT, at most 20 MB) as given, or None / the stored file when nothing
    new was uploaded. Raises ValidationError with the upload reader's Swedish message for anything else."""
    if not document or not hasattr(document, "content_type"):
        return document  # nothing new uploaded
    if document.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("Filen är större än 20 MB."))
    # The one upload reader: kind from the content, the name must agree, a bomb is refused while unpacking.
    data = document.read(MAX_DOCUMENT_BYTES + 1)
    document.seek(0)
    try:
        extract.examine(data, extract.original_name(document.name), DOCUMENT_KINDS, MAX_DOCUMENT_BYTES)
    except extract.UnreadableFile as error:
        raise ValidationError(str(error)) from None
    return document
