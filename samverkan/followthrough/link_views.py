"""The page behind a dispatch's personal link (followthrough/dispatch.py): the principal's registrar or contact
records the principal's decision on the recommendation without a login — outcome, deciding body, date, §
reference, an optional document. It records once; every link that does not work now (tampered, expired, used,
another dispatch's) answers the site's 404 page, with no hint why."""

from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from samverkan.followthrough import actions
from samverkan.followthrough.dispatch import dispatch_by_link
from samverkan.followthrough.forms import PrincipalDecisionForm
from samverkan.followthrough.models import PrincipalDecision
from samverkan.lib.forms import form_status
from samverkan.lib.locks import locked
from samverkan.lib.methods import FORM


@never_cache  # a personal page behind a signed link: never kept by a cache
@require_http_methods(FORM)
def record_by_link(request, token):
    """GET: the recommendation and the form; POST: record the decision (not "pending") and thank."""
    dispatch = dispatch_by_link(token)
    if dispatch is None:
        raise Http404
    decision = dispatch.decision
    form = PrincipalDecisionForm(request.POST or None, request.FILES or None, instance=decision, user=None)
    form.fields["outcome"].choices = [
        c for c in form.fields["outcome"].choices if c[0] != PrincipalDecision.Outcome.PENDING
    ]
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        with transaction.atomic():
            if not locked(PrincipalDecision.objects.all()).get(pk=decision.pk).is_pending:
                raise Http404  # recorded through the link (or by a contact) meanwhile
            actions.record_principal_decision(
                decision,
                None,
                reason=_("Registrerat via länken i utskicket"),
                by_link=True,
                **fields,
            )
        return render(request, "followthrough/record_by_link_done.html", {"decision": decision})
    recommendation = decision.recommendation
    return render(
        request,
        "followthrough/record_by_link.html",
        {
            "form": form,
            "decision": decision,
            "recommendation": recommendation,
            "body": recommendation.item.meeting.body,
        },
        status=form_status(request, form),
    )
