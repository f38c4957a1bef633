"""Canaries (issue 9, "Shown by"): distinct words planted through the staff forms, as the real users fill them in,
in every free-text field of internal and confidential records; then every public surface is fetched anonymously
and every page an outsider can reach is fetched as that outsider, and no canary may appear anywhere.

The records: an internal body and a person seated only in it; an internal meeting of a public body and a meeting
of the internal body; internal and confidential items of a published public meeting with their minutes,
decisions and corrections; internal and confidential documents (title, number, file name, the file's text); an
internal matter; assignments, a recommendation and a principal's decision of those items; the reasons given for
changes (history). Public surfaces: the portal crawled from / by its links, the iCal feeds, the public minutes
PDFs, the decision board's CSV and XLSX exports, the documents, the alerts' digests (of the forum, of each
principal's decisions and of searches for the canaries). Outsiders: a secretary of another body, a
principal's contact, a plain member of another body, a login without any role, each crawling / and /hantera/;
and a member of the body, who must not find the confidential ones (also on the signing page, once signed).

Choice lists in forms (<select> and checkbox lists) are checked too, and reported apart: the page and the field
that offers a hidden record (the forms build them from the `visible_*` querysets, tests/test_forms.py).
"""

import csv
import io
import itertools
import re
from collections import deque
from datetime import timedelta
from html.parser import HTMLParser

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samverkan.agreements.models import Agreement
from samverkan.agreements.tasks import read_version_text
from samverkan.followthrough.models import Assignment, PrincipalDecision, Recommendation
from samverkan.followup.models import Goal
from samverkan.meetings.models import AgendaItem, Attendance, Document, Meeting
from samverkan.meetings.tasks import read_document_text
from samverkan.structure.models import Membership, Person
from tests import sample_files
from tests.minutes_helpers import _person

SKIPPED = ("/admin/", "/i18n/", "/static/", "/konto/", "/media/")
PAGE_LIMIT = 3000


class Canaries:
    """Hands out distinct words ("kanarie01" …) and remembers where each was planted."""

    def __init__(self):
        self.planted = {}
        self._next = itertools.count(1)

    def __call__(self, where):
        word = f"kanarie{next(self._next):02d}"
        self.planted[word] = where
        return word

    def find(self, text, only=None):
        """The canaries in `text` (of those in `only`, when given)."""
        text = text.lower()
        return sorted(word for word in (self.planted if only is None else only) if word in text)

    def confidential(self):
        """The words planted in confidential records, or in records hanging on them."""
        return {w for w, where in self.planted.items() if "confidential" in where or "invited document" in where}


