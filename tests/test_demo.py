"""The demo county: realistic shape, valid records, working logins, and a command that never duplicates."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from samverkan.demo.county import DEMO_LOGINS, DEMO_PASSWORD, build_demo
from samverkan.demo.management.commands import demo as demo_command
from samverkan.lib.visibility import Visibility
from samverkan.meetings.models import AgendaItem, Attendance, Meeting
from samverkan.structure.health import charter_problems
from samverkan.structure.models import Area, Body, Membership, Person, Principal, Role

TODAY = date(2026, 3, 15)  # the day of the `demo_2026_03_15` fixture


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Argon2 is deliberately slow; the logins work the same with a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def area(demo_2026_03_15):
    """The demo county built as if today were TODAY (once for all the tests that ask for it)."""
    return demo_2026_03_15


@pytest.mark.django_db
def test_counts_are_in_the_intended_ranges(area):
    principals = area.principals.all()
    assert principals.filter(kind=Principal.Kind.REGION).count() == 1
    assert 6 <= principals.filter(kind=Principal.Kind.MUNICIPALITY).count() <= 12
    assert 15 <= area.bodies.count() <= 25
    assert 80 <= Person.objects.count() <= 120
    assert Membership.objects.count() >= 150
    assert Area.objects.count() == 1
    assert not Body.objects.filter(area__isnull=True).exists()


@pytest.mark.django_db
def test_political_forum_and_its_preparing_group(area):
    krf = Body.objects.get(area=area, abbreviation="KRF")
    cgh = Body.objects.get(area=area, abbreviation="CGH")
    assert krf.level == Body.Level.POLITICAL and krf.kind == Body.Kind.FORUM
    assert krf.prepared_by == cgh and cgh.reports_to == krf
    current = Membership.objects.current(TODAY).filter(body=krf)
    parties = set(current.exclude(party="").values_list("party", flat=True))
    assert {"S", "M", "C", "KD", "L", "V", "MP", "SD"} <= parties
    # Every principal but the association has a seat and a substitute for it.
    for principal in area.principals.exclude(kind=Principal.Kind.ASSOCIATION):
        seated = current.filter(principal=principal, role__in=Membership.SEATED_ROLES)
        subs = current.filter(principal=principal, role=Membership.Role.SUBSTITUTE)
        assert seated.exists() and subs.exists(), principal
        assert {s.substitute_for_id for s in subs} <= {m.person_id for m in seated}
    assert Membership.objects.filter(body=krf, end__lt=TODAY).exists()


@pytest.mark.django_db
def test_one_chair_and_one_vice_chair_per_body(area):
    current = Membership.objects.current(TODAY)
    for body in area.bodies.all():
        members = current.filter(body=body)
        if not members.exists():
            assert body.dissolved is not None and body.dissolved < TODAY, body
            continue
        assert members.filter(role=Membership.Role.CHAIR).count() == 1, body
        assert members.filter(role=Membership.Role.VICE_CHAIR).count() == 1, body


@pytest.mark.django_db
def test_local_groups_and_kinds_of_body(area):
    local = area.bodies.filter(tier=Body.Tier.LOCAL)
    assert local.count() == area.principals.filter(kind=Principal.Kind.MUNICIPALITY).count()
    for body in local:
        assert body.host_principal.kind == Principal.Kind.MUNICIPALITY
        assert body.host_principal.name.removesuffix(" kommun") in body.name
    kinds = set(area.bodies.values_list("kind", flat=True))
    assert {Body.Kind.FORUM, Body.Kind.NETWORK, Body.Kind.WORKING_GROUP, Body.Kind.PROJECT} <= kinds
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Membership.Role.values)


@pytest.mark.django_db
def test_charter_health_has_something_to_show(area):
    problems = charter_problems([area], TODAY).rows
    gaps = [p.body.name for p in problems if p.gaps]
    overdue = [p.body.name for p in problems if p.rules_overdue]
    assert 2 <= len(gaps) <= 3
    assert len(overdue) == 2
    assert not any(p.rules_missing for p in problems)
    dissolved = area.bodies.get(dissolved__isnull=False)
    assert dissolved.dissolved < TODAY and not dissolved.is_active


@pytest.mark.django_db
def test_internal_bodies_have_people_found_nowhere_public(area):
    internal = area.bodies.filter(visibility=Visibility.INTERNAL)
    assert 1 <= internal.count() <= 2
    assert internal.filter(name="Beredningsgrupp för ekonomi").exists()
    in_internal = set(Membership.objects.filter(body__in=internal).values_list("person_id", flat=True))
    in_public = set(Membership.objects.filter(body__visibility=Visibility.PUBLIC).values_list("person_id", flat=True))
    assert len(in_internal - in_public) >= 3


@pytest.mark.django_db
def test_people_look_swedish_and_fictional(area):
    for field in ("slug", "email", "phone"):
        values = list(Person.objects.values_list(field, flat=True))
        assert len(values) == len(set(values)), field
    for person in Person.objects.all():
        assert person.email.endswith(".example"), person.email
        assert person.phone and person.employer is not None
    assert Person.objects.filter(title="Socialchef").count() >= 6
    assert Person.objects.filter(title="Hälso- och sjukvårdsdirektör").exists()


@pytest.mark.django_db
def test_every_object_passes_full_clean(area):
    for model in (Area, Principal, Body, Person, Membership, Role, get_user_model()):
        for obj in model.objects.all():
            obj.full_clean()


@pytest.mark.django_db
def test_logins_and_their_roles(area, client):
    User = get_user_model()
    assert [u for u, _ in DEMO_LOGINS] == [
        "admin",
        "koordinator",
        "sekreterare",
        "ledamot",
        "kontakt",
        "ordforande",
        "justerare",
    ]
    for username, _description in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.person.first_name == user.first_name and user.last_name
        request = RequestFactory().post(reverse("login"))
        assert client.login(request=request, username=username, password=DEMO_PASSWORD), username
        client.logout()
    assert User.objects.get(username="admin").is_superuser
    assert Role.objects.get(user__username="koordinator").area == area
    cgh = Body.objects.get(abbreviation="CGH")
    assert Role.objects.get(user__username="sekreterare").body == cgh
    assert Membership.objects.filter(
        body=cgh, person__user__username="sekreterare", role=Membership.Role.SECRETARY
    ).exists()
    contact = Role.objects.get(user__username="kontakt")
    assert contact.kind == Role.Kind.CONTACT and contact.principal.kind == Principal.Kind.MUNICIPALITY
    member = Membership.objects.current(TODAY).filter(person__user__username="ledamot", role=Membership.Role.MEMBER)
    assert member.filter(body__abbreviation="KRF").exists()
    assert member.filter(body__visibility=Visibility.INTERNAL).exists()


@pytest.mark.django_db
def test_login_through_the_login_page(area, client):
    response = client.post(reverse("login"), {"username": "koordinator", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(get_user_model().objects.get(username="koordinator").pk)


@pytest.mark.django_db
def test_every_public_body_has_a_year_of_meetings(area):
    held = ["drafted", "adjusted", "published"]
    for body in area.bodies.filter(visibility=Visibility.PUBLIC, dissolved__isnull=True):
        meetings = Meeting.objects.filter(body=body)
        assert meetings.filter(first_day__lt=TODAY, status="published").exists(), body
        assert not meetings.filter(first_day__lt=TODAY).exclude(status__in=held).exists(), body
        assert meetings.filter(first_day__gte=TODAY).exclude(status__in=held).exists(), body
        assert not meetings.filter(first_day__gte=TODAY, status__in=held).exists(), body
        assert meetings.filter(first_day__gte=TODAY, status="invited").count() == 1, body
        assert AgendaItem.objects.filter(meeting__body=body).count() >= 3 * meetings.count(), body
    assert not Meeting.objects.filter(body__visibility=Visibility.INTERNAL).exists()
    assert Meeting.objects.filter(status="cancelled").count() == 1
    assert AgendaItem.objects.filter(visibility="confidential").exists()
    assert AgendaItem.objects.filter(visibility="internal").exists()


def _demo_rows():
    """What the demo's build decides, sorted: people, bodies, meetings, items and attendance."""
    return (
        sorted(Person.objects.values_list("first_name", "last_name", "email", "phone")),
        sorted(Body.objects.values_list("name", "rules_next_review")),
        sorted(Meeting.objects.values_list("body__name", "days__date", "status", "locked_at")),
        sorted(AgendaItem.objects.values_list("meeting__body__name", "number", "title", "minutes", "decision")),
        sorted(Attendance.objects.values_list("meeting__days__date", "person__slug", "status", "note")),
    )


