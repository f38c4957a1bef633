"""The one way a staff form page works: show the form, or save it through an action; a wrong form saves nothing."""

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samverkan.lib.history import HistoryRow, attribute, history_rows
from samverkan.lib.personal_numbers import find_personal_numbers
from samverkan.lib.text import is_digits, search_term, trimmed, without_control
from samverkan.lib.years import check_plausible_date

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
            with transaction.atomic():
                # Inside the save's transaction: with SQLite's IMMEDIATE transactions no other write comes between.
                if isinstance(form, StaffFormMixin) and not form.still_current():
                    raise _Stale
                record = save(form, search_term(request.POST.get("change_reason")))
        except _Stale:
            pass  # the form says what changed
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
        status=form_status(request, form),
    )


def create_page(
    request: HttpRequest,
    form_class: Callable[..., "ModelForm[M]"],
    area: models.Model,
    title: "StrOrPromise",
    cancel_url: str,
    saved_message: "StrOrPromise",
    record_url: Callable[[M], str],
    create: Callable[["ModelForm[M]", Any], M],
) -> HttpResponse:
    """The staff page that registers a new record of `area`: `form_class(data, area=area, user=user)` shown, or
    saved by `create(form, user)` (an app action) and redirected to `record_url(record)`. `form_page` answers
    (200, 400 or 409); the caller has checked that the user may add to the area."""
    form = form_class(request.POST or None, area=area, user=request.user)
    return form_page(
        request,
        form,
        title,
        cancel_url,
        saved_message,
        record_url,
        save=lambda f, reason: create(f, request.user),
    )


def edit_page(
    request: HttpRequest,
    form_class: Callable[..., "ModelForm[M]"],
    record: M,
    title: "StrOrPromise",
    record_url: Callable[[M], str],
    update: Callable[[M, "ModelForm[M]", Any, str], M],
) -> HttpResponse:
    """The staff page that changes `record` (one with an `area`, fetched through its gate for change):
    `form_class(data, instance=record, area=record.area, user=user)` shown with the record's history, or saved
    by `update(record, form, user, reason)` (an app action) with "Ändringarna är sparade." and redirected to
    `record_url(record)`, which is also where "Avbryt" leads. `form_page` answers (200, 400 or 409); three
    queries for the history beside the form's own."""
    area = record.area  # type: ignore[attr-defined]  # every record these pages edit belongs to an area
    form = form_class(request.POST or None, instance=record, area=area, user=request.user)
    return form_page(
        request,
        form,
        title,
        record_url(record),
        gettext("Ändringarna är sparade."),
        record_url,
        save=lambda f, reason: update(record, f, request.user, reason),
        history=history_rows(record),
    )


def nothing_changed(problems: Sequence[str]) -> str:
    """A refused one-button action's message: the problems, then "Inget har ändrats." once (not when the last
    problem already says that, or "Inget har sparats.")."""
    text = " ".join(problems)
    said = (gettext("Inget har ändrats."), gettext("Inget har sparats."))
    return text if text.endswith(said) else f"{text} {said[0]}".strip()


class _Stale(Exception):
    """The form was loaded from an older version than is stored now (its `conflicts` say how)."""


def form_status(request: HttpRequest, form: forms.BaseForm) -> int:
    """The status of a form page: 200 to show it, 409 when it was posted over a newer version of what it edits
    (`StaffFormMixin.conflicts`), 400 when it was posted and is wrong otherwise."""
    if request.method != "POST":
        return 200
    return 409 if getattr(form, "conflicts", None) else 400


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
            if not is_digits(str(pk)) or int(pk) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(pk)[:20]}
                )
        return super()._check_values(value)  # type: ignore[misc]  # a private Django method django-stubs omits


