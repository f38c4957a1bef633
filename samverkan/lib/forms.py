"""The one way a staff form page works: show the form, or save it with history and go on; a wrong form saves nothing."""

from django.contrib import messages
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


def form_page(request, form, title, cancel_url, saved_message, success_url, history=None):
    """Render `form`, or on a valid POST save it and redirect to success_url(record); 400 when it is wrong."""
    if request.method == "POST" and form.is_valid():
        record = save_record(form, request.user, reason=search_term(request.POST.get("change_reason")))
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
