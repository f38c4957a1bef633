"""Who may open each meeting staff page, and bad input to every meeting form: 400, nothing changed, no 500."""

from datetime import date

import pytest
from django.urls import reverse

from samverkan.meetings.models import AgendaItem, Meeting, MeetingDay
from tests.access_helpers import ACTORS, assert_access
from tests.conftest import shared_fixture
from tests.meetings_helpers import make_item, make_meeting, sent
from tests.test_bad_input import GARBAGE


@shared_fixture
def planned(world):
    """Meetings of the secretary's group and of the forum, with a day and an item each."""
    group_meeting = make_meeting(world.group, date(2026, 3, 1), **sent())
    forum_meeting = make_meeting(world.forum, date(2026, 3, 2), **sent())
    return {
        "group": group_meeting,
        "forum": forum_meeting,
        "group_item": make_item(group_meeting, "1", "Lägesbild"),
        "forum_item": make_item(forum_meeting, "1", "Lägesbild"),
    }


def _urls(w, p):
    return {
        "list": reverse("meetings:list", args=[w.group.pk]),
        "year_plan": reverse("meetings:year_plan", args=[w.group.pk]),
        "meeting": reverse("meetings:meeting", args=[p["group"].pk]),
        "meeting_edit": reverse("meetings:meeting_edit", args=[p["group"].pk]),
        "day_create": reverse("meetings:day_create", args=[p["group"].pk]),
        "day_edit": reverse("meetings:day_edit", args=[p["group"].days.get().pk]),
        "item_create": reverse("meetings:item_create", args=[p["group"].pk]),
        "item_edit": reverse("meetings:item_edit", args=[p["group_item"].pk]),
        "forum_list": reverse("meetings:list", args=[w.forum.pk]),
        "forum_year_plan": reverse("meetings:year_plan", args=[w.forum.pk]),
        "forum_meeting": reverse("meetings:meeting", args=[p["forum"].pk]),
        "forum_item_edit": reverse("meetings:item_edit", args=[p["forum_item"].pk]),
    }


MANAGERS = {"coordinator", "admin"}
GROUP_STAFF = MANAGERS | {"secretary"}
ALLOWED = {
    "list": GROUP_STAFF,
    "year_plan": GROUP_STAFF,
    "meeting": GROUP_STAFF,
    "meeting_edit": GROUP_STAFF,
    "day_create": GROUP_STAFF,
    "day_edit": GROUP_STAFF,
    "item_create": GROUP_STAFF,
    "item_edit": GROUP_STAFF,
    # The group's secretary has no say over the forum's meetings, and members plan nothing.
    "forum_list": MANAGERS,
    "forum_year_plan": MANAGERS,
    "forum_meeting": MANAGERS,
    "forum_item_edit": MANAGERS,
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_who_may_open_each_meeting_staff_page(client, world, planned, actor, page):
    url = _urls(world, planned)[page]
    response = world.client_for(client, actor).get(url)
    assert_access(response, actor, ALLOWED[page], what=page)


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "contact", "member", "secretary"])
def test_who_may_not_post_to_the_forums_meetings(client, world, planned, actor):
    world.client_for(client, actor)
    forum_meeting = planned["forum"]
    deferred = make_item(make_meeting(world.forum, date(2026, 1, 1)), "9", "Bordlagt", outcome="deferred")
    posts = [
        (reverse("meetings:year_plan", args=[world.forum.pk]), {"year": 2026, "dates": "2026-05-05", "start": "9:00"}),
        (reverse("meetings:meeting_edit", args=[forum_meeting.pk]), {"status": "cancelled", "kind": "notes"}),
        (reverse("meetings:item_create", args=[forum_meeting.pk]), {"number": "7", "title": "Kapad"}),
        (reverse("meetings:take_up", args=[forum_meeting.pk, deferred.pk]), {}),
        (reverse("meetings:day_create", args=[forum_meeting.pk]), {"date": "2026-03-03", "start": "09:00"}),
        (reverse("meetings:day_remove", args=[forum_meeting.days.get().pk]), {}),
    ]
    before = (Meeting.objects.count(), AgendaItem.objects.count(), MeetingDay.objects.count())
    for url, data in posts:
        assert_access(client.post(url, data), actor, (), what=url)  # refused: to the login page, or 403
    forum_meeting.refresh_from_db()
    assert forum_meeting.status == "invited"
    assert (Meeting.objects.count(), AgendaItem.objects.count(), MeetingDay.objects.count()) == before


