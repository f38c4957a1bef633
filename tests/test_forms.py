"""Every staff form, as a class: its choice lists name only what the user may see, a posted id outside them is
refused, and an edit over a newer version is refused with what changed (`lib.forms.StaffFormMixin`)."""

import importlib
import inspect
import pkgutil
from datetime import timedelta

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

import samverkan
from samverkan.agreements.models import Agreement
from samverkan.followthrough.models import Assignment, Matter, PrincipalDecision, Recommendation
from samverkan.followup.models import Goal
from samverkan.lib.forms import StaffFormMixin, chooses_records
from samverkan.meetings.lock import correcting_minutes
from samverkan.meetings.models import AgendaItem, Attendance, Document, Meeting, MeetingDay
from samverkan.structure.models import Body, Membership, Person, Principal
from samverkan.surveys.models import Survey
from tests.followthrough_helpers import assign, decision_item, recommend
from tests.form_fields import form_data
from tests.meetings_helpers import make_document, make_item, make_meeting
from tests.minutes_helpers import adjusted_meeting, seat_group

CANARIES = ["Hemliga gruppen", "Hedda Hemlig", "Forumets interna möte", "Hemligt möte", "Hemligt ärende"]
CANARIES += ["Internt forumärende", "Hemlig överenskommelse", "Hemligt mål"]


