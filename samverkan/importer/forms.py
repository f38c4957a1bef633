"""Forms of the import: the upload, reviewing and confirming one document (`ImportReview`), and importing a ZIP."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.importer.matching import name_key
from samverkan.importer.plan import date_flags, future_day
from samverkan.importer.review import (
    DROP,
    MATCH,
    NEW,
    ItemChoice,
    PaperAdjustment,
    PersonChoice,
    Review,
    named_people,
)
from samverkan.importer.save import Choices
from samverkan.lib.forms import CleanForm, StaffFormMixin
from samverkan.lib.visibility import Visibility
from samverkan.meetings.forms import TIME, SignedCopyMixin
from samverkan.meetings.models import AgendaItem, Meeting, Signatory
from samverkan.structure.access import choosable_people
from samverkan.structure.forms import DATE
from samverkan.structure.models import OPEN_OR_INTERNAL, Person


class ImportForm(CleanForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class UploadForm(ImportForm):
    file = forms.FileField(
        label=_("Protokoll eller minnesanteckningar"),
        help_text=_(
            "En fil (.docx, .pdf eller .txt, högst 20 MB) eller en ZIP-fil med flera (högst 50 filer och 50 MB). "
            "Inget sparas förrän du har granskat och bekräftat."
        ),
    )


class ConfirmForm(ImportForm):
    date = forms.DateField(label=_("Mötesdatum"), widget=DATE, help_text=_("Första dagen om mötet var flera dagar."))
    start = forms.TimeField(label=_("Starttid"), widget=TIME)
    end = forms.TimeField(label=_("Sluttid"), widget=TIME, required=False)
    kind = forms.ChoiceField(label=_("Dokumentation"), choices=Meeting.Kind.choices)
    visibility = forms.ChoiceField(
        label=_("Synlighet"),
        choices=OPEN_OR_INTERNAL,
        help_text=_("Gäller ett nytt möte; protokollet publiceras inte."),
    )

    def __init__(self, *args, plan, **kwargs):
        initial = {
            "date": plan.dates[0] if plan.dates else None,
            "start": plan.start,
            "end": plan.end,
            "kind": plan.kind,
            "visibility": Visibility.PUBLIC,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.plan = plan

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start and len(self.days()) < 2:
            self.add_error("end", _("Sluttiden måste ligga efter starttiden."))
        future = future_day(self.days(), timezone.localdate())
        if future:
            self.add_error("date", future)
        return data

    def days(self):
        """The parse's days when the first one is kept, else the one day given."""
        first = self.cleaned_data.get("date")
        if first is None:
            return []
        if self.plan.dates and first == self.plan.dates[0]:
            return self.plan.dates
        return [first]

    def choices(self):
        data = self.cleaned_data
        return Choices(self.days(), data["start"], data.get("end"), data["kind"], data["visibility"])


class BatchForm(ImportForm):
    start = forms.TimeField(
        label=_("Starttid för protokoll som inte anger någon"),
        widget=TIME,
        required=False,
        help_text=_("Lämna tomt för att hoppa över sådana filer; de kan importeras en och en."),
    )
    visibility = forms.ChoiceField(label=_("Synlighet för de nya mötena"), choices=OPEN_OR_INTERNAL)


PERSON_ACTIONS = [
    (MATCH, _("Registrerad person")),
    (NEW, _("Skapa ny person")),
    (DROP, _("Ta inte med")),
]
ITEM_OUTCOMES = [(v, label) for v, label in AgendaItem.Outcome.choices if v]