class CleanTextMixin:
    """Takes C0/C1 control characters out of every text field of a bound form before validation
    (`lib.text.without_control`): a Textarea keeps tab and newline, a single-line field gets spaces for them. A
    field that strips its value (every one but a password's) also loses directional formatting characters and
    invisible characters at its ends (`lib.text.trimmed`), so a required field made of them alone is empty.
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
        strip = getattr(field, "strip", True)  # a password keeps what it was typed with
        if hasattr(data, "setlist"):
            data.setlist(key, [_clean(v, multiline, strip) for v in data.getlist(key)])
        else:
            data[key] = _clean(data[key], multiline, strip)
    return data


def _clean(value: Any, multiline: bool, strip: bool) -> Any:
    if not isinstance(value, str):
        return value
    value = without_control(value, multiline=multiline)
    return trimmed(value) if strip else value


class PlausibleDatesMixin:
    """Every date and date-and-time field of the form refuses a year outside `lib.years.FIRST_YEAR`–`LAST_YEAR`
    (`check_plausible_date`) as the field's own validation, before the form's `clean()` or a model's sees it. Every
    form of Samverkan with such a field has it, through `CleanForm` and `CleanModelForm` below
    (tests/test_control_characters.py checks that none is left out)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: Any = self
        for field in form.fields.values():  # the form's own copies of its fields (Django deep-copies them)
            if isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(check_plausible_date)


class PublishedTextMixin:
    """For a form whose text is shown on the public pages as typed, with no confidential level to keep it back:
    a Swedish personal identity number or co-ordination number in any of its visible text fields (links and
    addresses included; `lib.personal_numbers`: SKV 704/707, date and Luhn check) is refused at the field with a
    Swedish message, and nothing is saved (GDPR art. 87 and the Data Protection Act 3:10 allow them only where
    clearly justified; a recommendation, an agreement or a follow-up never needs one). Every field, not a list of
    them: a list missed "raised by", a goal's unit and a decision's link. Meeting items are checked differently: one
    may be made confidential, and the check runs when the agenda or minutes are published (meetings/personal_data)."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]  # a mixin: the form class after it has full_clean
        form: Any = self
        cleaned = getattr(form, "cleaned_data", None) or {}
        for name, field in form.fields.items():
            value = cleaned.get(name)
            if isinstance(field, forms.CharField) and not field.widget.is_hidden and isinstance(value, str):
                if find_personal_numbers(value):
                    form.add_error(name, _("Skriv inga personnummer eller samordningsnummer här: texten publiceras."))


class CleanForm(CleanTextMixin, PlausibleDatesMixin, forms.Form):
    """Django's Form with control characters taken out of its text (CleanTextMixin) and dates within the years
    Samverkan takes (PlausibleDatesMixin); every plain form's base."""


class OneMessageMixin:
    """For a model form (mixed in before `forms.ModelForm`): a field the form itself refused keeps that one
    message; the model's own check of what was left on the instance (the old or an empty value) would only add a
    second, confusing one ("Numret ska vara siffror" under "Paragrafnumret ska vara ett heltal")."""

    def _update_errors(self, errors: ValidationError) -> None:
        form: Any = self
        if hasattr(errors, "error_dict"):
            fresh = {name: found for name, found in errors.error_dict.items() if name not in form._errors}
            if not fresh:
                return
            errors = ValidationError(fresh)
        super()._update_errors(errors)  # type: ignore[misc]  # a mixin: the model form after it has it


class CleanModelForm(CleanTextMixin, PlausibleDatesMixin, OneMessageMixin, forms.ModelForm):  # type: ignore[type-arg]  # django-stubs: generic at type time only
    """Django's ModelForm with control characters taken out of its text (CleanTextMixin), dates within the years
    Samverkan takes (PlausibleDatesMixin) and one message per refused field (OneMessageMixin); every model form's
    base."""


# --- Staff forms: choices limited to the user, and the version a form was loaded from --------------------------

VERSION_FIELD = "form_version"
_VERSION_SALT = "samverkan.lib.forms.version"


def chooses_records(field: forms.Field) -> bool:
    """Whether `field` offers records from the database: a ModelChoiceField (ModelMultipleChoiceField and
    RecordsField are ones) or any field that says so with `chooses_records = True` (a select built from
    querysets, like follow-through's assignee field)."""
    return isinstance(field, forms.ModelChoiceField) or getattr(field, "chooses_records", False)


@dataclass(frozen=True)
class Change:
    """One field someone else changed while the user edited: its label, the value the user loaded and the value
    stored now, both as text to show."""

    label: str
    loaded: str
    stored: str