# ---- Filling in forms as a browser does ---------------------------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: their action and what a browser would send unchanged."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "data": {}}
            )
            return
        if not self.forms:
            return
        data = self.forms[-1]["data"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                data.setdefault(name, [])
                return
            data.setdefault(name, []).append(a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)

    def handle_data(self, text):
        if self._textarea and self.forms:
            self.forms[-1]["data"][self._textarea][-1] += text

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self.forms:
            s = self._select
            chosen = s["chosen"] or ([] if s["multiple"] or s["first"] is None else [s["first"]])
            self.forms[-1]["data"][s["name"]] = chosen
            self._select = None


def submit(client, url, changes, files=None, *, expect=302):
    """GET the form page at `url`, keep what the form says, change `changes` (name -> value or list), POST it
    back as a browser would, and check the answer is `expect` (a redirect after saving). Returns the response."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    parser = _Forms()
    parser.feed(page.content.decode())
    names = set(changes) | set(files or {})
    candidates = [f for f in parser.forms if f["method"] == "post" and f["action"] in ("", url)]
    form = next((f for f in candidates if names <= set(f["data"]) | set(files or {})), None)
    assert form is not None, (url, names, [sorted(f["data"]) for f in candidates])
    data = {name: values for name, values in form["data"].items()}
    for name, value in changes.items():
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    data.update(files or {})
    response = client.post(url, data)
    if response.status_code != expect:
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)</', response.content.decode(), re.S)
        raise AssertionError((url, response.status_code, errors[:5]))
    return response


# ---- Reading every kind of answer as text -------------------------------------------------------------------

_SELECT = re.compile(r"<select\b[^>]*\bname=\"([^\"]+)\"[^>]*>.*?</select>", re.S)
_CHOICE = re.compile(
    r"<label\b[^>]*>\s*<input\b[^>]*type=\"(?:checkbox|radio)\"[^>]*\bname=\"([^\"]+)\"[^>]*>(.*?)</label>", re.S
)


def _text(response):
    """(text of the page to hold to the rule, [(field, text)] of its forms' choice lists)."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("application/pdf"):
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages), []
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
        return " ".join(cells + book.sheetnames), []
    if kind.startswith("text/csv"):
        return " ".join(" ".join(row) for row in csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")), []
    if kind.startswith(("text/", "application/json")):
        html = body.decode()
        choices = [(m.group(1), m.group(0)) for m in _SELECT.finditer(html)]
        choices += [(m.group(1), m.group(2)) for m in _CHOICE.finditer(html)]
        return _CHOICE.sub("", _SELECT.sub("", html)), choices
    return body.decode("utf-8", "replace"), []  # a document of another kind: its bytes as they are


_API_LINK = re.compile(r"https?://testserver(/api/[^\"#\s]*)")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag in ("a", "link") else None
        if not href:
            return
        href = re.sub(r"^(https?|webcal)://testserver", "", href).split("#")[0]
        if href.startswith("/") and not href.startswith("//"):
            self.hrefs.append(href)


def crawl(client, starts, canaries, who, choice_leaks, only=None):
    """Fetch every page reachable from `starts` by links; assert no canary (of `only`, when given) is on any of
    them. Returns the URLs."""
    seen, queue, leaks = set(), deque(starts), []
    while queue:
        url = queue.popleft()
        if url in seen or url.startswith(SKIPPED):
            continue
        seen.add(url)
        assert len(seen) < PAGE_LIMIT, f"{who}: more than {PAGE_LIMIT} pages"
        response = client.get(url)
        assert response.status_code in (200, 302), (who, url, response.status_code)
        if response.status_code == 302:
            queue.append(response["Location"])
            continue
        text, choices = _text(response)
        leaks += [(url, word, canaries.planted[word]) for word in canaries.find(text, only)]
        for field, options in choices:
            for word in canaries.find(options, only):
                choice_leaks.add((who, url.split("?")[0], field, canaries.planted[word]))
        if response.get("Content-Type", "").startswith("text/html"):
            parser = _Links()
            parser.feed(text)
            queue.extend(h for h in parser.hrefs if h not in seen)
        elif response.get("Content-Type", "").startswith("application/json"):  # the open data API's links
            queue.extend(h for h in _API_LINK.findall(text) if h not in seen)
    assert not leaks, (who, leaks)
    return seen


# ---- The records, planted through the staff forms --------------------------------------------------------------


def _plant(client, world):
    """As the area's coordinator (who keeps the structure and plans every body's meetings), and as the member
    who chairs the forum's meeting, fill every free-text field of internal and confidential records with a
    canary. Returns the Canaries and the published public meeting."""
    c = Canaries()
    area = world.area.slug
    client.force_login(world.coordinator)
    reason = "change_reason"

    # The internal body and a person seated only in it.
    submit(
        client,
        reverse("structure:body_edit", args=[world.secret.pk]),
        {
            "name": f"Hemliga gruppen {c('internal body name')}",
            "abbreviation": c("internal body abbreviation"),
            "charter": c("internal body charter"),
            "mandate": c("internal body mandate"),
            "reporting_route": c("internal body reporting route"),
            "rules_of_procedure": c("internal body rules of procedure"),
            reason: c("internal body change reason"),
        },
    )
    submit(
        client,
        reverse("structure:person_create", args=[area]),
        {
            "first_name": c("hidden person first name").capitalize(),
            "last_name": c("hidden person last name").capitalize(),
            "slug": "dold-person",
            "title": c("hidden person title"),
            "employer": world.region.pk,
        },
    )
    hidden = Person.objects.get(slug="dold-person")
    submit(
        client,
        reverse("structure:membership_create", args=[world.secret.pk]),
        {"person": hidden.pk, "role": "member", "principal": world.region.pk},
    )

    today = timezone.localdate()
    past = today - timedelta(days=10)

    def plan(body, day, visibility, place):
        submit(
            client,
            reverse("meetings:year_plan", args=[body.pk]),
            {"year": day.year, "dates": day.isoformat(), "start": "09:00", "place": place, "visibility": visibility},
        )
        return Meeting.objects.filter(body=body, days__date=day).get()

    def item(meeting, number, visibility, label, **more):
        submit(
            client,
            reverse("meetings:item_create", args=[meeting.pk]),
            {
                "number": number,
                "position": number,
                "title": c(f"{label} title"),
                "presenters": c(f"{label} presenters"),
                "background": c(f"{label} background"),
                "visibility": visibility,
                **more,
            },
        )
        return meeting.items.get(number=number)

    def minutes(agenda_item, label):
        submit(
            client,
            reverse("meetings:item_minutes", args=[agenda_item.pk]),
            {"minutes": c(f"{label} minutes"), "decision": c(f"{label} decision"), reason: c(f"{label} reason")},
        )

    # An internal meeting of the public forum, with an item and an attendance note.
    internal_meeting = plan(world.forum, today + timedelta(days=20), "internal", c("internal meeting place"))
    submit(
        client,
        reverse("meetings:meeting_edit", args=[internal_meeting.pk]),
        {"title": c("internal meeting title"), reason: c("internal meeting change reason")},
    )
    item(internal_meeting, "1", "public", "public item of internal meeting")
    submit(
        client,
        reverse("meetings:attendance_create", args=[internal_meeting.pk]),
        {"person": world.member_person.pk, "note": c("internal meeting attendance note")},
    )

    # The same meeting gets a confidential item and document, and is sent out; a member answers with a comment.
    item(internal_meeting, "2", "confidential", "confidential item of invited meeting")
    upload = SimpleUploadedFile(
        "bilaga.pdf", sample_files.pdf(f"Text {c('invited document file text')}"), "application/pdf"
    )
    submit(
        client,
        reverse("meetings:document_create", args=[internal_meeting.pk]),
        {"title": c("invited document title"), "visibility": "confidential"},
        {"file": upload},
    )
    assert client.post(reverse("meetings:invitation_send", args=[internal_meeting.pk])).status_code == 302
    client.force_login(world.member)
    submit(
        client,
        reverse("meetings:answer", args=[internal_meeting.pk]),
        {"answer": "absent", "comment": c("answer comment")},
    )
    client.force_login(world.coordinator)

    # The other body's own meeting, with a decision, so its secretary reaches the follow-through forms too.
    own = plan(world.group, past, "public", "Kommunhuset")
    submit(
        client,
        reverse("meetings:item_create", args=[own.pk]),
        {"number": "1", "position": "1", "title": "Gruppens eget ärende", "visibility": "public"},
    )
    assert client.post(reverse("meetings:step", args=[own.pk]), {"step": "held"}).status_code == 302
    submit(client, reverse("meetings:item_minutes", args=[own.items.get().pk]), {"decision": "att ge ett uppdrag"})

    # A meeting of the internal body: even its public item is hidden with it.
    secret_meeting = plan(world.secret, today + timedelta(days=30), "public", c("internal body meeting place"))
    item(secret_meeting, "1", "public", "item of internal body")

    # A public meeting of the forum, held, with internal and confidential items and documents; published.
    meeting = plan(world.forum, past, "public", "Regionhuset")
    public = item(meeting, "1", "public", "public item")  # its canaries are public: forgotten below
    internal = item(meeting, "2", "internal", "internal item")
    confidential = item(meeting, "3", "confidential", "confidential item")
    for word in [w for w, where in c.planted.items() if where.startswith("public item ")]:
        del c.planted[word]
    step = reverse("meetings:step", args=[meeting.pk])
    assert client.post(step, {"step": "held"}).status_code == 302  # decisions are written once it is held
    submit(
        client,
        reverse("meetings:item_minutes", args=[public.pk]),
        {"minutes": "Läget redovisades.", "decision": "att notera"},
    )
    minutes(internal, "internal item")
    minutes(confidential, "confidential item")
    for on, visibility, label in (
        (public, "internal", "internal document"),
        (public, "confidential", "confidential document"),
        (confidential, "public", "public document of confidential item"),
    ):
        name = f"{c(label + ' file name')}.pdf"
        upload = SimpleUploadedFile(name, sample_files.pdf(f"Text {c(label + ' file text')}"), "application/pdf")
        submit(
            client,
            reverse("meetings:document_create", args=[meeting.pk]),
            {"title": c(f"{label} title"), "number": c(f"{label} number"), "item": on.pk, "visibility": visibility},
            {"file": upload},
        )
    for waiting in Document.objects.filter(text_state=Document.TextState.WAITING):
        read_document_text(waiting.pk)  # what the worker does: the file's text is read in a limited child process
    assert client.post(reverse("meetings:attendance_fetch", args=[meeting.pk])).status_code == 302
    submit(client, reverse("meetings:signatories", args=[meeting.pk]), {"chair": world.member_person.pk})
    assert client.post(step, {"step": "drafted"}).status_code == 302
    client.force_login(world.member)  # Maja chairs and signs
    assert client.post(reverse("meetings:sign", args=[meeting.pk])).status_code == 302
    client.force_login(world.coordinator)
    assert client.post(step, {"step": "published"}).status_code == 302
    for corrected, label in ((internal, "internal item"), (confidential, "confidential item")):
        submit(
            client,
            reverse("meetings:item_correct", args=[corrected.pk]),
            {"minutes": c(f"{label} corrected minutes"), "reason": c(f"{label} correction reason")},
        )
    meeting.refresh_from_db()
    assert meeting.status == "published" and meeting.versions.count() == 3

    # Follow-through: an internal matter, assignments and a recommendation of the hidden items, a decision.
    submit(
        client,
        reverse("followthrough:matter_create", args=[area]),
        {
            "title": c("internal matter title"),
            "body": world.forum.pk,
            "raised_by": c("internal matter raised by"),
            "description": c("internal matter description"),
            "visibility": "internal",
        },
    )
    for at, label, assignee in (
        (internal, "internal item assignment", f"principal:{world.region.pk}"),
        (confidential, "confidential item assignment", f"body:{world.forum.pk}"),
    ):
        submit(
            client,
            reverse("followthrough:assignment_create", args=[at.pk]),
            {"description": c(label), "assignee": assignee, "due_date": (today + timedelta(days=60)).isoformat()},
        )
    submit(
        client,
        reverse("followthrough:recommendation_create", args=[internal.pk]),
        {
            "title": c("recommendation title"),
            "text": c("recommendation text"),
            "principals": [world.region.pk, world.village.pk],  # not the contact's principal
            "decided_on": past.isoformat(),
            "deadline": (today + timedelta(days=90)).isoformat(),
        },
    )
    decision = PrincipalDecision.objects.get(recommendation__item=internal, principal=world.region)
    submit(
        client,
        reverse("followthrough:decision_record", args=[decision.pk]),
        {
            "outcome": "adopted",
            "deciding_body": c("decision deciding body"),
            "decided_on": today.isoformat(),
            "reference": c("decision reference"),
            "comment": c("decision comment"),
            reason: c("decision change reason"),
        },
    )
    assignment = Assignment.objects.get(item=internal)
    submit(
        client,
        reverse("followthrough:assignment_edit", args=[assignment.pk]),
        {"description": c("internal item assignment, edited"), reason: c("assignment change reason")},
    )
    _plant_agreements(client, world, c)
    client.logout()
    return c, meeting


def _plant_surveys(client, world, c):
    """As the coordinator, through the staff forms: a survey of the internal body with public results, a survey
    of the forum whose results are not public, and a public one of the forum whose free text is below its
    minimum; each with canaries in its title, introduction, question, options, scale labels and a free-text
    answer, sent, answered and closed. None of it may reach the public or an outsider."""
    from samverkan.surveys import actions as survey_actions
    from samverkan.surveys.links import hashed
    from samverkan.surveys.models import Recipient, Survey

    client.force_login(world.coordinator)
    area = world.area.slug
    cases = [(world.secret, True, "internal body's survey"), (world.forum, False, "unpublished survey")]
    cases.append((world.forum, True, "free text below the minimum"))
    for n, (owner, public, label) in enumerate(cases):
        title = f"Enkät {n}" if n == 2 else c(f"{label} title")
        fields = {"title": title, "introduction": c(f"{label} introduction"), "owner": owner.pk}
        fields |= {"minimum_respondents": 2 if n < 2 else 5} | ({"public_results": "on"} if public else {})
        submit(client, reverse("surveys:create", args=[area]), fields)
        survey = Survey.objects.get(title=title)
        questions = reverse("surveys:question_create", args=[survey.pk])
        if n < 2:
            scale = {"position": 1, "kind": "scale", "text": c(f"{label} question"), "low_label": c(f"{label} low")}
            submit(client, questions, scale)
            choice = {"position": 2, "kind": "choice", "text": "Val", "options": f"A\n{c(label + ' option')}"}
            submit(client, questions, choice)
        submit(client, questions, {"position": 3, "kind": "text", "text": "Fritt"})
        submit(client, reverse("surveys:send", args=[survey.pk]), {"bodies": [owner.pk]})
        text = survey.questions.get(kind="text")
        for i, recipient in enumerate(Recipient.objects.filter(survey=survey)):
            recipient.token_hash = hashed(f"{survey.pk}-{i}")
            Recipient.objects.filter(pk=recipient.pk).update(token_hash=recipient.token_hash)
            answers = {q.pk: (1, "") for q in survey.questions.exclude(kind="text")}
            if i == 0:
                answers[text.pk] = (None, c(f"{label} free-text answer"))
            assert survey_actions.record_response(recipient, answers)
        response = client.post(reverse("surveys:close", args=[survey.pk]))
        assert response.status_code == 302 and Survey.objects.get(pk=survey.pk).is_closed
    client.logout()


def _plant_agreements(client, world, c):
    """An internal agreement and a public one kept by the internal body, each with a version whose file name,
    note and text (read as the worker reads it) are canaries, and a follow-up."""
    today = timezone.localdate()
    for owner, visibility, label in (
        (world.forum, "internal", "internal agreement"),
        (world.secret, "public", "agreement of internal body"),
    ):
        fields = {
            "title": c(f"{label} title"),
            "kind": "contract",
            "field_of_work": c(f"{label} field of work"),
            "summary": c(f"{label} summary"),
            "parties": [world.region.pk, world.town.pk],
            "owner": owner.pk,
            "visibility": visibility,
        }
        submit(client, reverse("agreements:create", args=[world.area.slug]), fields)
        agreement = Agreement.objects.latest("pk")
        name = f"{c(label + ' version file name')}.pdf"
        upload = SimpleUploadedFile(name, sample_files.pdf(f"Avtal {c(label + ' version text')}"), "application/pdf")
        submit(
            client,
            reverse("agreements:version_create", args=[agreement.pk]),
            {"dated": today.isoformat(), "note": c(f"{label} version note")},
            {"file": upload},
        )
        assert read_version_text(agreement.versions.get().pk)  # what the worker does, in a limited child process
        submit(
            client,
            reverse("agreements:follow_up_create", args=[agreement.pk]),
            {"held_on": today.isoformat(), "finding": c(f"{label} follow-up finding")},
        )


def _check_invitations(c):
    """The invitation e-mails (composed as the worker composes them) go to the forum's members, who read its
    internal items but not its confidential ones: no confidential canary is in any of them."""
    from samverkan.meetings.invitation_mail import invitation_message
    from samverkan.meetings.models import MeetingMail

    mails = list(MeetingMail.objects.filter(kind=MeetingMail.Kind.INVITATION))
    assert mails, "the invitation must have gone to someone"
    secret = c.confidential()
    for mail in mails:
        message = invitation_message(mail)
        text = message.body + "".join(str(part) for part in message.attachments)
        leaked = [c.planted[w] for w in c.find(text) if w in secret]
        assert not leaked, (mail.address, leaked)


def _check_notifications(c, client, world, meeting):
    """Every other e-mail kind, composed as the worker composes it: the signers' "Klart för justering" and its
    reminder, the published minutes to the members, the change and the cancellation (with their .ics) of the
    internal meeting that carries a confidential item, and a login invitation. The members and signers read
    internal records, so no confidential canary may be in any of them; the login invitation names no record at
    all, so no canary whatever."""
    from django.core import mail as outbox

    from samverkan.meetings.invitation_mail import COMPOSERS
    from samverkan.meetings.models import MeetingMail
    from samverkan.structure import logins

    client.force_login(world.coordinator)
    invited = Meeting.objects.get(body=world.forum, visibility="internal")
    day = invited.days.get()
    moved = {"date": day.date.isoformat(), "start": "13:00", "end": "15:00"}
    assert client.post(reverse("meetings:day_edit", args=[day.pk]), moved).status_code == 302
    assert client.post(reverse("meetings:step", args=[invited.pk]), {"step": "cancelled"}).status_code == 302
    MeetingMail.objects.create(
        meeting=meeting,
        kind="sign_reminder",
        person=world.member_person,
        address="x@test.example",
        queued_at=timezone.now(),
    )
    client.logout()
    kinds = set(MeetingMail.objects.values_list("kind", flat=True))
    assert kinds >= {"to_sign", "sign_reminder", "published", "changed", "cancelled"}, kinds
    secret = c.confidential()
    for row in MeetingMail.objects.select_related("meeting__body__area", "membership__person", "person"):
        message = COMPOSERS[row.kind](row)
        text = message.subject + message.body + "".join(str(part) for part in message.attachments)
        leaked = [c.planted[w] for w in c.find(text) if w in secret]
        assert not leaked, (row.kind, row.address, leaked)

    # The dispatch of the recommendation (made at the internal item) to the principals' registries: the
    # recommendation is theirs to read, the item's minutes and anything confidential are not.
    from samverkan.followthrough import dispatch
    from samverkan.structure.models import Principal

    Principal.objects.filter(area=world.area).update(registry_address="registrator@test.example")
    recommendation = Recommendation.objects.get()
    rows = dispatch.queue_dispatches(recommendation)
    assert rows
    item_words = {
        w for w, where in c.planted.items() if where.startswith("internal item") and "assignment" not in where
    }
    for row in rows:
        message = dispatch.compose(row)
        text = message.subject + message.body
        text += "".join(str(a[1]) for a in message.attachments)
        leaked = [c.planted[w] for w in c.find(text) if w in secret or w in item_words]
        assert not leaked, (row.addresses, leaked)

    chair = Person.objects.get(slug="olle-ordforande")
    outbox.outbox.clear()
    assert logins.send_queued(logins.invite(chair, world.coordinator).pk)
    (message,) = outbox.outbox
    assert not c.find(message.subject + message.body), message.body


def _check_alert_digests(c, world, meeting):
    """The alerts' digests (composed as the worker composes them) of the forum, each principal's decisions and a
    search for the canaries, over the whole time the records were made: a digest goes to anyone who asks, so no
    canary whatever; the internal matter and body cannot even be watched."""
    from django.http import Http404

    from samverkan.alerts import access, digest
    from samverkan.alerts.models import Subscription
    from samverkan.meetings.matters import Matter

    start, end = timezone.now() - timedelta(days=60), timezone.now() + timedelta(days=1)
    targets = [
        access.get_body_target(world.forum.pk),
        *(access.get_principal_target(p.pk) for p in (world.region, world.town, world.village)),
        *(access.search_target({"q": q}) for q in ["kanarie", *(f"kanarie{digit}" for digit in range(10))]),
    ]
    found = 0
    for target in targets:
        sections = digest.gather(target, start, end)
        found += len(sections)
        row = Subscription(email="a@example.se", address_key="k" * 64, kind=target.kind, nonce="n", language="sv")
        message = digest.compose(row, target, sections, start, end)
        leaked = [c.planted[w] for w in c.find(message.subject + message.body)]
        assert not leaked, (target.label, leaked)
    assert found, "the forum's published minutes must be in its digest"
    for gate, pk in ((access.get_body_target, world.secret.pk), (access.get_matter_target, Matter.objects.get().pk)):
        try:
            gate(pk)
        except Http404:
            continue
        raise AssertionError(f"{gate.__name__}({pk}) may be watched")
    assert meeting.published_at is not None


def _check_planted(c, meeting):
    """Every canary really is in the database (a form that silently dropped one would prove nothing)."""
    from django.apps import apps

    texts = []
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if f.get_internal_type() in ("CharField", "TextField")]
        labels = ("structure", "meetings", "followthrough", "agreements", "surveys", "followup")
        if fields and model._meta.app_label in labels:
            for row in model.objects.values_list(*fields):
                texts.append(" ".join(v for v in row if v))
    for model in apps.get_models():
        if any(f.name == "history_change_reason" for f in model._meta.fields):
            texts += [r or "" for r in model.objects.values_list("history_change_reason", flat=True)]
    stored = "\n".join(texts).lower()
    missing = [(w, where) for w, where in c.planted.items() if w not in stored]
    assert not missing, missing
    assert Document.objects.filter(meeting=meeting).count() == 3
    assert AgendaItem.objects.filter(meeting=meeting).exclude(visibility="public").count() == 2
    assert Recommendation.objects.count() == 1 and Attendance.objects.exclude(note="").exists()


def _plant_goals(client, world, c):
    """An internal goal of the internal body, with a typed measurement, and a public goal tracing to it, made
    through the staff forms by the coordinator."""
    client.force_login(world.coordinator)
    goal_fields = {"kind": "effect", "comparison": ">=", "target_value": "75", "unit": "%", "source": "entered"}
    create = reverse("followup:create", args=[world.area.slug])
    submit(
        client,
        create,
        {
            **goal_fields,
            "code": c("internal goal code"),
            "text": c("internal goal text"),
            "owner_body": world.secret.pk,
            "visibility": "internal",
        },
    )
    hidden = Goal.objects.get(area=world.area)
    submit(
        client,
        reverse("followup:measurement_create", args=[hidden.pk]),
        {"measured_on": timezone.localdate().isoformat(), "value": "61", "note": c("internal goal measurement note")},
    )
    submit(
        client,
        create,
        {
            **goal_fields,
            "code": "E1",
            "text": "Ett offentligt mål",
            "project": "Nära vård",
            "traces_to": [hidden.pk],
        },
    )
    client.logout()


def test_no_canary_reaches_the_public_or_an_outsider(client, world):
    c, meeting = _plant(client, world)
    _plant_surveys(client, world, c)
    _plant_goals(client, world, c)
    _check_planted(c, meeting)
    _check_invitations(c)
    _check_notifications(c, client, world, meeting)
    _check_alert_digests(c, world, meeting)
    choice_leaks = set()

    # Anonymous: the whole portal by its links (feeds, PDFs, exports and documents are linked from it).
    # The search page for every canary: prefixes ("kanarie", "kanarie0" …), so the query the page repeats is no
    # canary itself; the crawl follows the result pages and facets.
    searches = ["/sok/?q=kanarie", *(f"/sok/?q=kanarie{digit}" for digit in range(10))]
    seen = crawl(client, ["/", "/api/", *searches], c, "anonymous", choice_leaks)
    area = world.area.slug
    for url in (
        meeting.get_absolute_url(),
        reverse("meetings_public:pdf", args=[area, meeting.pk]),
        f"/omrade/{area}/moten.ics",
        f"/omrade/{area}/organ/{world.forum.slug}/moten.ics",
        reverse("followthrough_public:board_csv", args=[area]),
        reverse("followthrough_public:board_xlsx", args=[area]),
        reverse("surveys_public:register", args=[area]),
        reverse("meetings_public:minutes_feed", args=[area]),
        reverse("meetings_public:decisions_feed", args=[area]),
        reverse("meetings_public:body_minutes_feed", args=[area, world.forum.slug]),
        reverse("meetings_public:body_decisions_feed", args=[area, world.forum.slug]),
        f"/api/body/{world.area.pk}/agreement",
        f"/api/body/{world.area.pk}/file",
        f"/api/body/{world.area.pk}/recommendation",
        reverse("followup_public:area", args=[area]),
        Goal.objects.get(code="E1").get_absolute_url(),
    ):
        assert url in seen, url
    # The list pages' exports, crawled with the filters of the page that links them.
    for name in ("meetings", "attendance", "decisions"):
        for fmt in ("csv", "xlsx"):
            url = reverse(f"meetings_public:{name}_{fmt}", args=[area])
            assert any(page.startswith(url + "?") for page in seen), url
    for name in ("assignments_csv", "assignments_xlsx"):
        assert any(page.startswith(reverse(f"followthrough_public:{name}", args=[area])) for page in seen), name
    public_document = Document.objects.get(meeting=meeting, visibility="public")
    assert client.get(public_document_url(public_document)).status_code == 404  # on a confidential item

    # Outsiders, each crawling the portal and their staff pages.
    member_of_group = _person("Gun", "Gruppledamot", world.village, "gruppledamot")
    Membership.objects.create(person=member_of_group, body=world.group, role="member", principal=world.village)
    outsiders = {
        "secretary of another body": world.secretary,
        "contact of a principal": world.contact,
        "member of another body": member_of_group.user,
        "login without a role": world.outsider,
    }
    for who, user in outsiders.items():
        client.force_login(user)
        pages = crawl(client, ["/hantera/", "/", *searches], c, who, choice_leaks)
        assert "/hantera/" in pages
        client.logout()

    # A member of the forum (and of the internal body), who chaired and signed the published minutes, reads
    # internal records but no confidential one: not on the signing page once signed, nor in a correction's reason.
    client.force_login(world.member)
    pages = crawl(
        client,
        [reverse("meetings:sign", args=[meeting.pk]), "/hantera/", "/", *searches],
        c,
        "member",
        choice_leaks,
        c.confidential(),
    )
    assert meeting.get_absolute_url() in pages
    client.logout()

    # The searches are not empty for those who may read the records: an administrator finds the canaries.
    client.force_login(world.admin)
    assert len(c.find(client.get("/sok/?q=kanarie").content.decode())) >= 10
    client.logout()

    lines = sorted(f"{who}: {url} field {field!r} offers {where}" for who, url, field, where in choice_leaks)
    assert not lines, "Choice lists name hidden records:\n" + "\n".join(lines)


def public_document_url(document):
    return reverse("meetings_public:document", args=[document.meeting.body.area.slug, document.meeting_id, document.pk])