FIELDS = ["year", "dates", "start", "end", "place", "kind", "visibility", "title", "status", "date", "number"]
FIELDS += ["position", "presenters", "background", "outcome", "deferred_to", "change_reason"]


def _snapshot():
    return (
        list(Meeting.objects.order_by("pk").values_list("status", "kind", "place", "title", "visibility")),
        list(MeetingDay.objects.order_by("pk").values_list("date", "start", "end")),
        list(AgendaItem.objects.order_by("pk").values_list("number", "title", "outcome", "deferred_to")),
    )


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_every_meeting_form_changes_nothing(client, world, planned, value):
    client.force_login(world.admin)
    forms = ["year_plan", "meeting_edit", "day_create", "day_edit", "item_create", "item_edit", "forum_item_edit"]
    urls = [_urls(world, planned)[name] for name in forms]
    before = _snapshot()
    for url in urls:
        response = client.post(url, {f: value for f in FIELDS})
        assert response.status_code == 400, (url, response.status_code)
        assert "Inget har sparats" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/hantera/moten/999999/",
        "/hantera/moten/999999/andra/",
        "/hantera/organ/999999/moten/",
        "/hantera/organ/999999/moten/arsplan/",
        "/hantera/motesdag/999999/andra/",
        "/hantera/motesdag/999999/ta-bort/",
        "/hantera/arende/999999/andra/",
        "/hantera/moten/1/bordlagda/999999/",
        "/hantera/moten/99999999999999999999999/",
        "/omrade/testlan/moten/999999/",
        "/omrade/finns-inte/moten/",
        "/omrade/finns-inte/moten.ics",
        "/omrade/testlan/organ/finns-inte/moten.ics",
        "/omrade/testlan/organ/hemliga-gruppen/moten.ics",
        "/omrade/annat/moten/1/",
    ],
)
def test_odd_addresses_answer_404(client, world, planned, path):
    client.force_login(world.admin)
    assert client.get(path).status_code in (404, 405)
    assert client.post(path).status_code in (404, 405)


def test_a_meeting_is_only_found_under_its_own_area(client, world, planned):
    assert client.get(reverse("meetings_public:meeting", args=["annat", planned["forum"].pk])).status_code == 404
    assert client.get(reverse("meetings_public:meeting", args=["testlan", planned["forum"].pk])).status_code == 200


@pytest.mark.parametrize("page", ["list", "meeting"])
def test_staff_meeting_pages_have_a_constant_number_of_queries(client, world, planned, queries, page):
    first = planned["group"]
    make_item(make_meeting(world.group, date(2026, 2, 1)), "1", "Bordlagt", outcome="deferred")
    url = (
        reverse("meetings:list", args=[world.group.pk])
        if page == "list"
        else reverse("meetings:meeting", args=[first.pk])
    )

    def grow():
        for n in range(2, 10):
            make_item(first, str(n), f"Punkt {n}", outcome="deferred")
            later = make_meeting(world.group, date(2026, 4, n), date(2026, 5, n))
            make_item(later, "1", "Fortsätter", continues=first.items.first())
        make_item(make_meeting(world.group, date(2026, 2, 2)), "1", "Bordlagt igen", outcome="deferred")

    client.force_login(world.secretary)
    queries.assert_constant(client, url, grow, at_most={"list": 10, "meeting": 18}[page])


# The gates (meetings/access.py): what a logged-in user may not see answers 404, exactly as what does not exist.


def _hidden_urls(meeting, item, day, row, document):
    """(method, url) of every staff address about one meeting and what belongs to it."""
    m, body = meeting.pk, meeting.body_id
    get = [
        ("meetings:meeting", m),
        ("meetings:meeting_edit", m),
        ("meetings:day_create", m),
        ("meetings:item_create", m),
        ("meetings:attendance_create", m),
        ("meetings:signatories", m),
        ("meetings:invitation_send", m),
        ("meetings:document_create", m),
        ("meetings:day_edit", day.pk),
        ("meetings:item_edit", item.pk),
        ("meetings:item_minutes", item.pk),
        ("meetings:item_correct", item.pk),
        ("meetings:attendance_edit", row.pk),
        ("meetings:document_edit", document.pk),
        ("meetings:document_file", document.pk),
        ("meetings:sign", m),
    ]
    post = [
        ("meetings:step", m),
        ("meetings:attendance_fetch", m),
        ("meetings:invitation_retry", m),
        ("meetings:day_remove", day.pk),
        ("meetings:item_file", item.pk),
        ("meetings:attendance_remove", row.pk),
        ("meetings:document_remove", document.pk),
    ]
    urls = [("get", reverse(name, args=[pk])) for name, pk in get]
    urls += [("post", reverse(name, args=[pk])) for name, pk in post]
    urls += [
        ("post", reverse("meetings:take_up", args=[m, item.pk])),
        ("get", reverse("meetings:version", args=[m, 1])),
        ("get", reverse("meetings:pdf", args=[m])),
        ("get", reverse("meetings:pdf_version", args=[m, 1])),
    ]
    if meeting.body.visibility != "public":
        urls += [("get", reverse("meetings:list", args=[body])), ("get", reverse("meetings:year_plan", args=[body]))]
    return urls


