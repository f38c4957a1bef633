"""The one way a staff form page works: show the form, or save it through the app's action and go on; a wrong form
saves nothing. `save_record` is the plain form save with history that actions use."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render

from samverkan.lib.history import attribute
from samverkan.lib.text import search_term


@transaction.atomic
def save_record(form, user, reason=""):
    """Save a validated staff form; the history row names the user and, when given, why."""
    record = attribute(form.save(commit=False), user, reason)
    record.save()
    form.save_m2m()
    return record


def form_page(request, form, title, cancel_url, saved_message, success_url, *, save, history=None):
    """Render `form`, or on a valid POST save it and redirect to success_url(record); 400 when it is wrong.

    `save(form, reason) -> record` is the app's action (e.g. `lambda f, reason: actions.update_body(body, f,
    request.user, reason)`); the reason is the cleaned "change_reason" field. A ValidationError the action raises
    (an invariant checked under its lock) is shown on the form, with 400, like a wrong form."""
    if request.method == "POST" and form.is_valid():
        try:
            record = save(form, search_term(request.POST.get("change_reason")))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, saved_message)
            return redirect(success_url(record))
    return render(
        request,
        "structure/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "reason_field": bool(form.instance.pk),
            "history": history,
        },
        status=400 if request.method == "POST" else 200,
    )
