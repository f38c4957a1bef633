"""The one way a staff form page works: show the form, or save it through an action; a wrong form saves nothing."""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from samverkan.lib.history import HistoryRow, attribute
from samverkan.lib.text import search_term, without_control

if TYPE_CHECKING:  # only for mypy: ModelForm takes no type arguments at run time
    from django.forms import ModelForm
    from django_stubs_ext import StrOrPromise

    from samverkan.lib.history import Changer

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def save_record(form: "ModelForm[M]", user: "Changer", reason: object = "") -> M:
    """Save a validated model form in one transaction; the history row names the user and, when given, why.

    The helper actions use for a plain form save. Returns the saved record; one write (plus the form's m2m).
    """
    record = attribute(form.save(commit=False), user, reason)
    record.save()
    form.save_m2m()
    return record


def form_page(
    request: HttpRequest,
    form: "ModelForm[M]",
    title: "StrOrPromise",
    cancel_url: str,
    saved_message: "StrOrPromise",
    success_url: Callable[[M], str],
    *,
    save: Callable[["ModelForm[M]", str], M],
    history: Sequence[HistoryRow] | None = None,
) -> HttpResponse:
    """Render `form`, or on a valid POST save it and redirect to `success_url(record)`; 400 when it is wrong.

    `save(form, reason) -> record` does the change, normally by calling an app action, e.g.
    `lambda f, reason: actions.update_body(body, f, request.user, reason)`; `reason` is the cleaned
    "change_reason" the form page offers when editing. A ValidationError raised by `save` is put on the
    form and answered with 400, nothing saved. `history` (rows from lib.history) is shown under the form.
    """
    if request.method == "POST" and form.is_valid():
        try:
            record = save(form, search_term(request.POST.get("change_reason")))
        except ValidationError as error:
            form.add_error(None, error.messages)
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


def check_bound(form: "ModelForm[Any]", record: models.Model) -> None:
    """Raises ValueError unless `form` edits `record`: an action given another record's form is a programming
    error, never a user's."""
    if form.instance.pk != record.pk:
        raise ValueError(f"the form is not bound to this {type(record).__name__}")


MAX_ID = 2**63 - 1  # the largest id a 64-bit integer column holds


class RecordsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # django-stubs: generic at type time only
    """Several records by id. Each id is checked to be a plausible 64-bit id before the database sees it: SQLite
    raises OverflowError (a 500) on integers past 64 bits instead of finding nothing. A bad id is refused with
    Django's Swedish "Välj ett giltigt alternativ" message. Every many-to-many field of a staff form is one
    (`structure.forms.StaffForm`)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if not str(pk).isdigit() or int(pk) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(pk)[:20]}
                )
        return super()._check_values(value)  # type: ignore[misc]  # a private Django method django-stubs omits


class CleanTextMixin:
    """Takes C0/C1 control characters out of every text field of a bound form before validation
    (`lib.text.without_control`): a Textarea keeps tab and newline, a single-line field gets spaces for them.
    Every form of Samverkan has it, through `CleanForm` and `CleanModelForm` below (tests/test_control_characters.py
    checks that none is left out)."""

    def full_clean(self) -> None:
        form: Any = self
        if form.is_bound:
            form.data = clean_text_data(form.data, form.fields, form.add_prefix)
        super().full_clean()  # type: ignore[misc]  # a mixin: the form class after it has full_clean


def clean_text_data(data: Any, fields: dict[str, forms.Field], add_prefix: Callable[[str], str]) -> Any:
    """A copy of submitted `data` (a QueryDict or a dict) with every text field's values cleaned of control
    characters; other fields (choices, files, numbers) as they were."""
    data = data.copy()
    for name, field in fields.items():
        if not isinstance(field, forms.CharField):
            continue
        key = add_prefix(name)
        if key not in data:
            continue
        multiline = isinstance(field.widget, forms.Textarea)
        if hasattr(data, "setlist"):
            data.setlist(key, [_clean(v, multiline) for v in data.getlist(key)])
        else:
            data[key] = _clean(data[key], multiline)
    return data


def _clean(value: Any, multiline: bool) -> Any:
    return without_control(value, multiline=multiline) if isinstance(value, str) else value


class CleanForm(CleanTextMixin, forms.Form):
    """Django's Form with control characters taken out of its text (CleanTextMixin); every plain form's base."""


class CleanModelForm(CleanTextMixin, forms.ModelForm):  # type: ignore[type-arg]  # django-stubs: generic at type time only
    """Django's ModelForm with control characters taken out of its text (CleanTextMixin); every model form's base."""