def _canonical(value: Any) -> Any:
    """A value as JSON gives it back, so a loaded value and a stored one compare equal when they are."""
    if isinstance(value, models.Model):
        value = value.pk
    elif isinstance(value, list | tuple | set | frozenset):
        value = sorted(getattr(v, "pk", v) for v in value)
    elif isinstance(value, models.fields.files.FieldFile):
        value = value.name or ""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def instance_values(form: forms.BaseForm, instance: models.Model) -> dict[str, Any]:
    """The stored values of the model fields `form` edits on `instance`, canonical (foreign keys and many-to-many
    as ids); one query per many-to-many field."""
    values = {}
    for field in instance._meta.get_fields():
        if field.name in form.fields and getattr(field, "editable", False) and hasattr(field, "value_from_object"):
            if field.many_to_many:
                values[field.name] = _canonical(list(field.value_from_object(instance)) if instance.pk else [])
            elif field.is_relation:
                values[field.name] = _canonical(getattr(instance, field.attname))  # type: ignore[union-attr]  # a concrete FK here
            else:
                values[field.name] = _canonical(field.value_from_object(instance))
    return values


def _shown(field: forms.Field | None, value: Any) -> str:
    """A canonical value as the form would name it: a record by its label, a choice by its text."""
    if value in (None, "", []):
        return "–"
    if isinstance(field, forms.ModelChoiceField):
        ids = value if isinstance(value, list) else [value]
        offered = field.queryset
        found = {} if offered is None else {o.pk: field.label_from_instance(o) for o in offered.filter(pk__in=ids)}
        return ", ".join(str(found.get(pk, gettext("(ett val du inte kan se)"))) for pk in ids)
    if isinstance(field, forms.BooleanField):
        return gettext("Ja") if value else gettext("Nej")
    if isinstance(field, forms.ChoiceField):
        choices = {}
        for key, label in field.choices:  # type: ignore[union-attr, misc]  # a list of pairs once the field is built
            if isinstance(label, list | tuple):
                choices.update({str(k): v for k, v in label})
            else:
                choices[str(key)] = label
        return str(choices.get(str(value), value))
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


