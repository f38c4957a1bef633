"""The public side of follow-through: the decision status board, its exports and its scale; recommendations,
principals, matters and assignments as visitors see them — and what they never see."""

import csv
import io
import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from samverkan.followthrough import actions
from samverkan.followthrough.models import PrincipalDecision, Recommendation
from samverkan.followthrough.public import ASSIGNMENT_PAGE, BOARD_PAGE
from samverkan.meetings.models import Meeting
from samverkan.structure.models import Principal
from tests.conftest import shared_fixture
from tests.followthrough_helpers import assign, body_bytes, decide, decision_item, recommend
from tests.meetings_helpers import make_item, make_meeting


def board_url(world, query=""):
    return reverse("followthrough_public:board", args=[world.area.slug]) + query


@shared_fixture
def board(world):
    """A public recommendation with two decisions, and hidden ones from an internal item, meeting and body."""
    item = decision_item(world.forum, title="Öppen handlingsplan")
    public = recommend(item, title="Öppen rekommendation")
    decide(public, world.town, "adopted", reference="KF § 12")
    decide(public, world.village, "rejected")
    hidden = [
        recommend(decision_item(world.forum, number="2", title="Intern punkt", visibility="internal"), title="Dold A"),
        recommend(
            decision_item(world.forum, number="3", title="Internt möte", meeting_fields={"visibility": "internal"}),
            title="Dold B",
        ),
        recommend(decision_item(world.secret, title="Hemlig grupps beslut"), title="Dold C"),
        recommend(decision_item(world.forum, number="4", title="Sekretess", visibility="confidential"), title="Dold D"),
    ]
    return {"item": item, "public": public, "hidden": hidden}


HIDDEN_TITLES = ["Dold A", "Dold B", "Dold C", "Dold D", "Hemliga gruppen", "Hemlig grupps beslut"]


def test_the_board_shows_outcomes_in_words_and_a_summary(client, world, board):
    html = client.get(board_url(world)).content.decode()
    assert "Öppen rekommendation" in html
    assert "2 av 3 har beslutat: 1 bifall, 1 avslag" in html
    # Every cell says its outcome in words, not only in colour.
    assert 'class="cell-adopted">Bifall<' in html
    assert 'class="cell-rejected">Avslag<' in html
    assert 'class="cell-pending">Inte beslutat<' in html
    assert '<th scope="col"><a href="/omrade/testlan/huvudman/stadby/beslut/">Stadby kommun</a></th>' in html
    for title in HIDDEN_TITLES:
        assert title not in html


@pytest.mark.parametrize("actor", ["anonymous", "outsider", "secretary"])
def test_hidden_recommendations_reach_no_public_page_or_export(client, world, board, actor):
    world.client_for(client, actor)
    pages = [
        board_url(world),
        reverse("followthrough_public:board_csv", args=[world.area.slug]),
        reverse("followthrough_public:principal", args=[world.area.slug, world.town.slug]),
        reverse("followthrough_public:principal", args=[world.area.slug, world.village.slug]),
    ]
    for url in pages:
        text = body_bytes(client.get(url)).decode("utf-8")
        assert "Öppen rekommendation" in text
        for title in HIDDEN_TITLES:
            assert title not in text, (url, title)
    xlsx = body_bytes(client.get(reverse("followthrough_public:board_xlsx", args=[world.area.slug])))
    values = [c for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True) for c in row]
    assert "Öppen rekommendation" in values and not set(values) & set(HIDDEN_TITLES)
    for recommendation in board["hidden"]:
        url = reverse("followthrough_public:recommendation", args=[world.area.slug, recommendation.pk])
        assert client.get(url).status_code == 404


def test_members_see_internal_items_of_their_bodies_but_not_confidential_ones(client, world, board):
    html = world.client_for(client, "member").get(board_url(world)).content.decode()
    assert "Dold A" in html and "Dold B" in html and "Dold C" in html
    assert "Dold D" not in html


def test_coordinators_see_everything_on_the_board(client, world, board):
    html = world.client_for(client, "coordinator").get(board_url(world)).content.decode()
    assert all(title in html for title in ("Dold A", "Dold B", "Dold C", "Dold D"))