@pytest.mark.django_db
def test_the_same_data_every_run_and_a_command_that_leaves_another_area_alone_and_never_duplicates(monkeypatch):
    """Two demo builds for three rules (a build costs seconds): the demo built twice as if today were TODAY, each
    into an empty database, has the same rows; and the command's rules: another area stops it unless forced, and
    once the demo is there neither a second run nor --force adds anything. The command builds as if today were
    TODAY (it passes no date of its own)."""
    with transaction.atomic():
        build_demo(today=TODAY)
        first = _demo_rows()
        transaction.set_rollback(True)
    assert not Person.objects.exists() and not Area.objects.exists()

    monkeypatch.setattr(demo_command, "build_demo", lambda: build_demo(today=TODAY))
    Area.objects.create(name="Samverkan Testlän", slug="testlan")
    out = StringIO()
    call_command("demo", stdout=out)
    assert "--force" in out.getvalue()
    assert Area.objects.count() == 1
    out = StringIO()
    call_command("demo", "--force", stdout=out)
    assert Area.objects.filter(slug="norrlanda").exists()
    assert "huvudmän" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    second = _demo_rows()
    for rows, again in zip(first, second, strict=True):
        assert again == rows
    counts = (Area.objects.count(), Body.objects.count(), Person.objects.count(), Membership.objects.count())
    out = StringIO()
    call_command("demo", stdout=out)
    assert "finns redan" in out.getvalue()
    out = StringIO()
    call_command("demo", "--force", stdout=out)
    assert "finns redan" in out.getvalue()
    assert (Area.objects.count(), Body.objects.count(), Person.objects.count(), Membership.objects.count()) == counts
    assert get_user_model().objects.count() == len(DEMO_LOGINS)


def test_stored_area_and_public_flag_match_the_items(area):
    """Every assignment and recommendation the demo made (through the actions, as a county's year would) stores the
    area and public flag its item gives now (followthrough.models.StoresArea)."""
    from samverkan.followthrough.models import Assignment, Recommendation
    from samverkan.meetings.access import decisions_readable_rule, readable_items_rule

    shown = readable_items_rule(None, "item__") & decisions_readable_rule(None, "item__")
    for model in (Assignment, Recommendation):
        rows = model.objects.all()
        assert rows.exists()
        assert set(rows.filter(public=True).values_list("pk", flat=True)) == set(
            rows.filter(shown).values_list("pk", flat=True)
        )
        assert not rows.exclude(area_id=F("item__meeting__body__area_id")).exists()
        assert rows.filter(public=True).exists()
