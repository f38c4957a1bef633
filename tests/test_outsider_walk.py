"""The outsider walk: every page that takes an object id answers 404 to a logged-in user who may not see it.

The URL patterns are read from the resolver, so a new page cannot slip past: each pattern that takes a
parameter other than the (public) area is either in WALK, which fills its parameters with internal
objects, or in NOT_INTERNAL with the reason its objects are public. A pattern in neither fails
`test_every_pattern_is_walked`.

The objects: an internal body (a meeting with a day, items, a document, attendance, signatories, a minutes
version, an import record and a ZIP batch of another user, a role), an internal meeting of a public body, a
confidential item and document at a public meeting, assignments, recommendations and principal decisions made
at those items, and an internal matter of another area. The visitors: the secretary of another body in the
same area, a principal's contact, a plain member of another body, and a user with no role at all.
"""

from datetime import date, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from samverkan.agreements.models import Agreement, AgreementVersion, FollowUp
from samverkan.followthrough import actions as followthrough
from samverkan.followup.models import Goal, Measurement
from samverkan.importer.models import ImportBatch, ImportRecord
from samverkan.meetings.models import Attendance, Invitation, Meeting, MinutesVersion, Signatory
from samverkan.meetings.snapshot import minutes_snapshot
from samverkan.structure.models import Membership, Person, Role
from samverkan.surveys.models import Survey
from tests import sample_files
from tests.conftest import shared_fixture
from tests.meetings_helpers import make_document, make_item, make_meeting
from tests.survey_helpers import make_survey

# Patterns whose parameters name public things (areas, principals), or no object at all: not walked.
NOT_INTERNAL = {
    "structure:principal": "principals are public (portal); a non-coordinator gets 403",
    "structure:principal_edit": "principals are public (portal); a non-coordinator gets 403",
    "followthrough:principal": "principals are public; one who may not record its decisions gets 403",
    "followthrough_public:principal": "a principal's public decisions page; principals are public",
    "portal:principal": "principals are public",
    "password_reset_confirm": "a password-reset token, not an object id",
    "login_accept": "a signed login-invitation token, not an object id (test_participation.py)",
    "meetings_public:answer_link": "a signed answer link for one person and meeting (test_participation.py)",
    "meetings_public:area_ical_year": "an area's feed of one year; areas are public, the feed only public meetings",
    **{
        f"api:{name}": "areas are public; the open data API's lists hold only public objects (test_opendata.py)"
        for name in ("body", "organization_list", "institution_list", "person_list", "meeting_list", "paper_list")
        + ("membership_list", "file_list", "recommendation_list", "principal_decision_list", "assignment_list")
        + ("agreement_list",)
    },
    **{
        f"api:{name}": "hidden ones answer 404 to anyone (test_opendata.py: test_hidden_follow_through_agreements…)"
        for name in ("membership", "file", "recommendation", "principal_decision", "assignment", "agreement")
    },
    "api:institution": "principals are public",
    "surveys_public:answer": "a signed anonymous survey link, not an object id (test_surveys.py)",
    "followthrough_public:record_by_link": "a signed dispatch link for one principal's decision (test_dispatch.py)",
    "alerts:subscribe_principal": "principals are public; anyone may watch their decisions",
    "alerts:subscribe_body": "only a public body may be watched: an internal one is 404 to everyone (test_alerts.py)",
    "alerts:subscribe_matter": "only a public matter may be watched: an internal one is 404 to all (test_alerts.py)",
    "alerts:confirm": "a signed alert link, not an object id (test_alerts.py)",
    "alerts:unsubscribe": "a signed alert link, not an object id (test_alerts.py)",
    "alerts:manage": "a signed alert link, not an object id (test_alerts.py)",
}

# What the walk leaves aside entirely: Django's own admin (staff only, its own login) and the language switch.
SKIPPED_PREFIXES = ("admin/", "i18n/")