def test_a_contact_sees_an_internal_recommendation_addressed_to_their_principal(client, world, board):
    html = world.client_for(client, "contact").get(board_url(world)).content.decode()
    assert "Dold A" in html  # addressed to every principal, the contact's too
    only_village = recommend(
        decision_item(world.forum, number="9", title="Bara byn", visibility="internal"),
        title="Dold E",
        principals=[world.village],
    )
    html = client.get(board_url(world)).content.decode()
    assert only_village.title not in html


def test_the_board_filters_by_body_year_and_state(client, world, board):
    group_item = decision_item(world.group, title="Gruppens punkt")
    done = recommend(group_item, title="Klar rekommendation")
    for principal in (world.region, world.town, world.village):
        decide(done, principal)
    old = decision_item(world.forum, timezone.localdate().replace(year=2019, month=3, day=1), number="7")
    recommend(old, title="Gammal rekommendation", deadline_in=10)

    def titles(query):
        html = client.get(board_url(world, query)).content.decode()
        return {t for t in ("Öppen rekommendation", "Klar rekommendation", "Gammal rekommendation") if t in html}

    # One year at a time (this year by default), every year linked.
    assert titles("") == {"Öppen rekommendation", "Klar rekommendation"}
    assert 'href="?ar=2019"' in client.get(board_url(world)).content.decode()
    assert titles("?organ=chefsgruppen") == {"Klar rekommendation"}
    assert titles("?ar=2019") == {"Gammal rekommendation"}
    assert titles("?status=decided") == {"Klar rekommendation"}
    assert titles("?status=pending") == {"Öppen rekommendation"}
    assert titles("?status=pending&ar=2019") == {"Gammal rekommendation"}
    assert titles("?status=overdue&ar=2019") == {"Gammal rekommendation"}
    assert titles("?status=reported") == set()
    # Odd values are ignored, never an error; a hidden body cannot be chosen by its address either.
    for query in ("?organ=finns-inte", "?ar=abc", "?ar=99999999999999999999", "?status=%00", "?organ=hemliga-gruppen"):
        response = client.get(board_url(world, query))
        assert response.status_code == 200
        assert "Dold C" not in response.content.decode()


