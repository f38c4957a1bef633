"""Staff forms of the agreements register, and the public register's filter. Every choice of records is offered
from what the user may see (`StaffFormMixin.offer`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.agreements.access import owner_bodies, visible_agreements
from samverkan.agreements.models import Agreement, AgreementVersion, FollowUp, Status
from samverkan.followthrough.forms import ItemChoiceField, checked_document, dispatch_field, items_of
from samverkan.followthrough.models import Recommendation
from samverkan.lib.forms import CleanForm, PublishedTextMixin
from samverkan.meetings.models import AgendaItem, Meeting
from samverkan.structure.access import principals_of, visible_bodies
from samverkan.structure.forms import DATE, StaffForm


class AgreementForm(PublishedTextMixin, StaffForm):
    class Meta:
        model = Agreement
        fields = [
            "title",
            "kind",
            "field_of_work",
            "summary",
            "parties",
            "owner",
            "stage",
            "valid_from",
            "valid_to",
            "follow_up_months",
            "next_follow_up",
            "review_on",
            "replaces",
            "visibility",
        ]
        widgets = {
            "parties": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "valid_from": DATE,
            "valid_to": DATE,
            "next_follow_up": DATE,
            "review_on": DATE,
        }

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.area = area
        self.offer("parties", principals_of(area))
        self.offer("owner", owner_bodies(self.user, area))
        others = visible_agreements(self.user).filter(area=area)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.offer("replaces", others.order_by("title", "pk"))


class AdoptionForm(PublishedTextMixin, StaffForm):
    """ "Skicka för antagande": the recommendation to the parties, decided at an item of the area the user may
    read; every party is addressed and, with "dispatch" checked (the default), sent it by e-mail with a personal
    link to record its adoption (`actions.send_for_adoption`, followthrough/dispatch.py)."""

    item = ItemChoiceField(
        queryset=AgendaItem.objects.none(),
        label=_("Beslutat vid ärende"),
        help_text=_("Det ärende där organet beslutade att rekommendera parterna att anta överenskommelsen."),
    )
    dispatch = dispatch_field()

    class Meta:
        model = Recommendation
        fields = ["title", "text", "decided_on", "deadline"]
        widgets = {"decided_on": DATE, "deadline": DATE}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        held = items_of(self.user, visible_bodies(self.user).filter(area_id=agreement.area_id))
        self.offer("item", held.filter(meeting__status__in=Meeting.HELD_STATUSES))  # decided there, so held
        self.order_fields(["item", "title", "text", "decided_on", "deadline", "dispatch"])
        self.initial.setdefault("title", _("Antagande av %(title)s") % {"title": agreement.title})
        self.initial.setdefault("text", _("Parterna rekommenderas att anta %(title)s.") % {"title": agreement.title})

    def clean_item(self):
        item = self.cleaned_data["item"]
        self.instance.item = item  # the recommendation's own checks need its item
        return item

    def recommendation_fields(self):
        """The valid form's Recommendation fields and `dispatch`, for `actions.send_for_adoption`."""
        return {name: self.cleaned_data[name] for name in [*self.Meta.fields, "dispatch"]}


class VersionForm(PublishedTextMixin, StaffForm):
    class Meta:
        model = AgreementVersion
        fields = ["file", "dated", "note"]
        widgets = {"dated": DATE}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement
        self.fields["file"].help_text = _("PDF, DOCX eller ODT, högst 20 MB.")

    def clean_file(self):
        return checked_document(self.cleaned_data.get("file"))


class FollowUpForm(PublishedTextMixin, StaffForm):
    class Meta:
        model = FollowUp
        fields = ["held_on", "body", "finding", "document"]
        widgets = {"held_on": DATE, "finding": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement
        self.offer("body", visible_bodies(self.user).filter(area_id=agreement.area_id).order_by("name"))
        self.fields["document"].help_text = _("PDF, DOCX eller ODT, högst 20 MB.")

    def clean_document(self):
        return checked_document(self.cleaned_data.get("document"))


class AgreementFilter(CleanForm):
    """The public register's filters, read from the query string; a value that does not fit is ignored."""

    typ = forms.ChoiceField(label=_("Typ"), required=False)
    part = forms.ChoiceField(label=_("Part"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    verksamhet = forms.ChoiceField(label=_("Verksamhetsområde"), required=False)

    def __init__(self, data, *, principals, fields_of_work):
        super().__init__(data, label_suffix="")
        self.principals = list(principals)
        self.fields["typ"].choices = [("", _("Alla typer")), *Agreement.Kind.choices]
        self.fields["part"].choices = [("", _("Alla parter"))] + [(p.slug, p.name) for p in self.principals]
        self.fields["status"].choices = [("", _("Alla"))] + list(Status.choices)
        self.fields["verksamhet"].choices = [("", _("Alla områden"))] + [(f, f) for f in fields_of_work]
        self.is_valid()

    def value(self, name):
        """The cleaned value of one filter, or None when it was missing or did not fit."""
        return (getattr(self, "cleaned_data", None) or {}).get(name) or None

    def apply(self, agreements):
        """`agreements` narrowed by the chosen filters."""
        if self.value("typ"):
            agreements = agreements.filter(kind=self.value("typ"))
        party = next((p for p in self.principals if p.slug == self.value("part")), None)
        if party is not None:
            agreements = agreements.filter(parties=party)
        if self.value("verksamhet"):
            agreements = agreements.filter(field_of_work=self.value("verksamhet"))
        if self.value("status"):
            agreements = agreements.with_status(self.value("status"))
        return agreements
