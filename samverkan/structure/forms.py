"""Staff forms for the structure registry; choices are limited to the area being edited and to what the user may
see (`structure.access`), and every edit carries the version it was loaded from (`lib.forms.StaffFormMixin`)."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from samverkan.lib.forms import CleanForm, CleanTextMixin, OneMessageMixin, RecordsField, StaffFormMixin
from samverkan.structure.access import choosable_people, principals_of, visible_bodies, visible_people
from samverkan.structure.models import Body, Membership, Person, Principal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffForm(StaffFormMixin, OneMessageMixin, forms.ModelForm):
    """A staff model form (`lib.forms.StaffFormMixin`: `user`, choices offered from what the user may see, the
    loaded version); every multiple choice of records refuses implausible ids before the database sees them
    (`lib.forms.RecordsField`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field) is forms.ModelMultipleChoiceField:
                field.__class__ = RecordsField  # the same field, with RecordsField's id check


class PrincipalForm(StaffForm):
    class Meta:
        model = Principal
        fields = ["name", "slug", "kind", "website", "registry_address"]

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
            "appealable",
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
        others = visible_bodies(self.user).filter(area=area).exclude(pk=self.instance.pk)
        self.offer("reports_to", others)
        self.offer("prepared_by", others)
        self.offer("host_principal", principals_of(area))

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
        self.offer("employer", principals_of(area))
        self.fields["slug"].help_text = _("Används i personens publika adress, t.ex. anna-andersson.")


class MembershipForm(StaffForm):
    class Meta:
        model = Membership
        fields = ["person", "role", "principal", "party", "start", "end", "substitute_for"]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.body = body
        self.offer("person", choosable_people(self.user, body.area))
        self.offer("principal", principals_of(body.area))
        seated = Membership.objects.filter(body=body, role__in=Membership.SEATED_ROLES).values("person_id")
        self.offer("substitute_for", visible_people(self.user).filter(pk__in=seated))


class EndMembershipForm(CleanForm):
    end = forms.DateField(label=_("Sista dag i uppdraget"), widget=DATE)


class ChoosePasswordForm(CleanTextMixin, SetPasswordForm):
    """The password chosen through a login invitation's link (structure/logins.py): Django's two fields and the
    site's password validators, checked against the login about to be made (`logins.unsaved_user`)."""
