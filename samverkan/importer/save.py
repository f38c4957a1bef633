"""Save imported minutes as a draft meeting in one transaction: meeting, days, items, attendance, signatories,
the source document, and (through proposals.apply_proposals) follow-through. Nothing is ever published here."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _

from samverkan.followthrough.models import Assignment
from samverkan.importer.matching import Directory, name_key
from samverkan.importer.models import ImportRecord
from samverkan.importer.plan import date_flags, prepare, split_name
from samverkan.importer.proposals import apply_proposals, earlier_records, kept_notice, withdraw_earlier
from samverkan.importer.review import PaperAdjustment, Review, apply_review
from samverkan.importer.upload import Upload
from samverkan.lib.history import attribute, save_with_history
from samverkan.lib.locks import locked
from samverkan.lib.visibility import Visibility
from samverkan.meetings.actions import record_paper_adjustment
from samverkan.meetings.models import AgendaItem, Attendance, Document, Meeting, MeetingDay, Signatory
from samverkan.meetings.models import PaperAdjustment as PaperAdjustmentRecord
from samverkan.meetings.numbering import claim_numbers
from samverkan.meetings.tasks import queue_text_extraction
from samverkan.structure.models import Person


class ImportRefused(Exception):
    """The import cannot be saved as asked; the message is Swedish and meant for the user. Nothing was saved."""


@dataclass
class Choices:
    """What the person confirming decides: the days, the start time, the kind and the visibility."""

    dates: list[date]
    start: time
    end: time | None
    kind: str
    visibility: str
    review: Review | None = None  # the preview's decisions; None (a ZIP, the command): nothing uncertain is saved
    paper: PaperAdjustment | None = None  # adjusted on paper: the meeting is locked with that date


@dataclass
class Source:
    """The imported original, kept as the meeting's source document."""

    name: str
    data: bytes
    content_type: str
    sha256: str


@dataclass
class Earlier:
    """A meeting of the body that this document was already imported into, or that is held the same day."""

    meeting: Meeting
    same_file: bool
    imported: bool
    signed: bool

    @property
    def locked(self):
        meeting = self.meeting
        return self.signed or meeting.is_locked or meeting.status in (Meeting.Status.ADJUSTED, Meeting.Status.PUBLISHED)

    @property
    def day(self):
        return self.meeting.first_day.isoformat() if self.meeting.first_day else "–"

    def notice(self):
        if self.imported or self.same_file:
            return _("Detta protokoll har redan importerats (möte %(date)s).") % {"date": self.day}
        return _("Organet har redan ett möte %(date)s.") % {"date": self.day}

    def refusal(self):
        return _(
            "Mötet %(date)s är justerat och låst och kan inte skrivas över. Inget har sparats. "
            "En rättelse görs som en ny protokollsversion på mötets sida."
        ) % {"date": self.day}