@pytest.fixture
def hidden(world, settings, tmp_path):
    """A meeting of the internal body and an internal meeting of the public forum, each with a day, an item,
    an attendance row and a document."""
    from samverkan.meetings.models import Attendance
    from tests.meetings_helpers import make_document

    settings.MEDIA_ROOT = tmp_path / "media"
    found = {}
    for key, meeting in (
        ("secret_body", make_meeting(world.secret, date(2026, 3, 1))),
        ("internal_meeting", make_meeting(world.forum, date(2026, 3, 2), visibility="internal")),
    ):
        item = make_item(meeting, "1", "Lägesbild")
        row = Attendance.objects.create(meeting=meeting, person=world.insider)
        document = make_document(meeting, "Underlag", item=item)
        found[key] = _hidden_urls(meeting, item, meeting.days.get(), row, document)
    return found


# Who may see each meeting at all: the internal body's members, and the forum's members for its internal meeting.
SEES = {"secret_body": {"member", "coordinator", "admin"}, "internal_meeting": {"member", "coordinator", "admin"}}


@pytest.mark.parametrize("actor", ["outsider", "contact", "secretary", "member"])
@pytest.mark.parametrize("which", sorted(SEES))
def test_staff_pages_of_meetings_a_user_may_not_see_answer_404(client, world, hidden, actor, which):
    world.client_for(client, actor)
    before = _snapshot()
    for method, url in hidden[which]:
        status = getattr(client, method)(url).status_code
        if actor in SEES[which]:
            assert status in (200, 403), (url, status)  # visible: they may read (the document) but not plan
        else:
            assert status == 404, (url, status)
    assert _snapshot() == before


def _snapshot():
    from samverkan.meetings.models import Attendance, Document

    return (
        list(Meeting.objects.order_by("pk").values_list("status", "invited_at")),
        AgendaItem.objects.count(),
        MeetingDay.objects.count(),
        Attendance.objects.count(),
        Document.objects.count(),
    )


def test_a_member_gets_404_for_an_item_and_a_document_they_may_not_read(client, world):
    from tests.meetings_helpers import make_document

    meeting = make_meeting(world.forum, date(2026, 3, 2))
    secret = make_item(meeting, "1", "Sekretessärende", visibility="confidential")
    open_item = make_item(meeting, "2", "Öppet ärende")
    hidden_doc = make_document(meeting, "Hemlig bilaga", visibility="confidential")
    world.client_for(client, "member")
    assert client.get(reverse("meetings:item_edit", args=[secret.pk])).status_code == 404
    assert client.get(reverse("meetings:item_edit", args=[open_item.pk])).status_code == 403
    assert client.get(reverse("meetings:document_file", args=[hidden_doc.pk])).status_code == 404
    assert client.get(reverse("meetings:document_edit", args=[hidden_doc.pk])).status_code == 404


def test_the_gates_themselves(world):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from samverkan.meetings.access import get_day_for_user, get_item_for_user, get_meeting_for_user

    internal = make_meeting(world.secret, date(2026, 3, 1))
    public = make_meeting(world.forum, date(2026, 3, 2))
    item = make_item(public, "1", "Öppet")
    for call in (
        lambda: get_meeting_for_user(world.outsider, internal.pk),
        lambda: get_meeting_for_user(world.outsider, 999999),
        lambda: get_day_for_user(world.outsider, internal.days.get().pk, change=True),
    ):
        with pytest.raises(Http404):
            call()
    assert get_meeting_for_user(world.outsider, public.pk) == public
    with pytest.raises(PermissionDenied):
        get_meeting_for_user(world.outsider, public.pk, change=True)
    with pytest.raises(PermissionDenied):
        get_item_for_user(world.member, item.pk, change=True)
    assert get_item_for_user(world.coordinator, item.pk, change=True).meeting.body == world.forum
