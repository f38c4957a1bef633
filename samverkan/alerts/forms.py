"""The subscribe form and the manage page's frequency form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.alerts.models import Subscription
from samverkan.lib.forms import CleanForm


class SubscribeForm(CleanForm):
    """An e-mail address and how often; what to watch is in the address of the page."""

    email = forms.EmailField(
        label=_("Din e-postadress"),
        max_length=254,
        help_text=_("Vi skickar en länk som du bekräftar bevakningen med. Inget skickas innan dess."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    frequency = forms.ChoiceField(
        label=_("Hur ofta"),
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )


class FrequencyForm(CleanForm):
    """How often one subscription's digest comes (manage page)."""

    frequency = forms.ChoiceField(label=_("Hur ofta"), choices=Subscription.Frequency.choices)
