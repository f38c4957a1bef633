"""Staff forms for the structure registry; choices are limited to the area being edited."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.lib.forms import CleanForm, CleanModelForm, RecordsField
from samverkan.structure.models import Body, Membership, Person, Principal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffForm(CleanModelForm):
    """Labels without a trailing colon, as Swedish forms write them; every multiple choice of records refuses
    implausible ids before the database sees them (`lib.forms.RecordsField`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field) is forms.ModelMultipleChoiceField:
                field.__class__ = RecordsField  # the same field, with RecordsField's id check


class PrincipalForm(StaffForm):
    class Meta:
        model = Principal
        fields = ["name", "slug", "kind", "website"]

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.area = area

    def validate_unique(self):
        # area is not a form field, so check the per-area uniqueness here with a Swedish message.
        super().validate_unique()
        others = Principal.objects.filter(area=self.instance.area).exclude(pk=self.instance.pk)
        for field in ("name", "slug"):
            value = self.cleaned_data.get(field)
            if value and others.filter(**{field: value}).exists():
                self.add_error(field, _("Det finns redan en huvudman med det värdet i området."))


class BodyForm(StaffForm):
    class Meta:
        model = Body
        fields = [
            "name",
            "abbreviation",
            "slug",
            "kind",
            "level",
            "tier",
            "authority",
            "reports_to",
            "prepared_by",
            "host_principal",
            "charter",
            "mandate",
            "reporting_route",
            "rules_of_procedure",
            "rules_adopted",
            "rules_next_review",
            "numbering",
            "established",
            "dissolved",
            "visibility",
        ]
        widgets = {f: DATE for f in ("rules_adopted", "rules_next_review", "established", "dissolved")}

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.area = area
        others = Body.objects.filter(area=area).exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = others
        self.fields["prepared_by"].queryset = others
        self.fields["host_principal"].queryset = Principal.objects.filter(area=area)

    def validate_unique(self):
        super().validate_unique()
        slug = self.cleaned_data.get("slug")
        if slug and Body.objects.filter(area=self.instance.area, slug=slug).exclude(pk=self.instance.pk).exists():
            self.add_error("slug", _("Det finns redan ett organ med den adressen i området."))


class PersonForm(StaffForm):
    class Meta:
        model = Person
        fields = ["first_name", "last_name", "slug", "title", "employer", "email", "phone"]

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Principal.objects.filter(area=area)
        self.fields["slug"].help_text = _("Används i personens publika adress, t.ex. anna-andersson.")


class MembershipForm(StaffForm):
    class Meta:
        model = Membership
        fields = ["person", "role", "principal", "party", "start", "end", "substitute_for"]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.body = body
        people = Person.objects.filter(
            pk__in=Person.objects.filter(employer__area=body.area).values("pk")
        ) | Person.objects.filter(memberships__body__area=body.area)
        self.fields["person"].queryset = people.distinct()
        self.fields["principal"].queryset = Principal.objects.filter(area=body.area)
        self.fields["substitute_for"].queryset = Person.objects.filter(
            memberships__body=body, memberships__role__in=Membership.SEATED_ROLES
        ).distinct()


class EndMembershipForm(CleanForm):
    end = forms.DateField(label=_("Sista dag i uppdraget"), widget=DATE)
