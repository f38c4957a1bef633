"""Staff forms for meetings: the year plan, a meeting, its days, agenda, attendance and minutes, documents, and
the member's answer to an invitation."""

import re
from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samverkan.lib.forms import CleanForm, RecordsField, StaffFormMixin, instance_values
from samverkan.lib.visibility import Visibility
from samverkan.meetings.access import possible_readers, readable_items_rule, visible_meetings
from samverkan.meetings.actions import DOCUMENT_LOCKED, SignedCopy, minutes_open_error
from samverkan.meetings.extract import UnreadableFile, accepted_kinds, examine, original_name
from samverkan.meetings.models import AgendaItem, Attendance, Document, InvitationAnswer, Meeting, MeetingDay, Signatory
from samverkan.meetings.numbering import clean_number, is_continuous, place_typed_number
from samverkan.structure.access import choosable_people, principals_of, visible_people_rule
from samverkan.structure.forms import DATE, StaffForm
from samverkan.structure.models import OPEN_OR_INTERNAL, Membership, Party, Person

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_PLAN_LINES = 60
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class YearPlanForm(CleanForm):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    dates = forms.CharField(
        label=_("Mötesdatum"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Ett datum per rad, som ÅÅÅÅ-MM-DD."),
        max_length=2000,
    )
    start = forms.TimeField(label=_("Starttid"), widget=TIME)
    end = forms.TimeField(label=_("Sluttid"), widget=TIME, required=False)
    place = forms.CharField(label=_("Plats"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Dokumentation"), choices=Meeting.Kind.choices)
    visibility = forms.ChoiceField(label=_("Synlighet"), choices=OPEN_OR_INTERNAL)

    def __init__(self, *args, body, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.body = body

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("Sluttiden måste ligga efter starttiden."))
        year, text = data.get("year"), data.get("dates")
        if year is None or text is None:
            return data
        try:
            data["dates"] = self._parse_dates(year, text)
        except ValidationError as error:
            self.add_error("dates", error)
        return data

    def _parse_dates(self, year, text):
        lines = text.splitlines()
        if len(lines) > MAX_PLAN_LINES:
            raise ValidationError(_("Högst %(n)s rader åt gången.") % {"n": MAX_PLAN_LINES})
        problems, seen = [], {}
        for n, line in enumerate(lines, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                day = date.fromisoformat(line) if ISO_DATE.match(line) else None
            except ValueError:
                day = None
            shown = "".join(ch for ch in line[:20] if ch.isprintable())
            if day is None:
                problems.append(_("Rad %(n)s: ”%(text)s” är inte ett datum som ÅÅÅÅ-MM-DD.") % {"n": n, "text": shown})
            elif day.year != year:
                problems.append(_("Rad %(n)s: %(day)s ligger inte år %(year)s.") % {"n": n, "day": line, "year": year})
            elif day in seen:
                message = _("Rad %(n)s: %(day)s står redan på rad %(m)s.")
                problems.append(message % {"n": n, "day": line, "m": seen[day]})
            else:
                seen[day] = n
        if not problems and not seen:
            problems.append(_("Skriv minst ett datum."))
        taken = set(
            MeetingDay.objects.filter(meeting__body=self.body, date__in=list(seen)).values_list("date", flat=True)
        )
        for day in sorted(taken):
            problems.append(
                _("Rad %(n)s: organet har redan ett möte %(day)s.") % {"n": seen[day], "day": day.isoformat()}
            )
        if problems:
            raise ValidationError(problems)
        return sorted(seen)


class MinutesForm(StaffForm):
    """A staff form that changes what the minutes will say. While they wait for adjustment it saves nothing;
    once they are locked the model itself refuses (and the form shows why)."""

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        if hasattr(self.instance, "meeting_id"):
            self.instance.meeting = meeting

    def clean(self):
        data = super().clean()
        if not self.meeting.is_locked and (error := minutes_open_error(self.meeting)):
            raise ValidationError(error)
        return data


class MeetingForm(MinutesForm):
    """The meeting's own facts; its status moves only through the workflow steps (actions.take_step). Once
    the minutes are locked only the visibility is offered: the rest is part of them."""

    class Meta:
        model = Meeting
        fields = ["title", "kind", "place", "visibility"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, meeting=kwargs["instance"], **kwargs)
        if self.meeting.is_locked:
            for name in ("title", "kind", "place"):
                del self.fields[name]


class MeetingDayForm(MinutesForm):
    class Meta:
        model = MeetingDay
        fields = ["date", "start", "end"]
        widgets = {"date": DATE, "start": TIME, "end": TIME}


def later_meetings(user, meeting):
    """The body's meetings after `meeting` that `user` may see (`visible_meetings`), by first day: where an item
    may be deferred to."""
    later = visible_meetings(user).filter(body_id=meeting.body_id).exclude(pk=meeting.pk)
    if getattr(meeting, "first_day", None) is not None:
        later = later.filter(first_day__gt=meeting.first_day)
    return later.order_by("first_day", "pk")


def meeting_items(user, meeting):
    """The meeting's items that `user` may read (`readable_items_rule`), in agenda order."""
    return meeting.items.filter(readable_items_rule(user)).order_by("position", "pk")


def meeting_people(user, meeting, seated):
    """People to pick on a meeting's forms: those on its attendance list and those matched by `seated` (a Q on
    Person), limited to whom `user` may see (`visible_people`) or finds on the meeting's own attendance list."""
    attending = Q(pk__in=meeting.attendance.values("person_id"))
    chosen = Person.objects.filter(pk__in=Person.objects.filter(seated | attending).values("pk"))
    visible = visible_people_rule(user)  # on each row, not an IN over every person the user may see
    return chosen if visible is None else chosen.filter(visible | attending)


class NamedReadersMixin:
    """A `readers` field (named readers of a confidential record) offered from the people the user may see in
    the area (`meetings.access.possible_readers`); naming readers of a record that is not confidential is
    refused, as it would grant nothing."""

    def _offer_readers(self, meeting):
        self.offer("readers", possible_readers(self.user, meeting))
        self.fields["readers"].required = False
        # A native multiple select: compact for an area's hundreds of people, keyboard- and screen-reader-friendly.
        self.fields["readers"].widget = forms.SelectMultiple(attrs={"size": 8})
        self.fields["readers"].widget.choices = self.fields["readers"].choices

    def _check_readers(self, data):
        if data.get("readers") and data.get("visibility") != Visibility.CONFIDENTIAL:
            self.add_error("readers", _("Namngivna läsare kan bara anges när synligheten är Sekretess."))


class AgendaItemForm(NamedReadersMixin, MinutesForm):
    class Meta:
        model = AgendaItem
        fields = ["number", "position", "title", "kind", "presenters", "background", "visibility", "readers"]
        fields += ["outcome", "deferred_to"]

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        self.offer("deferred_to", later_meetings(self.user, meeting)).label_from_instance = meeting_label
        self.fields["outcome"].required = False
        self._offer_readers(meeting)

    def clean_number(self):
        """A § number of a continuous series is a whole number: "§ 40" gives 40, "abc" or "12a" is refused
        (an imported "12a" left as it was stays)."""
        number = self.cleaned_data.get("number")
        kept = self.instance.pk is not None and (number or "").strip() == self.instance.number
        cleaned = clean_number(number, continuous=is_continuous(self.meeting.body), typed=not kept)
        if self.instance.pk is None or cleaned != self.instance.number:
            # On a provisional agenda a typed § number is a place: refused when another meeting holds it.
            self.instance.placed_by_number = place_typed_number(self.meeting, self.instance, cleaned) is not None
        return cleaned

    def clean(self):
        data = super().clean()
        self._check_readers(data)
        return data


class ItemMinutesForm(MinutesForm):
    """What was said, what was decided, and how the item ended."""

    class Meta:
        model = AgendaItem
        fields = ["minutes", "decision", "outcome", "deferred_to"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 8}), "decision": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        self.offer("deferred_to", later_meetings(self.user, meeting)).label_from_instance = meeting_label
        self.fields["outcome"].required = False


PARTIES = [("", "–"), *Party.choices]


class AttendanceForm(MinutesForm):
    """One row of the attendance list; partial presence is the days attended and the items missed."""

    party = forms.ChoiceField(label=_("Parti"), choices=PARTIES, required=False)

    class Meta:
        model = Attendance
        fields = ["status", "group", "principal", "party", "role", "substitute_for", "days", "not_during", "note"]
        widgets = {"days": forms.CheckboxSelectMultiple, "not_during": forms.CheckboxSelectMultiple}
        field_classes = {"days": RecordsField, "not_during": RecordsField}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        body = meeting.body
        self.offer("principal", principals_of(body.area))
        seated = Q(memberships__body=body, memberships__role__in=Membership.SEATED_ROLES)
        self.offer("substitute_for", meeting_people(self.user, meeting, seated))
        self.offer("days", meeting.days.all())
        self.offer("not_during", meeting_items(self.user, meeting)).label_from_instance = lambda item: (
            f"{item.number} {item.title}"
        )


class AttendanceCreateForm(AttendanceForm):
    """Someone else on the list: a presenter, an official, a guest."""

    class Meta(AttendanceForm.Meta):
        fields = ["person", *AttendanceForm.Meta.fields]

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        people = choosable_people(self.user, meeting.body.area)
        self.offer("person", people.exclude(pk__in=meeting.attendance.values("person_id")))


class SignatoriesForm(StaffFormMixin, forms.Form):
    chair = forms.ModelChoiceField(label=_("Ordförande"), queryset=Person.objects.none(), required=False)
    secretary = forms.ModelChoiceField(label=_("Sekreterare"), queryset=Person.objects.none(), required=False)
    adjusters = RecordsField(
        label=_("Justerare"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ordföranden justerar alltid; välj här de andra som justerar protokollet."),
    )

    def __init__(self, *args, meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        # Those on the attendance list and those seated in the body when it met; adjusters are chosen among them.
        seated = Membership.objects.current(getattr(meeting, "first_day", None)).filter(body_id=meeting.body_id)
        people = meeting_people(self.user, meeting, Q(pk__in=seated.values("person_id")))
        for name in ("chair", "secretary", "adjusters"):
            self.offer(name, people)

    def version_values(self):
        """Chair, secretary and adjusters as stored: who signs is what two planners could overwrite."""
        meeting = self.meeting
        adjusters = Signatory.objects.filter(meeting=meeting, role=Signatory.Role.ADJUSTER)
        chair_secretary = Meeting.objects.filter(pk=meeting.pk).values("chair_id", "secretary_id").first() or {}
        return {
            "chair": chair_secretary.get("chair_id"),
            "secretary": chair_secretary.get("secretary_id"),
            "adjusters": sorted(adjusters.values_list("person_id", flat=True)),
        }

    def stored_now(self):
        return self.version_values()

    def clean(self):
        data = super().clean()
        if error := minutes_open_error(self.meeting):
            raise ValidationError(error)
        chair = data.get("chair")
        if chair is not None and chair in data.get("adjusters", []):
            self.add_error("adjusters", _("Ordföranden justerar redan protokollet och kan inte också vara justerare."))
        return data


class CorrectionForm(StaffFormMixin, forms.Form):
    """A correction of locked minutes: the item's new text and why; it becomes a new version. Carries the item's
    text as loaded, so two corrections at once do not overwrite each other."""

    minutes = forms.CharField(label=_("Protokollstext"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    decision = forms.CharField(
        label=_("Beslut"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("En att-sats per rad."),
    )
    visibility = forms.ChoiceField(
        label=_("Synlighet"),
        required=False,  # left out: as it is
        help_text=_("Kan bara skärpas, t.ex. för att sekretessmarkera ett ärende med personnummer."),
    )
    reason = forms.CharField(
        label=_("Skäl till rättelsen"),
        max_length=500,
        help_text=_("Visas med den nya versionen, t.ex. ”Fel datum i beslutet”."),
    )

    def __init__(self, *args, item, **kwargs):
        self.item = item
        super().__init__(*args, **kwargs)
        current = Visibility.of(item.visibility)
        self.fields["visibility"].choices = [
            (level.value, level.label) for level in Visibility if Visibility.stricter(current, level) == level
        ]
        self.fields["visibility"].initial = current.value

    def version_values(self):
        """The item's minutes text and decision as stored."""
        return {name: value for name, value in instance_values(self, self.item).items() if name != "reason"}

    def stored_now(self):
        fresh = AgendaItem.objects.filter(pk=self.item.pk).first()
        return None if fresh is None else instance_values(self, fresh)


class DocumentCorrectionForm(StaffFormMixin, forms.Form):
    """A correction of a document of locked minutes: a stricter visibility and why (actions.correct_document);
    only the levels stricter than the document's are offered. Carries the visibility as loaded."""

    visibility = forms.ChoiceField(label=_("Ny synlighet"))
    reason = forms.CharField(
        label=_("Skäl till rättelsen"),
        max_length=500,
        help_text=_("Visas med den nya versionen för dem som får läsa handlingen, t.ex. ”Innehöll ett personnummer”."),
    )

    def __init__(self, *args, document, **kwargs):
        self.document = document
        super().__init__(*args, **kwargs)
        current = Visibility.of(document.visibility)
        self.fields["visibility"].choices = [
            (level.value, level.label)
            for level in Visibility
            if level != current and Visibility.stricter(current, level) == level
        ]

    def version_values(self):
        """The document's visibility as stored."""
        return {"visibility": self.document.visibility}

    def stored_now(self):
        fresh = Document.objects.filter(pk=self.document.pk).values("visibility").first()
        return None if fresh is None else {"visibility": fresh["visibility"]}


def meeting_label(meeting):
    first = getattr(meeting, "first_day", None)
    shown = first.isoformat() if first else str(_("datum saknas"))
    return f"{shown} {meeting.title}".strip()


# --- Documents -----------------------------------------------------------------------------------------------

DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def max_bytes():
    """The largest document accepted, in bytes (settings.DOCUMENT_MAX_BYTES, default 25 MB)."""
    return getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def megabytes(size):
    """A size in bytes as Swedish megabytes for messages: 1,5 or 25."""
    return f"{size / (1024 * 1024):.1f}".replace(".0", "").replace(".", ",")


FILE_ERRORS = {
    "required": _("Välj en fil att ladda upp."),
    "empty": _("Filen är tom."),
    "invalid": _("Det som skickades var ingen fil."),
    "missing": _("Ingen fil kom fram. Försök igen."),
}


def file_help() -> str:
    """The help text of every document upload: the kinds taken and the largest size."""
    return gettext("%(kinds)s. Högst %(max)s MB.") % {"kinds": accepted_kinds(), "max": megabytes(max_bytes())}


def checked_upload(upload) -> SignedCopy:
    """An uploaded document through the one upload reader's checks (`extract.examine`: the kind from the content,
    the name agreeing, the size at most `max_bytes()`, no bomb): `SignedCopy(data, name, kind, visibility="")`,
    the visibility for the caller to fill in. Raises forms.ValidationError with a Swedish message; nothing is
    stored."""
    if upload.size > max_bytes():
        raise forms.ValidationError(
            gettext("Filen är för stor (%(size)s MB). Största tillåtna storlek är %(max)s MB.")
            % {"size": megabytes(upload.size), "max": megabytes(max_bytes())}
        )
    data = b"".join(upload.chunks())
    name = original_name(upload.name)
    try:
        kind = examine(data, name, max_bytes=max_bytes())
    except UnreadableFile as error:
        raise forms.ValidationError(str(error)) from None
    return SignedCopy(data, name, kind, "")


class SignedCopyMixin:
    """For a form of minutes adjusted on paper: the optional scan of the signed copy (`scan`, through
    `checked_upload`) and its visibility (`scan_visibility`: internal unless chosen otherwise, as it carries
    signatures), added after the form's own fields and then put in `field_order`. `signed_copy()` of a valid form
    is the checked scan with its visibility, or None."""

    fields: dict
    cleaned_data: dict

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scan"] = forms.FileField(
            label=_("Skannat underskrivet exemplar"),
            required=False,
            error_messages=FILE_ERRORS,
            help_text=gettext("Frivilligt. %(kinds)s") % {"kinds": file_help()},
        )
        self.fields["scan_visibility"] = forms.ChoiceField(
            label=_("Synlighet för det skannade exemplaret"),
            choices=Visibility.choices,
            initial=Visibility.INTERNAL,
            required=False,  # internal when not given
            help_text=_("Exemplaret bär namnteckningar och är därför internt om du inte väljer annat."),
        )
        self.order_fields(getattr(self, "field_order", None))

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        self.checked_scan = checked_upload(upload) if upload else None
        return upload

    def signed_copy(self) -> SignedCopy | None:
        scan = getattr(self, "checked_scan", None)
        return (
            scan._replace(visibility=self.cleaned_data.get("scan_visibility") or Visibility.INTERNAL) if scan else None
        )


class PaperAdjustmentForm(SignedCopyMixin, CleanForm):
    """Minutes adjusted on paper: the day and who signed, as written on the signed copy (KL 5:69 asks only that
    the minutes are adjusted, not how), and optionally its scan (`SignedCopyMixin`). Saving locks the minutes
    (`actions.record_paper_adjustment`)."""

    field_order = ["adjusted_on", "signed_by", "scan", "scan_visibility", "confirm"]

    adjusted_on = forms.DateField(
        label=_("Justerat den"), widget=DATE, help_text=_("Datumet på det justerade exemplaret.")
    )
    signed_by = forms.CharField(
        label=_("Justerat av"),
        max_length=300,
        help_text=_("Ordföranden och justerarna som skrev under, t.ex. ”Anna Berg, Karl Lind”."),
    )
    confirm = forms.BooleanField(
        label=_("Jag har det underskrivna protokollet och förstår att protokollet låses."),
        help_text=_("Därefter kan det bara ändras genom en rättelse som sparas som en ny version."),
    )


class DocumentUploadForm(StaffFormMixin, forms.Form):
    """A new document: the file (its real type read from the content), title, number, item and visibility.

    A valid form carries `kind` (extract.Kind) and `data_bytes` for actions.add_document."""

    file = forms.FileField(label=_("Fil"), error_messages=FILE_ERRORS)
    title = forms.CharField(
        label=_("Titel"),
        max_length=300,
        required=False,
        help_text=_("Lämna tomt för att använda filnamnet."),
    )
    number = forms.CharField(
        label=_("Bilagenummer"),
        max_length=30,
        required=False,
        help_text=_("T.ex. Bilaga 2.1.1."),
    )
    item = forms.ModelChoiceField(
        label=_("Hör till ärende"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("Hela mötet (inget särskilt ärende)"),
    )
    visibility = forms.ChoiceField(
        label=_("Synlighet"),
        choices=Visibility.choices,
        help_text=_("En handling kan aldrig vara mer synlig än sitt ärende."),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.offer("item", meeting_items(self.user, meeting))
        self.fields["item"].label_from_instance = lambda item: f"{item.number} {item.title}"
        self.fields["file"].help_text = file_help()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        checked = checked_upload(upload)
        self.kind, self.data_bytes = checked.kind, checked.data
        return upload

    def clean(self):
        data = super().clean()
        if self.meeting.is_locked and data.get("item"):
            self.add_error("item", DOCUMENT_LOCKED)
        return data


class DocumentEditForm(NamedReadersMixin, StaffForm):
    """A document's title, number, visibility and named readers; refused for a document of an item of locked
    minutes."""

    class Meta:
        model = Document
        fields = ["title", "number", "visibility", "readers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._offer_readers(self.instance.meeting)

    def clean(self):
        data = super().clean()
        self._check_readers(data)
        if self.instance.meeting.is_locked and self.instance.item_id:
            raise forms.ValidationError(DOCUMENT_LOCKED)
        return data


# --- The answer to an invitation ---------------------------------------------------------------------------


class AnswerForm(CleanForm):
    """A member's answer to the invitation; `problem` (answer_problem's text) refuses every answer."""

    answer = forms.ChoiceField(
        label=_("Ditt svar"),
        choices=InvitationAnswer.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj om du kommer eller anmäler förhinder.")},
    )
    comment = forms.CharField(
        label=_("Kommentar till sekreteraren"),
        max_length=300,
        required=False,
        help_text=_("Frivillig, t.ex. ”kommer från kl. 10”."),
    )

    def __init__(self, *args, problem=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.problem = problem

    def clean(self):
        if self.problem:
            raise forms.ValidationError(self.problem)
        return super().clean()