def _patterns(resolver=None, prefix="", namespace="", params=()):
    """(name, route, parameter names) of every named URL pattern, includes followed."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        names = (*params, *entry.pattern.converters) if hasattr(entry.pattern, "converters") else params
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _patterns(entry, route, inner, names)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), route, tuple(names)


def object_patterns():
    """The named patterns that take a parameter other than the area slug (areas are public)."""
    found = {}
    for name, route, params in _patterns():
        if route.startswith(SKIPPED_PREFIXES) or not set(params) - {"area"}:
            continue
        found[name] = (route, params)
    return found


class Hidden:
    """The internal objects of the walk, built on the test world."""

    def __init__(self, world):
        self.world = world
        secret, forum = world.secret, world.forum
        users = get_user_model().objects
        # An internal body's meeting with everything a meeting has.
        self.meeting = make_meeting(secret, date(2026, 2, 2), start=time(9), end=time(12), status="held")
        self.day = self.meeting.days.get()
        self.deferred = make_item(self.meeting, "1", "Bordlagt ärende", kind="decision", outcome="deferred")
        self.item = make_item(self.meeting, "2", "Gemensam plan", kind="decision", decision="att anta planen")
        self.later = make_meeting(secret, timezone.localdate() + timedelta(days=30))  # members answer ahead
        self.document = make_document(self.meeting, "Hemlig bilaga", item=self.item)
        self.attendance = Attendance.objects.create(meeting=self.meeting, person=world.insider, principal=world.region)
        Signatory.objects.create(meeting=self.meeting, person=world.insider, role="chair")
        MinutesVersion.objects.create(
            meeting=self.meeting, number=1, content=minutes_snapshot(self.meeting), created_at=timezone.now()
        )
        # An internal meeting of a public body, and a confidential item and document at a public one.
        self.internal_meeting = make_meeting(forum, date(2026, 2, 3), visibility="internal", status="held")
        self.internal_item = make_item(self.internal_meeting, "1", "Internt beslut", kind="decision")
        self.internal_document = make_document(self.internal_meeting, "Intern bilaga")
        for invited in (self.later, self.internal_meeting):
            Invitation.objects.create(meeting=invited, sent_at=timezone.now(), recipients=2)
        self.public_meeting = make_meeting(forum, date(2026, 2, 4), status="held")
        self.confidential_item = make_item(
            self.public_meeting, "1", "Sekretessärende", kind="decision", visibility="confidential"
        )
        self.confidential_document = make_document(self.public_meeting, "Sekretessbilaga", visibility="confidential")
        # Follow-through at each of those items, addressed to and reported to no one the visitors stand for.
        self.assignments, self.recommendations, self.decisions = [], [], []
        for item in (self.item, self.internal_item, self.confidential_item):
            body = item.meeting.body
            self.assignments.append(
                followthrough.create_assignment(
                    item, None, assignee_body=body, description="Följ upp", report_to=body, due_date=date(2026, 6, 1)
                )
            )
            recommendation = followthrough.create_recommendation(
                item,
                None,
                principals=[world.region],
                title="Rekommendation",
                text="Anta planen.",
                decided_on=followthrough.item_date(item),
                deadline=followthrough.item_date(item) + timedelta(days=60),
            )
            self.recommendations.append(recommendation)
            self.decisions.append(recommendation.decisions.get())
        self.matter = followthrough.create_matter(
            world.other_area, None, year=2026, title="Internt ärende", body=world.other_body, visibility="internal"
        )
        # Another user's imports for the internal body: one pending upload, one ZIP.
        uploader = users.create_user("uploader", "uploader@test.example", "x")
        Role.objects.create(user=uploader, kind="secretary", body=secret)
        self.role = Role.objects.get(user=uploader)
        self.uploader = uploader
        self.record = ImportRecord.objects.create(
            body=secret, user=uploader, original_name="p.txt", size=1, sha256="0" * 64, parsed={}
        )
        self.batch = ImportBatch.objects.create(body=secret, user=uploader, original_name="p.zip")
        self.insider_membership = Membership.objects.get(person=world.insider, body=secret)
        # Published minutes and decision documents, so the public pages have something to show insiders.
        Meeting.objects.filter(pk__in=[self.meeting.pk, self.internal_meeting.pk]).update(
            status="published", published_at=timezone.now()
        )
        for decision in self.decisions:
            decision.document.save("beslut.pdf", ContentFile(sample_files.pdf("Beslut")))
        # Agreements: an internal one of a public body and a public one of the internal body, each with a version
        # and a follow-up with a document.
        self.agreements, self.versions, self.follow_ups = [], [], []
        for owner, visibility in ((forum, "internal"), (secret, "public")):
            agreement = Agreement.objects.create(area=world.area, title="Hemlig ÖK", owner=owner, visibility=visibility)
            version = AgreementVersion(agreement=agreement, number=1, dated=date(2026, 1, 1), original_name="ok.pdf")
            version.file.save("ok.pdf", ContentFile(sample_files.pdf("ÖK")))
            follow_up = FollowUp(agreement=agreement, held_on=date(2026, 1, 2), finding="Hemligt fynd")
            follow_up.document.save("fu.pdf", ContentFile(sample_files.pdf("Uppföljning")))
            self.agreements.append(agreement)
            self.versions.append(version)
            self.follow_ups.append(follow_up)
        # Surveys: a closed one with public results of the internal body, and a draft of the forum, whose keepers
        # (the forum has no secretary) are the coordinator and administrators only.
        self.surveys = [
            make_survey(world, owner=secret, title="Hemlig enkät", public=True),
            make_survey(world, owner=forum, title="Forumets enkät"),
        ]
        Survey.objects.filter(pk=self.surveys[0].pk).update(state="closed", closed_on=date(2026, 2, 1))
        self.survey_questions = [s.questions.get(kind="text") for s in self.surveys]
        # Goals: an internal one of a public body, a public one of the internal body, a public one of an internal
        # agreement; each with a measurement.
        self.goals = [
            Goal.objects.create(area=world.area, code=code, text="Hemligt mål", target_value=1, **owner)
            for code, owner in (
                ("G1", {"owner_body": forum, "visibility": "internal"}),
                ("G2", {"owner_body": secret}),
                ("G3", {"owner_agreement": self.agreements[0]}),
            )
        ]
        for goal in self.goals:
            Measurement.objects.create(goal=goal, measured_on=date(2026, 1, 3), value=1)

    def kwargs(self, name):
        """Each way to fill the pattern `name` with internal objects (a list of URL kwargs)."""
        w = self.world
        area = w.area.slug
        meetings = [self.meeting, self.internal_meeting]
        items = [self.item, self.internal_item, self.confidential_item]
        documents = [self.document, self.internal_document, self.confidential_document]
        pk = lambda objects: [{"pk": o.pk} for o in objects]  # noqa: E731
        walk = {
            # structure
            "structure:person": [{"area": area, "pk": w.insider.pk}],
            "structure:person_edit": [{"area": area, "pk": w.insider.pk}],
            "structure:body": pk([w.secret]),
            "structure:login_invite": pk([w.insider]),
            "structure:login_switch": pk([w.insider]),
            "structure:body_edit": pk([w.secret]),
            "structure:membership_create": pk([w.secret]),
            "structure:membership_edit": pk([self.insider_membership]),
            "structure:membership_end": pk([self.insider_membership]),
            "role_revoke": pk([self.role]),
            # meetings (staff)
            "meetings:list": pk([w.secret]),
            "meetings:year_plan": pk([w.secret]),
            "meetings:meeting": pk(meetings),
            "meetings:meeting_edit": pk(meetings),
            "meetings:step": pk(meetings),
            "meetings:day_create": pk(meetings),
            "meetings:item_create": pk(meetings),
            "meetings:take_up": [{"pk": self.later.pk, "item": self.deferred.pk}],
            "meetings:attendance_fetch": pk(meetings),
            "meetings:attendance_create": pk(meetings),
            "meetings:signatories": pk(meetings),
            "meetings:paper_adjustment": pk(meetings),
            "meetings:sign": pk(meetings),
            "meetings:version": [{"pk": self.meeting.pk, "number": 1}],
            "meetings:day_edit": pk([self.day]),
            "meetings:day_remove": pk([self.day]),
            "meetings:item_edit": pk(items),
            "meetings:item_minutes": pk(items),
            "meetings:item_file": pk(items),
            "meetings:item_remove": pk(items),
            "meetings:item_correct": pk(items),
            "meetings:attendance_edit": pk([self.attendance]),
            "meetings:attendance_remove": pk([self.attendance]),
            "meetings:document_create": pk(meetings),
            "meetings:document_edit": pk(documents),
            "meetings:document_correct": pk(documents),
            "meetings:document_remove": pk(documents),
            "meetings:document_file": pk(documents),
            "meetings:invitation_send": pk(meetings),
            "meetings:invitation_retry": pk(meetings),
            "meetings:invite_signatories": pk(meetings),
            "meetings:answer": pk([self.later, self.internal_meeting]),
            "meetings:pdf": pk(meetings),
            "meetings:pdf_version": [{"pk": self.meeting.pk, "number": 1}],
            "meetings:extract": pk(items),
            # meetings (public)
            "meetings_public:meeting": [{"area": area, "pk": m.pk} for m in meetings],
            "meetings_public:version": [{"area": area, "pk": self.meeting.pk, "number": 1}],
            "meetings_public:pdf": [{"area": area, "pk": m.pk} for m in meetings],
            "meetings_public:extract": [{"area": area, "pk": i.meeting_id, "item": i.pk} for i in items],
            "meetings_public:body_ical": [{"area": area, "body": w.secret.slug}],
            "meetings_public:body_minutes_feed": [{"area": area, "body": w.secret.slug}],
            "meetings_public:body_decisions_feed": [{"area": area, "body": w.secret.slug}],
            "meetings_public:body_ical_year": [
                {"area": area, "body": w.secret.slug, "year": timezone.localdate().year}
            ],
            "meetings_public:document": [{"area": area, "meeting": d.meeting_id, "pk": d.pk} for d in documents],
            "search:item": [{"area": area, "meeting": i.meeting_id, "pk": i.pk} for i in items],
            # importer
            "importer:body": pk([w.secret]),
            "importer:preview": pk([self.record]),
            "importer:confirm": pk([self.record]),
            "importer:discard": pk([self.record]),
            "importer:batch": pk([self.batch]),
            "importer:batch_discard": pk([self.batch]),
            # follow-through (staff)
            "followthrough:matter_edit": pk([self.matter]),
            "followthrough:item": pk(items),
            "followthrough:item_matter": pk(items),
            "followthrough:assignment_create": pk(items),
            "followthrough:recommendation_create": pk(items),
            "followthrough:assignment_edit": pk(self.assignments),
            "followthrough:assignment_report": pk(self.assignments),
            "followthrough:recommendation": pk(self.recommendations),
            "followthrough:recommendation_edit": pk(self.recommendations),
            "followthrough:recommendation_report": pk(self.recommendations),
            "followthrough:decision_record": pk(self.decisions),
            "followthrough:dispatch_again": pk(self.decisions),
            # follow-through (public)
            "followthrough_public:recommendation": [{"area": area, "pk": r.pk} for r in self.recommendations],
            "followthrough_public:decision_document": [
                {"area": area, "pk": d.recommendation_id, "decision": d.pk} for d in self.decisions
            ],
            "followthrough_public:matter": [
                {"area": w.other_area.slug, "year": self.matter.year, "serial": self.matter.serial}
            ],
            # open data API (an item the public may not read at a public meeting gives its number, as the portal)
            "api:organization": pk([w.secret]),
            "api:person": pk([w.insider]),
            "api:meeting": pk(meetings),
            "api:agenda_item": pk([self.item, self.internal_item]),
            "api:paper": pk([self.matter]),
            # agreements
            "agreements:agreement": pk(self.agreements),
            "agreements:edit": pk(self.agreements),
            "agreements:send_for_adoption": pk(self.agreements),
            "agreements:version_create": pk(self.agreements),
            "agreements:follow_up_create": pk(self.agreements),
            "agreements_public:agreement": [{"area": area, "pk": a.pk} for a in self.agreements],
            "agreements_public:version_file": [
                {"area": area, "pk": v.agreement_id, "version": v.pk} for v in self.versions
            ],
            "agreements_public:follow_up_file": [
                {"area": area, "pk": f.agreement_id, "follow_up": f.pk} for f in self.follow_ups
            ],
            # surveys
            **{
                f"surveys:{n}": pk(self.surveys)
                for n in ("survey", "edit", "question_create", "send", "remind", "close", "results")
            },
            **{
                f"surveys:{n}": [{"pk": q.survey_id, "question": q.pk} for q in self.survey_questions]
                for n in ("question_edit", "question_delete", "texts")
            },
            "surveys_public:results": [{"area": area, "pk": s.pk} for s in self.surveys],
            "surveys_public:texts": [
                {"area": area, "pk": q.survey_id, "question": q.pk} for q in self.survey_questions
            ],
            # goals
            "followup:goal": pk(self.goals),
            "followup:edit": pk(self.goals),
            "followup:measurement_create": pk(self.goals),
            "followup:record": pk(self.goals),
            "followup_public:goal": [{"area": area, "pk": g.pk} for g in self.goals],
            # portal
            "portal:body": [{"area": area, "body": w.secret.slug}],
            "portal:person": [{"person": w.insider.slug}],
        }
        return walk.get(name)


@shared_fixture
def hidden(world):
    """The walk's internal objects, built once for all the walk's tests."""
    return Hidden(world)


def visitors(world):
    """Logged-in users who may not see the internal objects: (label, user)."""
    member = get_user_model().objects.create_user("plain-member", "plain@test.example", "x")
    person = Person.objects.create(first_name="Per", last_name="Plan", slug="per-plan", user=member)
    Membership.objects.create(person=person, body=world.group, role="member", principal=world.village)
    return [
        ("secretary of another body", world.secretary),
        ("contact of a principal", world.contact),
        ("plain member of another body", member),
        ("user without a role", world.outsider),
    ]


def test_every_pattern_is_walked(world, hidden):
    """A pattern that takes an object id must be walked (or named public), so no new page slips past."""
    missing = [name for name in object_patterns() if name not in NOT_INTERNAL and not hidden.kwargs(name)]
    assert not missing, f"URL patterns not in the outsider walk (add them to Hidden.kwargs): {missing}"
    stale = set(NOT_INTERNAL) - set(object_patterns())
    assert not stale, f"names that are no URL pattern any more: {stale}"


def _walked():
    return sorted(set(object_patterns()) - set(NOT_INTERNAL))


# Who may see each page's objects, for the control that the walk's ids are right (default: an administrator).
CONTROL_ACTOR = {"meetings:answer": "member"}  # only the body's members answer an invitation
# Pages that answer 404 to everyone for an internal object, by design.
CONTROL_404 = {
    **{
        f"api:{name}": "the open data API carries public data only, whoever asks"
        for name in ("organization", "person", "meeting", "agenda_item", "paper")
    },
    "meetings_public:body_ical": "feeds carry only public meetings of public bodies, whoever asks",
    "meetings_public:body_ical_year": "feeds carry only public meetings of public bodies, whoever asks",
    "meetings_public:body_minutes_feed": "feeds carry only public meetings of public bodies, whoever asks",
    "meetings_public:body_decisions_feed": "feeds carry only public meetings of public bodies, whoever asks",
    "meetings_public:pdf": "the public PDF is of public meetings of public bodies only",
    "meetings_public:extract": "the public extract is of public items of published public minutes only",
    "surveys_public:results": "public results only of closed surveys marked public of public bodies (test_surveys.py)",
    "surveys_public:texts": "public results only of closed surveys marked public of public bodies (test_surveys.py)",
    "meetings:extract": "only adjusted minutes have extracts; the walk's are not locked (test_dispatch.py)",
}


def _request(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


@pytest.mark.parametrize("name", list(_walked()))
def test_outsiders_get_404(client, world, hidden, name):
    """GET (POST where the page takes only POST) as each visitor: 404 for every internal object."""
    wrong = []
    for label, user in visitors(world):
        client.force_login(user)
        for kwargs in hidden.kwargs(name) or []:
            url = reverse(name, kwargs=kwargs)
            response = _request(client, url)
            if response.status_code != 404:
                wrong.append(f"{label}: {response.request['REQUEST_METHOD']} {url} -> {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(set(object_patterns()) - set(NOT_INTERNAL) - set(CONTROL_404)))
def test_insiders_reach_the_walked_pages(client, world, hidden, name):
    """The control: someone who may see the objects does not get 404, so the walk's 404s are not wrong ids."""
    insider = hidden.uploader if name.startswith("importer:") else getattr(world, CONTROL_ACTOR.get(name, "admin"))
    client.force_login(insider)
    urls = [reverse(name, kwargs=kwargs) for kwargs in hidden.kwargs(name) or []]
    unreached = [url for url in urls if _request(client, url).status_code == 404]
    assert not unreached, f"{insider} got 404 too, so the walk's ids are wrong: {unreached}"