class PersonRowForm(StaffFormMixin, CleanForm):
    """One person the minutes name: matched to a registered person the user may choose
    (`structure.access.choosable_people`), created as new, or left out."""

    action = forms.ChoiceField(label=_("Vad ska göras"), choices=PERSON_ACTIONS, widget=forms.RadioSelect)
    person = forms.ModelChoiceField(label=_("Registrerad person"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer("person", choosable_people(self.user, area).order_by("last_name", "first_name", "pk"))

    def clean(self):
        data = super().clean()
        if data.get("action") == MATCH and not data.get("person"):
            self.add_error("person", _("Välj vilken registrerad person det är, eller välj att skapa en ny."))
        return data


class ItemRowForm(ImportForm):
    """One item of the minutes as the secretary corrects it, or drops it."""

    number = forms.CharField(label=_("Nummer"), max_length=20, required=False)
    title = forms.CharField(label=_("Rubrik"), max_length=300, required=False)
    outcome = forms.ChoiceField(label=_("Utfall"), choices=ITEM_OUTCOMES)
    decision = forms.CharField(
        label=_("Beslut"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("En att-sats per rad.")
    )
    drop = forms.BooleanField(label=_("Ta inte med ärendet"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("drop"):
            data["number"] = " ".join((data.get("number") or "").replace("§", " ").split())
            if not data["number"]:
                self.add_error("number", _("Ange ärendets nummer, eller välj att inte ta med det."))
            if not (data.get("title") or "").strip():
                self.add_error("title", _("Ange ärendets rubrik, eller välj att inte ta med det."))
        return data


class ReviewForm(SignedCopyMixin, ConfirmForm):
    """The preview's own choices besides the rows: the day, time and kind (ConfirmForm), who signs (picked among
    the people the minutes name), confirming flagged dates, the suggestions to create (unticked unless ticked),
    and a paper adjustment with, optionally, the scan of the signed copy (`SignedCopyMixin`)."""

    chair = forms.TypedChoiceField(label=_("Ordförande"), coerce=int, required=False, empty_value=None)
    secretary = forms.TypedChoiceField(label=_("Sekreterare"), coerce=int, required=False, empty_value=None)
    adjusters = forms.TypedMultipleChoiceField(
        label=_("Justerare"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    dates_confirmed = forms.BooleanField(label=_("Jag har kontrollerat datumen och de stämmer"), required=False)
    assignments = forms.TypedMultipleChoiceField(
        label=_("Uppdrag att skapa"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    recommendations = forms.TypedMultipleChoiceField(
        label=_("Rekommendationer att skapa"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    paper = forms.BooleanField(
        label=_("Protokollet är justerat på papper"),
        required=False,
        help_text=_("Mötet låses då som justerat med det ursprungliga justeringsdatumet och kan publiceras."),
    )
    paper_date = forms.DateField(label=_("Justerat den"), widget=DATE, required=False)
    paper_signed_by = forms.CharField(label=_("Justerat av"), max_length=300, required=False)

    def __init__(self, *args, plan, rows, parsed, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        self.rows = rows
        named = [(i, row.name) for i, row in enumerate(rows)]
        self.fields["chair"].choices = [("", "–"), *named]
        self.fields["secretary"].choices = [("", "–"), *named]
        self.fields["adjusters"].choices = named
        self.fields["assignments"].choices = [(i, str(i)) for i in range(len(parsed.get("assignments") or []))]
        self.fields["recommendations"].choices = [(i, str(i)) for i in range(len(parsed.get("recommendations") or []))]
        index = {name_key(row.name): i for i, row in enumerate(rows)}
        signers = {s.role: s for s in plan.signers}
        adjusters = [s for s in plan.signers if s.role == Signatory.Role.ADJUSTER]
        chair = signers.get(Signatory.Role.CHAIR)
        self.initial.update(
            chair=index.get(name_key(chair.name)) if chair else None,
            secretary=index.get(name_key(plan.secretary.name)) if plan.secretary else None,
            adjusters=[index[name_key(s.name)] for s in adjusters],
            paper_signed_by=", ".join(s.name for s in plan.signers),
        )

    # The fields the preview places by the people and suggestions they concern; the others follow in one list.
    PLACED_APART = frozenset({"chair", "secretary", "adjusters", "assignments", "recommendations"})

    def general_fields(self):
        """The visible fields the preview lists together: every one but `PLACED_APART` (a template's `not in` on a
        string of those names was a substring test, and left out "end", a part of "recommendations", so an
        imported meeting lost its end time)."""
        return [field for field in self.visible_fields() if field.name not in self.PLACED_APART]

    def date_flags(self):
        """Why the chosen days look wrong (`plan.date_flags`); empty when they look right."""
        return date_flags(self.days(), self.plan.other_dates, timezone.localdate())

    def clean(self):
        data = super().clean()
        if self.days() and self.date_flags() and not data.get("dates_confirmed"):
            self.add_error("dates_confirmed", _("Datumen ser ovanliga ut. Kontrollera dem och bekräfta."))
        if data.get("paper"):
            adjusted = data.get("paper_date")
            if data.get("kind") != Meeting.Kind.MINUTES:
                self.add_error("paper", _("Bara protokoll justeras; minnesanteckningar publiceras utan justering."))
            if adjusted is None:
                self.add_error("paper_date", _("Ange vilken dag protokollet justerades."))
            elif adjusted > timezone.localdate():
                self.add_error("paper_date", _("Justeringsdagen kan inte ligga i framtiden."))
            elif self.days() and adjusted < self.days()[0]:
                self.add_error("paper_date", _("Protokollet kan inte ha justerats före mötet."))
            if not (data.get("paper_signed_by") or "").strip():
                self.add_error("paper_signed_by", _("Ange vem eller vilka som justerade."))
        elif data.get("scan"):
            self.add_error(
                "scan", _("Ett skannat exemplar hör till en justering på papper. Kryssa i den, eller ta bort filen.")
            )
        return data


class ImportReview:
    """The whole preview form: ReviewForm, a PersonRowForm per person the minutes name and an ItemRowForm per item.
    Each row has its own prefix; how many rows there are comes from the parse, never from the post."""

    def __init__(self, data, *, user, plan, parsed, area, files=None):
        self.plan, self.rows = plan, named_people(plan)
        self.main = ReviewForm(data, files, plan=plan, rows=self.rows, parsed=parsed)
        self.people = [
            PersonRowForm(
                data,
                user=user,
                area=area,
                prefix=f"person-{i}",
                initial={"action": MATCH if row.person else NEW, "person": row.person.pk if row.person else None},
            )
            for i, row in enumerate(self.rows)
        ]
        self.items = [
            ItemRowForm(
                data,
                prefix=f"item-{i}",
                initial={
                    "number": item.number,
                    "title": item.title,
                    "outcome": item.outcome,
                    "decision": item.decision,
                },
            )
            for i, item in enumerate(plan.items)
        ]

    @property
    def is_bound(self):
        return self.main.is_bound

    def forms(self):
        return [self.main, *self.people, *self.items]

    def is_valid(self) -> bool:
        valid = all([form.is_valid() for form in self.forms()])  # every form, so each shows its errors
        return valid and self._cross_checks()

    def _cross_checks(self) -> bool:
        ok = True
        dropped = {i for i, form in enumerate(self.people) if form.cleaned_data["action"] == DROP}
        data = self.main.cleaned_data
        for name in ("chair", "secretary"):
            if data.get(name) in dropped:
                self.main.add_error(name, _("Den personen tas inte med och kan inte väljas här."))
                ok = False
        if dropped & set(data.get("adjusters") or []):
            self.main.add_error("adjusters", _("En justerare som inte tas med kan inte väljas."))
            ok = False
        seen = {}
        for form in self.people:
            person = form.cleaned_data.get("person") if form.cleaned_data["action"] == MATCH else None
            if person is not None and person.pk in seen:
                form.add_error("person", _("%(name)s är redan vald för ett annat namn.") % {"name": person.name})
                ok = False
            elif person is not None:
                seen[person.pk] = form
        numbers = set()
        for form in self.items:
            number = form.cleaned_data.get("number")
            if form.cleaned_data.get("drop"):
                continue
            if number in numbers:
                form.add_error("number", _("Numret %(number)s finns redan på ett annat ärende.") % {"number": number})
                ok = False
            numbers.add(number)
        return ok

    def errors(self):
        """(label, messages) of every error, the row's name or item number first, for the error summary."""
        found = []
        for form, label in [(self.main, ""), *zip(self.people, [r.name for r in self.rows], strict=True)]:
            found += [(f"{label}: " if label else "", form, name, errors) for name, errors in form.errors.items()]
        for form, item in zip(self.items, self.plan.items, strict=True):
            found += [(f"{item.number}: ", form, name, errors) for name, errors in form.errors.items()]
        return [
            {
                "label": prefix + str(form.fields[name].label if name in form.fields else ""),
                "errors": " ".join(errors),
                "id": form[name].id_for_label if name in form.fields else "",
            }
            for prefix, form, name, errors in found
        ]

    def review(self) -> Review:
        data = self.main.cleaned_data
        return Review(
            people=[PersonChoice(f.cleaned_data["action"], f.cleaned_data.get("person")) for f in self.people],
            items=[
                ItemChoice(
                    f.cleaned_data["drop"],
                    f.cleaned_data["number"],
                    f.cleaned_data["title"].strip(),
                    f.cleaned_data["outcome"],
                    f.cleaned_data["decision"].strip(),
                )
                for f in self.items
            ],
            chair=data.get("chair"),
            secretary=data.get("secretary"),
            adjusters=list(data.get("adjusters") or []),
            assignments=set(data.get("assignments") or []),
            recommendations=set(data.get("recommendations") or []),
        )

    def choices(self) -> Choices:
        choices = self.main.choices()
        choices.review = self.review()
        data = self.main.cleaned_data
        if data.get("paper"):
            choices.paper = PaperAdjustment(
                data["paper_date"], data["paper_signed_by"].strip(), self.main.signed_copy()
            )
        return choices