def test_the_exports_follow_the_filters_and_defuse_formulas(client, world, board):
    evil = recommend(decision_item(world.group, title="X"), title='=HYPERLINK("http://evil")')
    response = client.get(reverse("followthrough_public:board_csv", args=[world.area.slug]) + "?organ=chefsgruppen")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body_bytes(response).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Rekommendation", "Organ", "Beslutsdatum", "Svar senast", "Sammanfattning"]
    assert rows[0][5:] == [p.name for p in Principal.objects.filter(area=world.area)]
    assert [r[0] for r in rows[1:]] == ["'" + evil.title]
    response = client.get(reverse("followthrough_public:board_xlsx", args=[world.area.slug]))
    sheet = load_workbook(io.BytesIO(body_bytes(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Rekommendation"
    by_title = {r[0]: r for r in rows[1:]}
    assert by_title["Öppen rekommendation"][4] == "2 av 3 har beslutat: 1 bifall, 1 avslag"
    assert "Bifall" in by_title["Öppen rekommendation"] and "Avslag" in by_title["Öppen rekommendation"]
    assert sheet.cell(row=2, column=1).data_type == "s"  # never a formula


def _year_figures(client, world):
    """The "Alla år" table: {year: (recommendations, "decided av asked")}."""
    html = client.get(board_url(world)).content.decode()
    table = html.split("Rekommendationer och huvudmännens beslut per år", 1)[1].split("</table>", 1)[0]
    found = re.findall(r'<a href="\?ar=(\d+)">\d+</a></th><td>(\d+)</td><td>(\d+ av \d+)</td>', table)
    return {int(y): (int(n), decided) for y, n, decided in found}


def test_the_boards_year_figures_follow_every_change_of_the_decisions(client, world, board):
    """The figures per year come from counts stored on each recommendation (issue 11: no count of every decision
    per request); recording, adding and removing decisions, and bulk writes, keep them right."""
    this_year = timezone.localdate().year
    old = recommend(decision_item(world.forum, timezone.localdate().replace(year=2019), number="7"), title="Gammal")
    assert _year_figures(client, world) == {this_year: (1, "2 av 3"), 2019: (1, "0 av 3")}
    decide(old, world.town, "adopted")
    decide(old, world.village, "will_not_decide", deciding_body="")
    assert _year_figures(client, world)[2019] == (1, "2 av 3")
    old.decisions.get(principal=world.village).delete()
    assert _year_figures(client, world)[2019] == (1, "1 av 2")
    PrincipalDecision.objects.filter(recommendation=old).update(outcome="pending")
    assert _year_figures(client, world)[2019] == (1, "0 av 2")
    PrincipalDecision.objects.bulk_create([PrincipalDecision(recommendation=old, principal=world.village)])
    assert _year_figures(client, world)[2019] == (1, "0 av 3")
    stale = Recommendation.objects.get(pk=old.pk)
    decide(old, world.region, "rejected")
    stale.title = "Gammal, nytt namn"
    stale.save()  # an instance loaded before the decision writes its own fields, never the counts
    assert _year_figures(client, world)[2019] == (1, "1 av 3")
    for rec in Recommendation.objects.all():
        assert (rec.decisions_asked, rec.decisions_pending) == (
            rec.decisions.count(),
            rec.decisions.filter(outcome="pending").count(),
        )


def test_the_board_keeps_its_queries_constant(client, world, board, queries):
    def grow():
        for n in range(5, 15):
            rec = recommend(decision_item(world.forum, number=str(n)), title=f"Rek {n}")
            decide(rec, world.region, "partly_adopted")
        Principal.objects.create(area=world.area, name="Ny kommun", slug="ny")

    # area, bodies, principals, the years' figures (grouped), the year's count and page of keys, the rows, the decisions
    queries.assert_constant(client, board_url(world), grow, at_most=8)


@pytest.mark.parametrize("export", ["board_csv", "board_xlsx"])
def test_the_exports_keep_their_queries_constant(client, world, board, export):
    url = reverse(f"followthrough_public:{export}", args=[world.area.slug])
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5, 12):
        recommend(decision_item(world.forum, number=str(n)), title=f"Rek {n}")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(before) == len(after)


def _big_county(world, principals=16, recommendations=500):
    """16 principals and 500 recommendations, every principal asked, a mix of outcomes: made in bulk."""
    Principal.objects.filter(area=world.area).exclude(pk__in=[world.region.pk, world.town.pk, world.village.pk])
    for n in range(principals - Principal.objects.filter(area=world.area).count()):
        Principal.objects.create(area=world.area, name=f"Kommun {n:02d}", slug=f"kommun-{n:02d}")
    everyone = list(Principal.objects.filter(area=world.area))
    assert len(everyone) == principals
    meeting = make_meeting(world.forum, timezone.localdate() - timedelta(days=40), status="published")
    items = [make_item(meeting, str(n), f"Beslut {n}", kind="decision") for n in range(recommendations)]
    day = timezone.localdate() - timedelta(days=40)
    recs = Recommendation.objects.bulk_create(
        Recommendation(item=item, title=f"Rekommendation {n}", text="Anta.", decided_on=day, deadline=day)
        for n, item in enumerate(items)
    )
    outcomes = [o for o, _label in PrincipalDecision.Outcome.choices]
    PrincipalDecision.objects.bulk_create(
        PrincipalDecision(recommendation=r, principal=p, outcome=outcomes[(i + j) % len(outcomes)])
        for i, r in enumerate(recs)
        for j, p in enumerate(everyone)
    )
    return everyone, recs


def test_the_board_at_county_scale_is_fast_with_constant_queries(client, world):
    """16 principals × 500 recommendations: the same queries as a tiny board, and the time it takes."""
    recommend(decision_item(world.forum, timezone.localdate() - timedelta(days=40)), title="Den första")
    with CaptureQueriesContext(connection) as small:
        client.get(board_url(world))
    _big_county(world)
    client.get(board_url(world))  # warm the template cache
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as big:
        response = client.get(board_url(world))
    elapsed = time.perf_counter() - started
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<tr><th scope="row">') == BOARD_PAGE  # a page of the year
    assert len(big) == len(small), [q["sql"] for q in big.captured_queries]
    # The year shown is in the year field, and a reader on a phone finds the pages above the tall table too.
    year = (timezone.localdate() - timedelta(days=40)).year
    assert f'name="ar" value="{year}"' in html
    assert f'aria-label="Sidor med rekommendationer {year}, före tabellen"' in html
    assert f'aria-label="Sidor med rekommendationer {year}, efter tabellen"' in html
    assert html.index("före tabellen") < html.index('<table class="board">') < html.index("efter tabellen")
    print(f"\nBoard 16 × 500: {elapsed * 1000:.0f} ms, {len(big)} queries, {len(html) // 1024} KiB")
    assert elapsed < 3, f"the board took {elapsed:.2f} s"
    started = time.perf_counter()
    xlsx = client.get(reverse("followthrough_public:board_xlsx", args=[world.area.slug]))
    data = body_bytes(xlsx)
    print(f"XLSX 16 × 500: {(time.perf_counter() - started) * 1000:.0f} ms, {len(data) // 1024} KiB")
    assert len(list(load_workbook(io.BytesIO(data)).active.iter_rows())) == 502


def test_a_principals_page_shows_what_was_asked_decided_and_pending(client, world, board):
    url = reverse("followthrough_public:principal", args=[world.area.slug, world.town.slug])
    html = client.get(url).content.decode()
    assert "Stadby kommun har ombetts besluta om 1 rekommendation." in html
    assert "KF § 12" in html and "Bifall" in html
    assert "Inget väntar på beslut." in html
    region = client.get(reverse("followthrough_public:principal", args=[world.area.slug, world.region.slug]))
    assert "Öppen rekommendation" in region.content.decode()
    assert "Inga beslut registrerade ännu." in region.content.decode()


def test_a_principals_lists_are_counted_together_and_paged_apart(client, world, monkeypatch):
    """Pending and decided decisions: each list counted (one query for both) and paged by its own parameter
    (`?vantar=`, `?sida=`), latest recommendation first; a page past the end shows the last."""
    from samverkan.followthrough import public

    monkeypatch.setattr(public, "PRINCIPAL_PAGE", 2)
    today = timezone.localdate()
    for n in range(1, 4):
        pending = recommend(decision_item(world.forum, today - timedelta(days=10 * n), title=f"Väntande {n}"))
        done = recommend(decision_item(world.forum, today - timedelta(days=10 * n + 5), title=f"Avgjord {n}"))
        decide(done, world.town, reference=f"KF § {n}")
        assert pending.decisions.filter(principal=world.town, outcome=PrincipalDecision.Outcome.PENDING).exists()
    url = reverse("followthrough_public:principal", args=[world.area.slug, world.town.slug])

    def shown(query=""):
        html = client.get(url + query).content.decode()
        return re.findall(r"(Väntande|Avgjord) (\d)</a>", html), html

    first, html = shown()
    assert first == [("Väntande", "1"), ("Väntande", "2"), ("Avgjord", "1"), ("Avgjord", "2")]
    assert "Stadby kommun har ombetts besluta om 6 rekommendationer." in html
    assert (
        'Väntar på beslut <span class="muted">(3)</span>' in html and 'Beslutat <span class="muted">(3)</span>' in html
    )
    assert shown("?vantar=2")[0] == [("Väntande", "3"), ("Avgjord", "1"), ("Avgjord", "2")]
    assert shown("?sida=2&vantar=2")[0] == [("Väntande", "3"), ("Avgjord", "3")]
    assert shown("?sida=99")[0] == [("Väntande", "1"), ("Väntande", "2"), ("Avgjord", "3")]


def test_a_board_row_heads_its_cells_with_the_recommendation_dates_badges_and_summary(client, world):
    """The row header (built in Python, `board.with_heads`): the recommendation's link and escaped title, the body's
    abbreviation, the decision date and deadline, "passerat" once the deadline is past with decisions pending,
    "återrapporterad" once reported back, and the summary."""
    day = timezone.localdate() - timedelta(days=100)
    item = decision_item(world.forum, day, title="Plan <&> mål")
    late = recommend(item, title="Plan <&> mål", deadline_in=30)
    decide(late, world.town, "adopted")
    actions.mark_recommendation_reported(late, decision_item(world.forum, number="9"), None)
    html = client.get(board_url(world, f"?ar={late.decided_on.year}")).content.decode()
    link = reverse("followthrough_public:recommendation", args=[world.area.slug, late.pk])
    head = re.search(rf'<th scope="row"><a href="{re.escape(link)}">(.*?)</th>', html, re.S)
    assert head, html
    assert "Plan &lt;&amp;&gt; mål</a>" in head[1]
    deadline = late.deadline.isoformat()
    assert f'<span class="meta">LF {late.decided_on.isoformat()} · svar senast {deadline}' in head[1]
    assert '<span class="badge warn">passerat</span> <span class="badge ok">återrapporterad</span></span>' in head[1]
    assert re.search(r'<span class="summary">[^<]*1 [^<]*</span>$', head[1]), head[1]


def test_the_recommendation_page_lists_each_principal(client, world, board):
    url = reverse("followthrough_public:recommendation", args=[world.area.slug, board["public"].pk])
    html = client.get(url).content.decode()
    assert "2 av 3 har beslutat: 1 bifall, 1 avslag" in html
    assert "Region Test" in html and "Inte beslutat" in html and "KF § 12" in html


@shared_fixture
def matter(world):
    """A matter raised, prepared in the group, treated by the forum, recommended, decided, reported, closed."""
    today = timezone.localdate()
    matter = actions.create_matter(
        world.area, None, year=today.year, title="Handlingsplan", body=world.forum, raised_by="Region Test"
    )
    matter.raised_on = today - timedelta(days=90)
    matter.save()
    prepared = decision_item(world.group, today - timedelta(days=60), title="Beredning av planen")
    treated = decision_item(world.forum, today - timedelta(days=45), title="Beslut om planen")
    secret = decision_item(
        world.forum, today - timedelta(days=44), number="2", title="Hemlig del", visibility="internal"
    )
    for item in (prepared, treated, secret):
        actions.link_item_to_matter(item, matter, None)
    recommendation = recommend(treated)
    decide(recommendation, world.town, "adopted", reference="KF § 3", decided_on=today - timedelta(days=20))
    assignment = assign(treated, assignee_body=world.group, description="Följ upp planen")
    report = make_item(make_meeting(world.forum, today - timedelta(days=10), status="held"), "1", "Återrapport")
    actions.report_back_assignment(assignment, report, None)
    actions.mark_recommendation_reported(recommendation, report, None)
    matter.closed_on = today - timedelta(days=5)
    matter.save()
    return matter


def test_a_matters_page_shows_its_timeline(client, world, matter):
    page = client.get(matter.get_absolute_url()).content.decode()
    assert f"LF {matter.year}/1" in page
    html = page[page.index("Ärendets gång") :]
    order = [
        "Väckt",
        "Berett i Chefsgruppen",
        "Behandlat i Ledningsforum",
        "Rekommendation till huvudmännen",
        "Uppdrag till Chefsgruppen",
        "Stadby kommun: Bifall",
        "Uppdraget återrapporterat i Ledningsforum",
        "Avslutat",
    ]
    positions = [html.index(label) for label in order]
    assert positions == sorted(positions), list(zip(order, positions, strict=True))
    assert "Hemlig del" not in html
    member_html = world.client_for(client, "member").get(matter.get_absolute_url()).content.decode()
    assert "Hemlig del" in member_html


def test_an_agenda_item_links_to_its_matter(client, world, matter):
    item = matter.items.get(title="Beslut om planen")
    # The agenda as sent (held, minutes not yet published) links each item to its matter.
    Meeting.objects.filter(pk=item.meeting_id).update(status="held", invited_at=timezone.now())
    html = client.get(item.meeting.get_absolute_url()).content.decode()
    assert matter.get_absolute_url() in html and f"Ärende LF {matter.year}/1" in html


def test_the_public_matters_list_is_newest_case_number_first_without_sorting_on_the_area(client, world):
    """An area's matters, newest year and serial first, read in the (area, year, serial) index's order: never
    sorted by the area's name as the model's own order would (every matter of the area sorted for a page)."""
    for year, title in ((2024, "Äldre ärende"), (2025, "Första nya"), (2025, "Andra nya")):
        actions.create_matter(world.area, None, year=year, title=title, body=world.forum)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("followthrough_public:matters", args=["testlan"])).content.decode()
    assert html.index("Andra nya") < html.index("Första nya") < html.index("Äldre ärende")
    listed = [q["sql"] for q in captured.captured_queries if 'FROM "followthrough_matter"' in q["sql"]]
    assert listed and not any('structure_area"."name"' in sql.split("ORDER BY")[-1] for sql in listed), listed


def test_internal_matters_are_hidden(client, world, matter):
    matter.visibility = "internal"
    matter.save()
    assert client.get(matter.get_absolute_url()).status_code == 404
    assert matter.title not in client.get(reverse("followthrough_public:matters", args=["testlan"])).content.decode()
    assert world.client_for(client, "coordinator").get(matter.get_absolute_url()).status_code == 200


def test_the_matter_timeline_keeps_its_queries_constant(client, world, matter, queries):
    def grow():
        for n in range(3, 9):
            item = decision_item(world.forum, number=str(n))
            actions.link_item_to_matter(item, matter, None)
            rec = recommend(item)
            decide(rec, world.village, "sent_back")
            assign(item, assignee_person=world.member_person)

    queries.assert_constant(client, matter.get_absolute_url(), grow, at_most=13)


@shared_fixture
def assignments(world):
    item = decision_item(world.forum, timezone.localdate() - timedelta(days=90))
    return {
        "late": assign(item, description="Försenat uppdrag", due_in=10),
        "coming": assign(item, description="Kommande uppdrag", due_in=200, assignee_principal=world.town),
        "to_person": assign(item, description="Personens uppdrag", assignee_person=world.insider, due_in=300),
        "to_secret": assign(item, description="Den slutna gruppens uppdrag", assignee_body=world.secret, due_in=300),
        "hidden": assign(
            decision_item(world.forum, number="2", title="Intern", visibility="internal"), description="Dolt uppdrag"
        ),
    }


def test_public_assignments_hide_what_visitors_may_not_see(client, world, assignments):
    html = client.get(reverse("followthrough_public:assignments", args=["testlan"])).content.decode()
    assert "Försenat uppdrag" in html and "Försenat" in html and "Kommande uppdrag" in html
    assert "Dolt uppdrag" not in html
    # The internal body and the person seated only in it are not named.
    assert "Den slutna gruppens uppdrag" in html and "Internt organ" in html and "Hemliga gruppen" not in html
    assert "Personens uppdrag" in html and "Hedda Hemlig" not in html and "En person" in html
    coordinator = world.client_for(client, "coordinator").get(
        reverse("followthrough_public:assignments", args=["testlan"])
    )
    assert "Hedda Hemlig" in coordinator.content.decode() and "Dolt uppdrag" in coordinator.content.decode()


def test_public_assignments_come_a_page_at_a_time_soonest_due_first(client, world):
    item = decision_item(world.forum)
    for n in range(ASSIGNMENT_PAGE + 3):
        assign(item, description=f"Uppdrag nummer {n:02d}.", due_in=n + 1)
    url = reverse("followthrough_public:assignments", args=["testlan"])
    first = client.get(url).content.decode()
    assert re.findall(r"Uppdrag nummer (\d+)\.", first) == [f"{n:02d}" for n in range(ASSIGNMENT_PAGE)]
    assert 'rel="next"' in first
    second = client.get(url + "?sida=2").content.decode()
    assert re.findall(r"Uppdrag nummer (\d+)\.", second) == [
        f"{n:02d}" for n in range(ASSIGNMENT_PAGE, ASSIGNMENT_PAGE + 3)
    ]


def test_public_assignments_filter_by_body_and_status(client, world, assignments):
    url = reverse("followthrough_public:assignments", args=["testlan"])
    overdue = client.get(url + "?status=overdue").content.decode()
    assert "Försenat uppdrag" in overdue and "Kommande uppdrag" not in overdue
    chefs = client.get(url + "?organ=chefsgruppen").content.decode()
    assert "Försenat uppdrag" not in chefs
    for query in ("?status=nonsense", "?organ=%00", "?ar=-1", "?organ=hemliga-gruppen"):
        assert client.get(url + query).status_code == 200


@pytest.mark.parametrize("page", ["assignments", "matters", "principal"])
def test_public_follow_through_lists_keep_their_queries_constant(client, world, board, queries, page):
    urls = {
        "assignments": reverse("followthrough_public:assignments", args=["testlan"]),
        "matters": reverse("followthrough_public:matters", args=["testlan"]),
        "principal": reverse("followthrough_public:principal", args=["testlan", world.town.slug]),
    }

    def grow(numbers=range(5, 12)):
        for n in numbers:
            item = decision_item(world.forum, number=str(n))
            assign(item, assignee_person=world.member_person, due_in=-n)
            assign(item, assignee_body=world.secret)
            decide(recommend(item), world.town, "will_not_decide", deciding_body="")
            actions.create_matter(world.area, None, year=2026, title=f"Ärende {n}", body=world.forum)

    grow([4])  # every list starts non-empty (an empty page fetches nothing), then grows past a page's length
    at_most = {"assignments": 7, "matters": 3, "principal": 4}  # + the pages' counts
    queries.assert_constant(client, urls[page], grow, at_most=at_most[page])


def test_the_area_page_links_to_the_board_matters_and_assignments(client, world):
    html = client.get(reverse("portal:area", args=["testlan"])).content.decode()
    for name in ("board", "matters", "assignments"):
        assert reverse(f"followthrough_public:{name}", args=["testlan"]) in html


def test_a_report_back_at_an_internal_item_shows_no_title(client, world, board):
    """The outcome was reported back at an internal item: visitors learn that, not the item's title."""
    hidden = decision_item(world.forum, number="8", title="Intern återrapport", visibility="internal")
    actions.mark_recommendation_reported(board["public"], hidden, None)
    item = decision_item(world.forum, number="9", title="Uppdragets punkt")
    assignment = assign(item, description="Återrapporterat internt")
    actions.report_back_assignment(assignment, decision_item(world.secret, title="I hemliga gruppen"), None)
    pages = [
        reverse("followthrough_public:recommendation", args=["testlan", board["public"].pk]),
        reverse("followthrough_public:assignments", args=["testlan"]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Intern återrapport" not in html and "I hemliga gruppen" not in html and "Hemliga gruppen" not in html
    assert "Ledningsforum, internt ärende" in client.get(pages[0]).content.decode()
    assert "Intern återrapport" in world.client_for(client, "coordinator").get(pages[0]).content.decode()


def test_a_coordinator_opens_a_principals_list_before_anything_was_asked(client, world):
    client.force_login(world.coordinator)
    assert client.get(reverse("followthrough:principal", args=[world.village.pk])).status_code == 200


def test_decisions_of_held_but_unpublished_minutes_stay_off_the_public_follow_through(client, world):
    """Issue 10: the board, the assignments and the recommendations show nothing decided at a meeting whose
    minutes are not published yet, even when its agenda went out; those who read the body's drafts see it."""
    item = decision_item(world.forum, title="Ej publicerat beslut", meeting_fields={"status": "held"})
    Meeting.objects.filter(pk=item.meeting_id).update(invited_at=timezone.now())  # the agenda is public
    recommendation = recommend(item, title="Opublicerad rekommendation")
    assign(item, description="Opublicerat uppdrag")
    area = world.area.slug
    pages = [
        reverse("followthrough_public:board", args=[area]),
        reverse("followthrough_public:assignments", args=[area]),
    ]
    detail = reverse("followthrough_public:recommendation", args=[area, recommendation.pk])
    for url in pages:
        html = client.get(url).content.decode()
        assert "Opublicera" not in html, url
    assert client.get(detail).status_code == 404
    client.force_login(world.coordinator)
    assert "Opublicerad rekommendation" in client.get(detail).content.decode()
    client.logout()
    Meeting.objects.filter(pk=item.meeting_id).update(status="published")
    assert "Opublicerad rekommendation" in client.get(pages[0]).content.decode()
    assert "Opublicerat uppdrag" in client.get(pages[1]).content.decode()