def _form_classes():
    """Every form class defined in an app's forms.py."""
    found = []
    for info in pkgutil.iter_modules(samverkan.__path__):
        if not info.ispkg:  # an app is a package; importing a module (wsgi) to look inside it runs it
            continue
        try:
            module = importlib.import_module(f"samverkan.{info.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def _has_record_fields(cls):
    """Whether the class declares a field that chooses records, or is a model form of a model with relations."""
    if any(chooses_records(f) for f in cls.base_fields.values()):
        return True
    meta = getattr(cls, "_meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return False
    names = set(cls.base_fields)
    return any(f.is_relation and f.name in names for f in model._meta.get_fields())


@pytest.fixture
def secrets(world):
    """What a secretary of the officials' group may not see: the internal body and its meeting, the person seated
    only there, an internal meeting and an internal item of the forum, an internal matter of the internal body;
    and the group's own records for the forms to edit."""
    day = timezone.localdate() - timedelta(days=10)
    later = timezone.localdate() + timedelta(days=20)
    make_meeting(world.secret, later, title="Hemligt möte", visibility="internal")
    make_meeting(world.forum, later, title="Forumets interna möte", visibility="internal")
    forum_meeting = make_meeting(world.forum, day, title="Forumets möte", status="held")
    make_item(forum_meeting, "7", "Internt forumärende", visibility="internal", kind="decision")
    Matter.objects.create(
        area=world.area, body=world.secret, year=2026, serial=99, title="Hemligt ärende", visibility="internal"
    )
    item = decision_item(world.group, day=day)
    meeting = item.meeting
    make_meeting(world.group, later, title="Gruppens nästa möte")
    row = Attendance.objects.create(meeting=meeting, person=world.member_person)
    document = make_document(meeting, "Underlag", item=item)
    assignment = assign(item, world.secretary, report_to=world.forum)
    recommendation = recommend(item, world.secretary)
    Agreement.objects.create(area=world.area, owner=world.forum, title="Hemlig överenskommelse", visibility="internal")
    agreement = Agreement.objects.create(area=world.area, owner=world.group, title="Gruppens rutin")
    survey = Survey.objects.create(area=world.area, owner=world.group, title="Gruppens enkät")
    Goal.objects.create(
        area=world.area,
        code="Hemligt mål",
        text="Hemligt mål",
        target_value=1,
        owner_body=world.forum,
        visibility="internal",
    )
    goal = Goal.objects.create(area=world.area, code="P1", text="Gruppens mål", target_value=1, owner_body=world.group)
    return {
        "survey": survey,
        "goal": goal,
        "agreement": agreement,
        "item": item,
        "meeting": meeting,
        "row": row,
        "document": document,
        "assignment": assignment,
        "recommendation": recommendation,
    }


def _builders(world, s):
    """Form class -> a function building it for `user` with `data` (None for unbound)."""
    from samverkan.agreements import forms as ag
    from samverkan.followthrough import forms as ft
    from samverkan.followup import forms as fu
    from samverkan.importer import forms as imp
    from samverkan.meetings import forms as mf
    from samverkan.structure import forms as sf
    from samverkan.surveys import forms as sv
    from samverkan.workspace import forms as wf

    meeting, item = s["meeting"], s["item"]
    return {
        sf.BodyForm: lambda user, data: sf.BodyForm(data, area=world.area, user=user),
        sf.PersonForm: lambda user, data: sf.PersonForm(data, area=world.area, user=user),
        sf.MembershipForm: lambda user, data: sf.MembershipForm(data, body=world.group, user=user),
        mf.AgendaItemForm: lambda user, data: mf.AgendaItemForm(data, meeting=meeting, user=user),
        mf.ItemMinutesForm: lambda user, data: mf.ItemMinutesForm(data, instance=item, meeting=meeting, user=user),
        mf.AttendanceForm: lambda user, data: mf.AttendanceForm(data, instance=s["row"], meeting=meeting, user=user),
        mf.AttendanceCreateForm: lambda user, data: mf.AttendanceCreateForm(data, meeting=meeting, user=user),
        mf.SignatoriesForm: lambda user, data: mf.SignatoriesForm(data, meeting=meeting, user=user),
        mf.DocumentUploadForm: lambda user, data: mf.DocumentUploadForm(data, meeting=meeting, user=user),
        mf.DocumentEditForm: lambda user, data: mf.DocumentEditForm(data, instance=s["document"], user=user),
        ft.MatterForm: lambda user, data: ft.MatterForm(data, area=world.area, user=user),
        ft.NewMatterForm: lambda user, data: ft.NewMatterForm(data, area=world.area, user=user),
        ft.AssignmentForm: lambda user, data: ft.AssignmentForm(data, item=item, user=user),
        ft.AssignmentStatusForm: lambda user, data: ft.AssignmentStatusForm(data, instance=s["assignment"], user=user),
        ft.ReportBackForm: lambda user, data: ft.ReportBackForm(data, bodies={world.group, world.forum}, user=user),
        ft.RecommendationForm: lambda user, data: ft.RecommendationForm(data, item=item, user=user),
        ft.RecommendationEditForm: lambda user, data: ft.RecommendationEditForm(
            data, instance=s["recommendation"], user=user
        ),
        ft.RecommendationReportForm: lambda user, data: ft.RecommendationReportForm(data, body=world.forum, user=user),
        ag.AgreementForm: lambda user, data: ag.AgreementForm(data, area=world.area, user=user),
        ag.AdoptionForm: lambda user, data: ag.AdoptionForm(data, agreement=s["agreement"], user=user),
        ag.FollowUpForm: lambda user, data: ag.FollowUpForm(data, agreement=s["agreement"], user=user),
        sv.SurveyForm: lambda user, data: sv.SurveyForm(data, area=world.area, user=user),
        sv.SendForm: lambda user, data: sv.SendForm(data, instance=s["survey"], user=user),
        fu.GoalForm: lambda user, data: fu.GoalForm(data, area=world.area, user=user),
        fu.MeasurementForm: lambda user, data: fu.MeasurementForm(data, goal=s["goal"], user=user),
        imp.PersonRowForm: lambda user, data: imp.PersonRowForm(data, area=world.area, user=user),
        wf.RoleForm: lambda user, data: wf.RoleForm(data, area=world.area, may_grant_coordinator=True, user=user),
    }


def _labels(field):
    labels = []
    for _value, label in field.choices:
        if isinstance(label, list | tuple):
            labels += [str(inner) for _v, inner in label]
        else:
            labels.append(str(label))
    return labels


def test_every_form_that_chooses_records_is_a_staff_form_and_is_tested_here(world, secrets):
    """A new form with a choice of records must be a StaffFormMixin (so it takes `user` and must offer every such
    field from a user-limited queryset) and must be added to `_builders`, so the checks below cover it."""
    builders = _builders(world, secrets)
    choosing = [cls for cls in _form_classes() if _has_record_fields(cls)]
    assert len(choosing) >= 15
    for cls in choosing:
        assert issubclass(cls, StaffFormMixin), cls
        if cls.__name__ != "StaffForm":
            assert cls in builders, f"{cls.__name__} chooses records: add it to _builders in {__name__}"


def test_a_form_that_forgets_to_offer_a_choice_is_refused_when_built(world):
    class Careless(StaffFormMixin, forms.Form):
        body = forms.ModelChoiceField(queryset=Body.objects.all())

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)

    with pytest.raises(ImproperlyConfigured, match="body"):
        Careless(user=world.secretary)
    with pytest.raises(TypeError):
        Careless()  # no user


def _canary_value(field, world, secrets):
    """A posted value naming a record the secretary may not see, for this field, or None."""
    if hasattr(field, "KINDS"):  # the assignee select
        return f"person:{world.insider.pk}"
    model = field.queryset.model
    hidden = {
        Body: world.secret.pk,
        Person: world.insider.pk,
        Meeting: Meeting.objects.get(title="Forumets interna möte").pk,
        Matter: Matter.objects.get(title="Hemligt ärende").pk,
        Agreement: Agreement.objects.get(title="Hemlig överenskommelse").pk,
        AgendaItem: AgendaItem.objects.get(title="Internt forumärende").pk,
    }.get(model)
    if isinstance(field, forms.ModelMultipleChoiceField) and hidden is not None:
        return [hidden]
    return hidden


def test_no_choice_list_names_what_a_secretary_of_another_body_may_not_see(world, secrets):
    """Every record choice of every staff form, built for the group's secretary: no internal body, internal
    meeting or item, internal matter or person seated only in an internal body among the options; and posting
    such an id is refused with Django's Swedish message. The same forms for an administrator do offer them, so
    the canaries are really there to be found."""
    seen_by_admin = set()
    for cls, build in _builders(world, secrets).items():
        form = build(world.secretary, None)
        for name, field in form.fields.items():
            if not chooses_records(field):
                continue
            labels = " | ".join(_labels(field))
            for canary in CANARIES:
                assert canary not in labels, f"{cls.__name__}.{name} offers {canary}"
            value = _canary_value(field, world, secrets)
            if value is None:
                continue
            posted = build(world.secretary, {name: value})
            posted.is_valid()
            assert name in posted.errors, f"{cls.__name__}.{name} accepted a hidden record"
            assert "Välj ett giltigt alternativ" in " ".join(posted.errors[name]), (cls.__name__, name)
        admin_form = build(world.admin, None)
        for field in admin_form.fields.values():
            if chooses_records(field):
                seen_by_admin |= {c for c in CANARIES if c in " | ".join(_labels(field))}
    assert seen_by_admin == set(CANARIES)


def test_posting_a_hidden_record_through_the_pages_answers_400_and_saves_nothing(client, world, secrets):
    client.force_login(world.secretary)
    item, meeting = secrets["item"], secrets["meeting"]
    before = (
        Assignment.objects.count(),
        Membership.objects.count(),
        Attendance.objects.count(),
        Matter.objects.count(),
    )
    posts = [
        (
            reverse("followthrough:assignment_create", args=[item.pk]),
            {
                "assignee": f"body:{world.secret.pk}",
                "description": "x",
                "due_date": "2030-01-01",
                "report_to": world.group.pk,
            },
        ),
        (
            reverse("followthrough:assignment_create", args=[item.pk]),
            {
                "assignee": f"body:{world.group.pk}",
                "description": "x",
                "due_date": "2030-01-01",
                "report_to": world.secret.pk,
            },
        ),
        (
            reverse("structure:membership_create", args=[world.group.pk]),
            {"person": world.insider.pk, "role": "member", "principal": world.region.pk, "start": "2026-01-01"},
        ),
        (
            reverse("meetings:attendance_create", args=[meeting.pk]),
            {"person": world.insider.pk, "status": "present", "group": "other"},
        ),
        (
            reverse("followthrough:matter_create", args=[world.area.slug]),
            {"year": 2026, "title": "Nytt", "body": world.secret.pk, "raised_on": "2026-01-01", "visibility": "public"},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 400, url
        page = response.content.decode()
        assert "Inget har sparats" in page and "Välj ett giltigt alternativ" in page, url
        for canary in CANARIES:
            assert canary not in page, (url, canary)
    after = (Assignment.objects.count(), Membership.objects.count(), Attendance.objects.count(), Matter.objects.count())
    assert after == before


def test_a_secretary_may_still_seat_a_newcomer_they_just_added(client, world):
    """People with no seat anywhere are offered (a newcomer is not a secret); only those seated solely in bodies
    the user may not see are left out."""
    newcomer = Person.objects.create(first_name="Nora", last_name="Nykomling", slug="nora", employer=world.town)
    client.force_login(world.secretary)
    page = client.get(reverse("structure:membership_create", args=[world.group.pk])).content.decode()
    assert "Nykomling" in page and "Hemlig" not in page
    response = client.post(
        reverse("structure:membership_create", args=[world.group.pk]),
        {"person": newcomer.pk, "role": "member", "principal": world.town.pk, "start": "2026-01-01"},
    )
    assert response.status_code == 302


# --- Optimistic locking -------------------------------------------------------------------------------------


def _load(client, url):
    page = client.get(url)
    assert page.status_code == 200, url
    data = form_data(page.content.decode())
    assert "form_version" in data, f"{url} carries no version"
    return data


@pytest.fixture
def edited(world, secrets):
    """One record of every model edited through a staff form, and the page, field and two new values to save."""
    seats = seat_group(world)
    locked = adjusted_meeting(world, seats)
    m, item, s = secrets["meeting"], secrets["item"], secrets
    membership = Membership.objects.filter(body=world.forum).first()
    matter = Matter.objects.create(area=world.area, body=world.group, year=2026, serial=5, title="Öppet ärende")
    decision = PrincipalDecision.objects.filter(recommendation=s["recommendation"]).first()
    locked_item = locked.items.first()
    with correcting_minutes():  # attached before the minutes were locked
        locked_document = make_document(locked, "Låst bilaga", item=locked_item)
    return [
        ("structure:body_edit", [world.forum.pk], Body, world.forum.pk, "name", "Forum A", "Forum B"),
        ("structure:principal_edit", [world.town.pk], Principal, world.town.pk, "name", "Stad A", "Stad B"),
        (
            "structure:person_edit",
            [world.area.slug, world.member_person.pk],
            Person,
            world.member_person.pk,
            "title",
            "Ordförande",
            "Ledamot",
        ),
        ("structure:membership_edit", [membership.pk], Membership, membership.pk, "party", "C", "KD"),
        ("meetings:meeting_edit", [m.pk], Meeting, m.pk, "place", "Rum A", "Rum B"),
        ("meetings:day_edit", [m.days.get().pk], MeetingDay, m.days.get().pk, "start", "10:00", "11:00"),
        ("meetings:item_edit", [item.pk], AgendaItem, item.pk, "title", "Rubrik A", "Rubrik B"),
        ("meetings:item_minutes", [item.pk], AgendaItem, item.pk, "minutes", "Text A", "Text B"),
        ("meetings:attendance_edit", [s["row"].pk], Attendance, s["row"].pk, "note", "Not A", "Not B"),
        ("meetings:document_edit", [s["document"].pk], Document, s["document"].pk, "title", "Bilaga A", "Bilaga B"),
        ("meetings:item_correct", [locked_item.pk], AgendaItem, locked_item.pk, "minutes", "Rättad A", "Rättad B"),
        (
            "meetings:document_correct",
            [locked_document.pk],
            Document,
            locked_document.pk,
            "visibility",
            "internal",
            "confidential",
        ),  # fmt: skip
        ("followthrough:matter_edit", [matter.pk], Matter, matter.pk, "title", "Ärende A", "Ärende B"),
        (
            "followthrough:assignment_edit",
            [s["assignment"].pk],
            Assignment,
            s["assignment"].pk,
            "description",
            "Uppdrag A",
            "Uppdrag B",
        ),
        (
            "followthrough:recommendation_edit",
            [s["recommendation"].pk],
            Recommendation,
            s["recommendation"].pk,
            "title",
            "Rek A",
            "Rek B",
        ),
        ("followthrough:decision_record", [decision.pk], PrincipalDecision, decision.pk, "reference", "§ 1", "§ 2"),
        ("agreements:edit", [s["agreement"].pk], Agreement, s["agreement"].pk, "title", "Rutin A", "Rutin B"),
    ], locked


def _stored(model, pk):
    return model_to_dict(model.objects.get(pk=pk))


def test_every_edit_form_refuses_a_save_over_a_newer_version(client, world, edited):
    """Two people open the same edit form; the first saves; the second's save is refused (409) with the field
    that changed and both values, and nothing of theirs is stored."""
    pages, locked = edited
    client.force_login(world.admin)
    for name, args, model, pk, field, first, second in pages:
        url = reverse(name, args=args)
        mine, theirs = _load(client, url), _load(client, url)
        if "reason" in mine:  # the correction's required reason
            mine["reason"] = theirs["reason"] = ["Fel i texten"]
        mine[field] = [str(first)]
        saved = client.post(url, mine)
        assert saved.status_code == 302, (name, saved.content.decode()[:2000])
        stored = _stored(model, pk)
        theirs[field] = [str(second)]
        refused = client.post(url, theirs)
        assert refused.status_code == 409, (name, refused.status_code)
        page = refused.content.decode()
        assert "Någon annan har sparat ändringar medan du redigerade" in page, name
        assert "Inget har sparats" in page and str(first) in page, name
        assert _stored(model, pk) == stored, name
        # Saving the same page again now knowingly overwrites: the form carries the version stored now.
        again = form_data(page)
        assert client.post(url, again).status_code == 302, name
        assert str(getattr(model.objects.get(pk=pk), field)).startswith(str(second)[:5]), name


def test_signatories_refuse_a_save_over_a_newer_choice(client, world):
    from tests.minutes_helpers import held_meeting

    seats = seat_group(world)
    meeting = held_meeting(world, seats)
    url = reverse("meetings:signatories", args=[meeting.pk])
    client.force_login(world.secretary)
    mine, theirs = _load(client, url), _load(client, url)
    mine["chair"], theirs["chair"] = [str(seats.chair.pk)], [str(seats.adjuster.pk)]
    assert client.post(url, mine).status_code == 302
    response = client.post(url, theirs)
    assert response.status_code == 409
    assert "Ordförande" in response.content.decode() and seats.chair.name in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.chair_id == seats.chair.pk


def test_a_change_outside_the_form_is_no_conflict_and_a_garbled_version_is_refused(client, world, secrets):
    meeting = secrets["meeting"]
    url = reverse("meetings:meeting_edit", args=[meeting.pk])
    client.force_login(world.admin)
    data = _load(client, url)
    Meeting.objects.filter(pk=meeting.pk).update(invited_at=timezone.now())  # not a field of the form
    data["place"] = ["Nytt rum"]
    assert client.post(url, data).status_code == 302
    data = _load(client, url)
    data["form_version"] = ["inte-en-version"]
    data["place"] = ["Annat rum"]
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Formulärets version kunde inte läsas" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.place == "Nytt rum"


def test_every_get_foo_display_gives_what_django_s_gives_in_both_languages():
    """`lib.choices.install` replaced Django's `get_FOO_display` of every model field with choices (a dict of the
    choices made once per field): each gives Django's own answer for every choice and for a value outside them,
    in Swedish and in English, and a model's own `get_FOO_display` would be kept."""
    from functools import partialmethod

    from django.apps import apps
    from django.db import models
    from django.utils import translation

    from samverkan.lib.choices import display

    checked = 0
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.choices is None or not hasattr(model, f"get_{field.name}_display"):
                continue
            name = f"get_{field.name}_display"
            method = next(vars(klass)[name] for klass in model.__mro__ if name in vars(klass))
            if not isinstance(method, partialmethod):
                continue  # the model's own, kept
            assert method.func is display, (model, name)
            for value in [value for value, _label in field.flatchoices] + ["utanför"]:
                instance = model()
                setattr(instance, field.attname, value)
                for language in ("sv", "en"):
                    with translation.override(language):
                        ours = getattr(instance, f"get_{field.name}_display")()
                        assert ours == models.Model._get_FIELD_display(instance, field), (model, field, value)
                        checked += 1
    assert checked > 200, checked


def test_selects_written_in_python_are_the_html_django_s_templates_make():
    """`lib.select.FormRenderer` (settings.FORM_RENDERER) writes a select in Python: the same HTML as Django's own
    renderer from its templates, for plain and grouped choices, one or several chosen, attributes that are True,
    False or text, and labels and values that must be escaped (or are safe already)."""
    from django import forms
    from django.forms.renderers import DjangoTemplates, get_default_renderer
    from django.utils.safestring import mark_safe

    from samverkan.lib.select import FormRenderer

    tricky = [("", "Alla"), ("a&b", 'Rådet "<för> vård"'), (3, mark_safe("<em>Säker</em>")), ("x", "Ä & Ö")]
    in_groups = [("Regioner", [("r1", "Region <1>"), ("r2", "Region 2")]), ("k", "Kommun"), ("Tom", [])]

    class Choices(forms.Form):
        one = forms.ChoiceField(choices=tricky, required=False)
        grouped = forms.ChoiceField(choices=in_groups)
        several = forms.MultipleChoiceField(choices=tricky, required=False)
        flagged = forms.ChoiceField(
            choices=tricky, widget=forms.Select(attrs={"disabled": True, "data-x": 'a"b', "hidden": False})
        )

    for data in ({}, {"one": "a&b", "grouped": "r2", "several": ["a&b", "3"], "flagged": "x"}, {"one": "nej"}):
        ours, django = Choices(data or None, renderer=FormRenderer()), Choices(data or None, renderer=DjangoTemplates())
        for name in ("one", "grouped", "several", "flagged"):
            assert str(ours[name]) == str(django[name]), name
            assert "<select" in str(ours[name]) and "<option" in str(ours[name])
    chosen = str(Choices({"one": "a&b"}, renderer=FormRenderer())["one"])
    assert 'value="a&amp;b" selected>Rådet &quot;&lt;för&gt; vård&quot;</option>' in chosen
    assert isinstance(get_default_renderer(), FormRenderer)  # every form's, unless it names another