def find_earlier(body, sha256, dates) -> Earlier | None:
    """The same file imported into one of the body's meetings, else a meeting of the body on one of the days."""
    source = (
        Document.objects.filter(kind=Document.Kind.SOURCE, sha256=sha256, meeting__body=body).order_by("pk").first()
    )
    meeting_id: int | None
    if source:
        meeting_id = source.meeting_id
    else:
        meeting_id = (
            Meeting.objects.filter(body=body, days__date__in=list(dates))
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
    if meeting_id is None:
        return None
    meeting = Meeting.objects.all().get(pk=meeting_id)
    return Earlier(
        meeting=meeting,
        same_file=source is not None,
        imported=meeting.documents.filter(kind=Document.Kind.SOURCE).exists(),
        signed=meeting.signatories.filter(signed_at__isnull=False).exists(),
    )


@contextmanager
def stored_files():
    """Names of files stored during a transaction; they are removed again if it fails."""
    names = []
    try:
        yield names
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise


def save_import(record: ImportRecord, user, choices: Choices, *, update=False) -> Meeting:
    """Save a pending import as a draft meeting (or, with update=True, into the earlier meeting it matches)."""
    with stored_files() as files, transaction.atomic():
        record = locked(ImportRecord.objects.select_related("body__area")).get(pk=record.pk)
        if not record.is_pending or not isinstance(record.parsed, dict):
            raise ImportRefused(_("Den här importen är redan gjord eller kan inte sparas."))
        earlier = find_earlier(record.body, record.sha256, choices.dates)
        if earlier and earlier.locked:
            raise ImportRefused(earlier.refusal())
        if earlier and not update:
            advice = _("Välj att uppdatera det befintliga mötet. Inget har sparats.")
            raise ImportRefused(f"{earlier.notice()} {advice}")
        if update and not earlier:
            raise ImportRefused(_("Det finns inget tidigare möte att uppdatera. Inget har sparats."))
        try:
            with record.file.open("rb") as handle:
                data = handle.read()
        except (OSError, ValueError) as error:
            raise ImportRefused(_("Den uppladdade filen finns inte längre. Ladda upp den igen.")) from error
        upload = Upload(record.original_name, data)
        source = Source(record.original_name, data, upload.content_type, record.sha256)
        try:
            meeting = save_minutes(
                record.parsed,
                record.body,
                user,
                choices=choices,
                source=source,
                into=earlier.meeting if earlier else None,
                files=files,
                imported=record,
            )
        except (ProtectedError, RestrictedError) as error:
            raise ImportRefused(
                _("Mötet kan inte uppdateras: annat i systemet hänvisar till ärenden som saknas i protokollet.")
            ) from error
        if choices.paper is not None:
            paper = choices.paper
            record_paper_adjustment(
                meeting, user, adjusted_on=paper.adjusted_on, signed_by=paper.signed_by, scan=paper.scan
            )
            scan = PaperAdjustmentRecord.objects.filter(meeting=meeting).values_list("document__file", flat=True)
            files += [name for name in scan if name]  # removed again if the import fails after this
        pending_file = record.file.name
        record.status = ImportRecord.Status.UPDATED if earlier else ImportRecord.Status.IMPORTED
        record.meeting = meeting
        record.imported_at = timezone.now()
        record.error = ""
        record.file = ""
        record.save()
        transaction.on_commit(lambda: default_storage.delete(pending_file))
    return meeting


@transaction.atomic
def save_minutes(
    parsed, body, user, *, choices: Choices, source: Source, into=None, files=None, imported=None
) -> Meeting:
    """Create (or, given `into`, replace the content of) a draft meeting from a parse. One transaction.

    `files` collects the names of stored files, so a caller whose own transaction fails can remove them.
    Items of `into` are matched by number and updated in place (their documents and links stay); items the
    document no longer has are removed, their documents kept on the meeting. Attendance, signatories and the
    source document are replaced. Follow-through that earlier imports into `into` created is replaced by what
    apply_proposals creates now, unless follow-up has started on it; `imported` (the ImportRecord) remembers both.
    """
    files = [] if files is None else files
    reason = (_("Importerat från %(name)s") % {"name": source.name})[:100]
    directory = Directory(body, user)
    plan = prepare(parsed, directory)
    if choices.review is not None:
        parsed = apply_review(plan, parsed, choices.review)
    else:
        _check_unreviewed(plan, choices)
        parsed = {**parsed, "assignments": [], "recommendations": []}  # suggestions are created only when ticked
    people = _people(plan, directory, user, reason)
    meeting = into or Meeting(body=body, visibility=choices.visibility, imported=True)
    meeting.kind = choices.kind
    meeting.status = Meeting.Status.DRAFTED
    meeting.place = plan.place or meeting.place
    meeting.chair = next((people[s.name] for s in plan.signers if s.role == Signatory.Role.CHAIR), None)
    meeting.secretary = people.get(plan.secretary.name) if plan.secretary else None
    _save(meeting, user, reason)
    _days(meeting, choices, into is not None, user, reason)
    kept = into is not None and withdraw_earlier(meeting, user, reason)
    items = _items(meeting, plan, into is not None, user, reason)
    claim_numbers(meeting, user)  # imported minutes keep their § numbers, fixed in the body's series
    if into is not None:
        # django-stubs cannot resolve .all() on a manager made from PartOfMinutesQuerySet (shared by four models).
        for old in [*meeting.attendance.all(), *meeting.signatories.all()]:  # type: ignore[misc]
            _delete(old, user, reason)
    for attendee in plan.attendees:
        record = Attendance(
            meeting=meeting,
            person=people[attendee.name],
            status=attendee.status,
            group=attendee.group,
            principal=attendee.principal,
            party=attendee.party,
            role=attendee.role,
            substitute_for=attendee.substitute_for,
            note=attendee.note,
        )
        _save(record, user, reason)
    signed_up = set()
    for signer in plan.signers:
        person = people[signer.name]
        if person.pk not in signed_up:
            signed_up.add(person.pk)
            _save(Signatory(meeting=meeting, person=person, role=signer.role), user, reason)
    _source_document(meeting, source, into is not None, user, reason, files)
    found = {name_key(name): person for name, person in people.items()}
    created = apply_proposals(parsed, meeting, items, user, directory=directory, people=found, kept=kept)
    if imported is not None:
        imported.assignments.set([c for c in created if isinstance(c, Assignment)])
        imported.recommendations.set([c for c in created if not isinstance(c, Assignment)])
        imported.followthrough_note = kept_notice(*earlier_records(meeting)) if kept else ""
    return meeting


_save = save_with_history


def _check_unreviewed(plan, choices):
    """An import nobody reviewed (a ZIP, the command) may not take a name spelt differently for a registered
    person, nor days that look wrong:
    raises ImportRefused, asking for the file's own preview."""
    named = [*plan.attendees, *plan.signers, *([plan.secretary] if plan.secretary else [])]
    proposed = list(dict.fromkeys(n.name for n in named if n.proposed))
    if proposed:
        raise ImportRefused(
            _("Namn som liknar registrerade personer behöver granskas (%(names)s). Öppna filen och bekräfta.")
            % {"names": ", ".join(proposed)}
        )
    flags = date_flags(choices.dates, plan.other_dates, timezone.localdate())
    if flags:
        raise ImportRefused(" ".join([*flags, _("Öppna filen och bekräfta datumen.")]))


def _delete(record, user, reason):
    attribute(record, user, reason)
    record.delete()


def _people(plan, directory, user, reason):
    """Name → Person for everyone the plan names; people not found in the area are created (no seat)."""
    people = {}
    for attendee in plan.attendees:
        person = attendee.person or _new_person(attendee.name, attendee.principal, directory, user, reason)
        people[attendee.name] = person
    for signer in [*plan.signers, *([plan.secretary] if plan.secretary else [])]:
        if signer.name not in people:
            found = signer.person or (None if plan.reviewed else directory.person(signer.name).person)
            people[signer.name] = found or _new_person(signer.name, None, directory, user, reason)
    return people


def _new_person(name, principal, directory, user, reason):
    first, last = split_name(name)
    base = (slugify(name) or "person")[:100].strip("-") or "person"
    taken = set(Person.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    person = _save(Person(first_name=first, last_name=last, slug=slug, employer=principal), user, reason)
    directory.remember(person)
    return person


def _days(meeting, choices, replacing, user, reason):
    existing = {day.date: day for day in meeting.days.all()} if replacing else {}
    for when, day in existing.items():
        if when not in choices.dates:
            _delete(day, user, reason)
    for index, when in enumerate(choices.dates):
        day = existing.get(when) or MeetingDay(meeting=meeting, date=when)
        day.start = choices.start
        last = index == len(choices.dates) - 1
        day.end = choices.end if last and choices.end and choices.end > choices.start else None
        _save(day, user, reason)


def _items(meeting, plan, replacing, user, reason):
    """The meeting's items as the plan has them, by number."""
    existing = {item.number: item for item in meeting.items.all()} if replacing else {}
    wanted = {planned.number for planned in plan.items}
    for number, item in existing.items():
        if number not in wanted:
            for document in item.documents.all():
                document.item = None
                _save(document, user, reason, clean=False)  # only the link changes; the rest is as it was
            _delete(item, user, reason)
    items = {}
    for position, planned in enumerate(plan.items, start=1):
        item = existing.get(planned.number) or AgendaItem(meeting=meeting, number=planned.number)
        item.position = position
        item.title = planned.title
        item.kind = planned.kind
        item.outcome = planned.outcome
        item.presenters = planned.presenters
        item.minutes = planned.minutes
        item.decision = planned.decision
        if item.outcome != AgendaItem.Outcome.DEFERRED:
            item.deferred_to = None
        items[planned.number] = _save(item, user, reason)
    return items


def _source_document(meeting, source, replacing, user, reason, files):
    if replacing:
        for old in meeting.documents.filter(kind=Document.Kind.SOURCE):
            name = old.file.name
            _delete(old, user, reason)
            transaction.on_commit(lambda name=name: default_storage.delete(name))
    document = Document(
        meeting=meeting,
        kind=Document.Kind.SOURCE,
        title=(_("Importerat protokoll: %(name)s") % {"name": source.name})[:300],
        original_name=source.name[:300],
        content_type=source.content_type,
        size=len(source.data),
        sha256=source.sha256,
        text_state=Document.TextState.WAITING,  # read by the worker (meetings.tasks.extract_text)
        visibility=Visibility.INTERNAL,
        uploaded_at=timezone.now(),
        uploaded_by=user,
    )
    try:
        filename = get_valid_filename(source.name)[-150:]
    except SuspiciousFileOperation:
        filename = "protokoll"
    document.file.save(filename, ContentFile(source.data), save=False)
    files.append(document.file.name)
    _save(document, user, reason)
    queue_text_extraction(document)