class StaffFormMixin(CleanTextMixin, PlausibleDatesMixin):
    """What every staff form is (mixed in before `forms.Form` or `forms.ModelForm`):

    - **Choices limited to the user.** The form takes `user` (the login asking) and every field that chooses
      records (`chooses_records`) must get its queryset through `offer(name, queryset)`, built by the caller's
      app from the `visible_*` querysets for that user. When construction ends, a field that was not offered
      raises ImproperlyConfigured, so a new form cannot forget. A posted id outside the queryset is refused by
      the field with Django's Swedish "Välj ett giltigt alternativ" (400, nothing saved).
    - **The version it was loaded from (optimistic locking).** A form that edits something (a ModelForm with a
      stored instance, or any form whose `version_values()` returns a dict) carries a hidden `form_version`:
      the values of its fields as loaded, signed (`django.core.signing`, compressed). On a post, those are
      compared with the values stored now; where any differ the form is refused (`conflicts`: a `Change` per
      field, with both values) and nothing is saved, as saving would overwrite what the user never saw.
      `form_page` checks again inside the save's transaction (`check_stored_now`). A post without a version
      (a script, a form from before this) is not checked; a garbled one is refused. Only the form's own
      fields count, so a change elsewhere on the record (a workflow step) is no conflict.
    - Labels without a trailing colon, as Swedish forms write them.
    - Control characters out of its text (`CleanTextMixin`, before validation), dates within the years Samverkan
      takes (`PlausibleDatesMixin`).
    """

    fields: dict[str, forms.Field]
    conflicts: list[Change]
    data: Any  # BaseForm's: the posted QueryDict

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            init = cls.__dict__["__init__"]

            @functools.wraps(init)
            def wrapped(self: "StaffFormMixin", *args: Any, **kw: Any) -> None:
                depth = self.__dict__.get("_init_depth", 0)
                self.__dict__["_init_depth"] = depth + 1
                try:
                    init(self, *args, **kw)
                finally:
                    self.__dict__["_init_depth"] = depth
                if depth == 0:
                    self._constructed()

            cls.__init__ = wrapped  # type: ignore[method-assign]  # wrapping the subclass's own __init__, on purpose

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        self.user = user
        self.conflicts = []
        super().__init__(*args, **kwargs)

    def offer(self, name: str, queryset: "models.QuerySet[Any]") -> forms.Field:
        """Offer the records of `queryset` (limited to what `self.user` may see) in the field `name`."""
        field = self.fields[name]
        field.queryset = queryset  # type: ignore[attr-defined]  # a ModelChoiceField, or one that acts as one
        field.offered = True  # type: ignore[attr-defined]  # the mark `_constructed` looks for
        return field

    def _constructed(self) -> None:
        missing = [n for n, f in self.fields.items() if chooses_records(f) and not getattr(f, "offered", False)]
        if missing:
            raise ImproperlyConfigured(
                f"{type(self).__name__}: {', '.join(missing)} must be offered with offer(name, visible queryset)"
            )
        stored = self.version_values()
        self._stored = stored
        if stored is not None:
            self.fields[VERSION_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
            self.fields[VERSION_FIELD].initial = signing.dumps(stored, salt=_VERSION_SALT, compress=True)

    def version_values(self) -> dict[str, Any] | None:
        """The values the version covers, canonical; None when the form edits nothing stored (a new record).
        A ModelForm's are its model fields on the stored instance; a plain form that edits something overrides
        this."""
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            return None
        return instance_values(self, instance)  # type: ignore[arg-type]  # a mixin of forms.BaseForm

    def stored_now(self) -> dict[str, Any] | None:
        """The values stored now, read again (for `check_stored_now`); a ModelForm re-reads its instance, None
        when it is gone."""
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            return self.version_values()
        fresh = type(instance)._default_manager.filter(pk=instance.pk).first()
        return None if fresh is None else instance_values(self, fresh)  # type: ignore[arg-type]  # as above

    @property
    def changed_data(self) -> list[str]:
        """The fields the user changed; the version is not one."""
        return [name for name in super().changed_data if name != VERSION_FIELD]  # type: ignore[misc]  # BaseForm's

    def full_clean(self) -> None:
        super().full_clean()  # CleanTextMixin, then the form class
        if hasattr(self, "cleaned_data"):
            self.cleaned_data.pop(VERSION_FIELD, None)  # the version is the form's business, not the action's
        if self.is_bound and self._stored is not None:  # type: ignore[attr-defined]  # BaseForm's
            self._compare(self._stored)

    def still_current(self) -> bool:
        """Whether the loaded version still matches the values stored at this moment; when not, the form gets the
        error and `conflicts` and False is returned. `form_page` asks inside the save's transaction."""
        if self._stored is None or not self.is_bound:  # type: ignore[attr-defined]  # BaseForm's
            return True
        now = self.stored_now()
        if now is None:
            self.add_error(  # type: ignore[attr-defined]  # BaseForm's
                None, _("Någon annan har tagit bort det du redigerade. Inget har sparats.")
            )
            return False
        self._compare(now)
        return not self.conflicts

    def _loaded(self) -> dict[str, Any] | None:
        token = self.data.get(self.add_prefix(VERSION_FIELD))  # type: ignore[attr-defined]  # add_prefix: BaseForm's
        if not token:
            return None
        try:
            loaded = signing.loads(token, salt=_VERSION_SALT)
        except signing.BadSignature:
            loaded = None
        if not isinstance(loaded, dict):
            raise ValidationError(_("Formulärets version kunde inte läsas. Ladda om sidan och försök igen."))
        return loaded

    def _compare(self, now: dict[str, Any]) -> None:
        try:
            loaded = self._loaded()
        except ValidationError as error:
            self.add_error(None, error)  # type: ignore[attr-defined]  # BaseForm's
            return
        if loaded is None:
            return
        self.conflicts = [
            Change(
                str(self.fields[name].label if name in self.fields else name),
                _shown(self.fields.get(name), loaded.get(name)),
                _shown(self.fields.get(name), value),
            )
            for name, value in now.items()
            if loaded.get(name) != value
        ]
        if self.conflicts:
            if not any(e.code == "conflict" for e in self.non_field_errors().as_data()):  # type: ignore[attr-defined]
                self.add_error(  # type: ignore[attr-defined]  # BaseForm's
                    None,
                    ValidationError(
                        _(
                            "Någon annan har sparat ändringar medan du redigerade. Inget har sparats. "
                            "Se vad som ändrats nedan; spara igen om du vill skriva över det."
                        ),
                        code="conflict",
                    ),
                )
            # Saving again now knowingly overwrites what is stored now.
            self.data = self.data.copy()
            self.data[self.add_prefix(VERSION_FIELD)] = signing.dumps(  # type: ignore[attr-defined]
                now, salt=_VERSION_SALT, compress=True
            )
