"""Granting a role: which login, which role, and its scope within one area."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from samverkan.lib.forms import CleanForm
from samverkan.structure.models import Body, Principal, Role


class RoleForm(CleanForm):
    """Which active login gets which role, and the body or principal of `area` it applies to; `scope()` gives
    the object to pass to `structure.roles.grant_role`. One query per field's choices, one for the login."""

    username = forms.CharField(label=_("Användarnamn"), max_length=150)
    kind = forms.ChoiceField(label=_("Roll"), choices=Role.Kind.choices)
    body = forms.ModelChoiceField(label=_("Organ (för sekreterare)"), queryset=Body.objects.none(), required=False)
    principal = forms.ModelChoiceField(
        label=_("Huvudman (för kontaktperson)"), queryset=Principal.objects.none(), required=False
    )

    def __init__(self, *args, area, may_grant_coordinator, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["body"].queryset = Body.objects.filter(area=area).order_by("name")
        self.fields["principal"].queryset = Principal.objects.filter(area=area)
        if not may_grant_coordinator:
            self.fields["kind"].choices = [c for c in Role.Kind.choices if c[0] != Role.Kind.COORDINATOR]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Det finns inget aktivt konto med det användarnamnet."))
        return user

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Role.Kind.SECRETARY and not data.get("body"):
            self.add_error("body", _("Välj vilket organ personen ska vara sekreterare för."))
        if kind == Role.Kind.CONTACT and not data.get("principal"):
            self.add_error("principal", _("Välj vilken huvudman personen ska vara kontaktperson för."))
        user = data.get("username")
        if user and kind and not self.errors:
            scope = self.scope()
            if Role.objects.filter(user=user, kind=kind, **{Role.SCOPE_FIELD[kind]: scope}).exists():
                raise forms.ValidationError(_("Kontot har redan den rollen."))
        return data

    def scope(self):
        kind = self.cleaned_data["kind"]
        return {
            "coordinator": self.area,
            "secretary": self.cleaned_data.get("body"),
            "contact": self.cleaned_data.get("principal"),
        }[kind]
