"""Staff pages for follow-through: a decision's assignments and recommendations, matters, principal decisions."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Min, Q, Value
from django.db.models.functions import Least
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverkan.followthrough import actions
from samverkan.followthrough.access import (
    can_follow_up,
    can_record_decision,
    can_record_for,
    get_assignment_for_user,
    get_decision_to_follow_up,
    get_followed_item_for_user,
    get_kept_area_for_user,
    get_matter_for_user,
    get_principal_decision_for_user,
    get_recommendation_for_user,
    in_area,
    recordable_decisions,
    visible_assignments,
    visible_matters,
    visible_recommendations,
)
from samverkan.followthrough.board import Summary
from samverkan.followthrough.dispatch import may_send_again, unreachable
from samverkan.followthrough.exports import assignment_export, export_query
from samverkan.followthrough.filters import AssignmentFilter
from samverkan.followthrough.forms import (
    AssignmentForm,
    AssignmentStatusForm,
    MatterForm,
    NewMatterForm,
    PrincipalDecisionForm,
    RecommendationEditForm,
    RecommendationForm,
    RecommendationReportForm,
    ReportBackForm,
)
from samverkan.followthrough.models import Assignment, Dispatch, Matter, PrincipalDecision, Recommendation, first_day_of
from samverkan.followthrough.present import (
    ASSIGNMENT_LIST_RELATED,
    ASSIGNMENT_RELATED,
    present_assignments,
    shown_report_back,
    with_assignment_rows,
)
from samverkan.lib.addresses import Address
from samverkan.lib.forms import form_page, form_status, nothing_changed
from samverkan.lib.history import history_rows
from samverkan.lib.methods import FORM
from samverkan.lib.paging import page_of_rows
from samverkan.lib.text import is_digits, search_term
from samverkan.meetings.models import AgendaItem, Meeting
from samverkan.structure.access import editable_bodies, get_principal_for_user, principals_of, visible_bodies
from samverkan.structure.models import Principal
from samverkan.structure.roles import scope_of

DEFAULT_ANSWER_DAYS = 90
STAFF_PAGE = 50  # rows a page in the staff lists of assignments and matters
OVERVIEW_PAGE = 25  # rows of each list on the overview page


def url(name, *args):
    return reverse(f"followthrough:{name}", args=args)


def _with_counts(recommendations):
    pending = Q(decisions__outcome=PrincipalDecision.Outcome.PENDING)
    return recommendations.annotate(
        addressed=Count("decisions", distinct=True), pending=Count("decisions", filter=pending, distinct=True)
    )


def _recommendation_links(recommendations, user, area):
    """{recommendation id: address} for the overview's page of `recommendations` (of `area`): the staff page
    (`followthrough:recommendation`) where `user` may open it, as its body's follower (`can_follow_up`: the area's
    coordinators, the body's secretary) or as the recorder of a principal's decision on it (`can_record_for`: a
    contact); else the public page when the recommendation is public; else none (the title is shown unlinked).
    The overview lists every recommendation the user may see, and a secretary of another body got "Ingen
    behörighet" from the staff page. One query for a contact's decisions on the page, none otherwise."""
    scope = scope_of(user)
    manages = scope.is_admin or area.pk in scope.coordinator_areas
    recorded = set()
    if not manages and scope.contact_principals:
        recorded = set(
            PrincipalDecision.objects.filter(
                recommendation_id__in=[r.pk for r in recommendations], principal_id__in=scope.contact_principals
            ).values_list("recommendation_id", flat=True)
        )
    staff, public = Address("followthrough:recommendation"), Address("followthrough_public:recommendation")
    links = {}
    for r in recommendations:
        if manages or r.item.meeting.body_id in scope.secretary_bodies or r.pk in recorded:
            links[r.pk] = staff(r.pk)
        elif r.public:
            links[r.pk] = public(area.slug, r.pk)
    return links


def _overview_rows(decisions, recommendations, links):
    """Give each row of the overview's decisions (`first_day`, counts and matter annotated) and recommendations
    (`_with_counts`; linked by `links`, see `_recommendation_links`) its table row as `row`, built here rather
    than by the template's lookups and filters per row; the words are translated once."""
    reported = format_html(' · <span class="badge ok">{}</span>', _("Återrapporterad"))
    item_address = Address("followthrough:item")
    for item in decisions:
        body = item.meeting.body
        day = item.first_day.isoformat() if item.first_day else ""
        case = (item.matter.case_number if item.matter_id else "") or "–"
        item.row = format_html(
            '<tr><td>{}</td><td>{}</td>\n    <td><a href="{}">{} {}</a></td>\n'
            "    <td>{}</td><td>{}</td><td>{}</td></tr>",
            day, body.abbreviation or body.name, item_address(item.pk), item.number, item.title,
            case, item.assignment_count, item.recommendation_count,
        )  # fmt: skip
    for r in recommendations:
        body = r.item.meeting.body
        waiting = _("%(pending)s av %(addressed)s väntar") % {"pending": r.pending, "addressed": r.addressed}
        link = links.get(r.pk)
        title = format_html('<a href="{}">{}</a>', link, r.title) if link else r.title
        r.row = format_html(
            "<tr><td>{}</td><td>{}</td>\n    <td>{}</td>\n    <td>{}{}</td></tr>",
            title, body.abbreviation or body.name,
            r.deadline.isoformat() if r.deadline else "", waiting, reported if r.reported_item_id else "",
        )  # fmt: skip


@login_required
@require_safe
def overview(request, area):
    """The area's follow-through at a glance, each list paged (`OVERVIEW_PAGE` a page): decisions to follow up of
    one year (`?ar=`, default the latest with a meeting held; links to every year from the first held; paged by
    `?sida=`), recommendations (`?rek=`), late assignments (`?sena=`). Each list is sorted and counted on its keys
    alone and only the page's rows are fetched with their counts (`page_of_rows`), so the queries and the rows
    built are the same for a year of decisions or ten."""
    area = get_kept_area_for_user(request.user, area)
    bodies = editable_bodies(request.user).filter(area=area)
    today = timezone.localdate()
    # Every year from the first meeting held to the latest (a year between without one lists nothing): one
    # aggregate over the meetings' stored first and last days (`Meeting.first_day`/`last_day`, by the (body,
    # first_day) index), not over every meeting day of the area's history (17 ms on PostgreSQL, issue 11).
    held = Meeting.objects.filter(body__in=bodies, first_day__lte=today).aggregate(
        first=Min("first_day"), last=Max(Least("last_day", Value(today)))
    )
    years = list(range(held["last"].year, held["first"].year - 1, -1)) if held["first"] else []
    asked = request.GET.get("ar", "")
    year = int(asked) if is_digits(asked) and int(asked) in years else (years[0] if years else today.year)
    # The year's decisions are those of meetings whose first day falls in it (a first day is a day of the meeting).
    decisions = (
        AgendaItem.objects.filter(meeting__body__in=bodies)
        .filter(Q(kind=AgendaItem.Kind.DECISION) | ~Q(decision=""))
        .exclude(outcome__in=[AgendaItem.Outcome.STRUCK, AgendaItem.Outcome.DEFERRED])
        .annotate(first_day=first_day_of("meeting"))
        .filter(first_day__gte=date(year, 1, 1), first_day__lte=min(today, date(year, 12, 31)))
        .order_by("-first_day", "-pk")
    )
    decisions_page = page_of_rows(
        request,
        decisions,
        OVERVIEW_PAGE,
        lambda pks: (
            AgendaItem.objects.filter(pk__in=pks)
            .select_related("meeting__body", "matter__body")
            .annotate(
                first_day=first_day_of("meeting"),
                assignment_count=Count("assignments", distinct=True),
                recommendation_count=Count("recommendations", distinct=True),
            )
        ),
        keys_once=True,  # a year's decisions, sorted by their meeting's first day
    )
    recommendations = page_of_rows(
        request,
        in_area(visible_recommendations(request.user), request.user, area).order_by("-decided_on", "-pk"),
        OVERVIEW_PAGE,
        lambda pks: _with_counts(Recommendation.objects.filter(pk__in=pks)).select_related("item__meeting__body"),
        "rek",
    )
    overdue = page_of_rows(
        request,
        in_area(visible_assignments(request.user), request.user, area).overdue().order_by("due", "pk"),
        OVERVIEW_PAGE,
        lambda pks: Assignment.objects.filter(pk__in=pks).select_related(*ASSIGNMENT_LIST_RELATED),
        "sena",
        keys_once=True,  # the open assignments past their due date: few, read in one query
    )
    overdue.object_list = with_assignment_rows(present_assignments(overdue.object_list, request.user), staff=True)
    links = _recommendation_links(recommendations.object_list, request.user, area)
    _overview_rows(decisions_page, recommendations, links)
    return render(
        request,
        "followthrough/overview.html",
        {
            "area": area,
            "decisions": decisions_page,
            "year": year,
            "years": years,
            "recommendations": recommendations,
            "overdue": overdue,
        },
    )


@login_required
@require_safe
def item(request, pk):
    """One decision: its att-clauses, matter, and the assignments and recommendations made from it."""
    item = get_followed_item_for_user(request.user, pk)
    area = item.meeting.body.area
    assignments = item.assignments.select_related(*ASSIGNMENT_LIST_RELATED)
    return render(
        request,
        "followthrough/item.html",
        {
            "item": item,
            "body": item.meeting.body,
            "area": area,
            "clauses": item.decision_clauses,
            "assignments": with_assignment_rows(present_assignments(assignments, request.user), staff=True),
            "recommendations": _with_counts(item.recommendations.all()),
            "matters": visible_matters(request.user).filter(area=area).select_related("body")[:500],
        },
    )


@login_required
@require_POST
def item_matter(request, pk):
    """Link the item to a matter: an existing one, a new one named after the item, or none."""
    item = get_followed_item_for_user(request.user, pk)
    choice = request.POST.get("matter", "")
    area = item.meeting.body.area
    if choice == "new":
        try:
            matter = actions.create_matter_for_item(item, request.user)
        except ValidationError as error:
            messages.error(request, nothing_changed(error.messages))
            return redirect(url("item", item.pk))
    elif choice == "":
        matter = None
    else:
        matter = visible_matters(request.user).filter(area=area, pk=choice if is_digits(choice) else None).first()
        if matter is None:
            messages.error(request, _("Välj ett ärende i listan. Inget har ändrats."))
            return redirect(url("item", item.pk))
    actions.link_item_to_matter(item, matter, request.user)
    if matter:
        messages.success(request, _("Ärendet är kopplat till %(case)s.") % {"case": matter.case_number})
    else:
        messages.success(request, _("Kopplingen till ärendet är borttagen."))
    return redirect(url("item", item.pk))


def _clause(request, item):
    """The att-clause picked with ?sats=N, or all of them."""
    clauses = item.decision_clauses
    n = request.GET.get("sats", "")
    if is_digits(n) and 0 < int(n) <= len(clauses):
        return clauses[int(n) - 1]
    return "\n".join(clauses)


@login_required
@require_http_methods(FORM)
def assignment_create(request, pk):
    item = get_followed_item_for_user(request.user, pk)
    initial = {"description": _clause(request, item), "report_to": item.meeting.body, "matter": item.matter}
    form = AssignmentForm(request.POST or None, item=item, initial=initial, user=request.user)
    return form_page(
        request,
        form,
        _("Nytt uppdrag från %(number)s %(title)s") % {"number": item.number, "title": item.title},
        url("item", item.pk),
        pgettext("assignment", "Uppdraget är sparat."),
        lambda a: url("item", item.pk),
        save=lambda f, reason: actions.create_assignment(item, request.user, **f.assignment_fields()),
    )


def _kept_assignment(request, pk):
    related = Assignment.objects.select_related(*ASSIGNMENT_RELATED, "item__meeting__body")
    return get_assignment_for_user(request.user, pk, change=True, queryset=related)


@login_required
@require_http_methods(FORM)
def assignment_edit(request, pk):
    assignment = _kept_assignment(request, pk)
    form = AssignmentStatusForm(request.POST or None, instance=assignment, user=request.user)
    return form_page(
        request,
        form,
        _("Ändra uppdrag till %(who)s") % {"who": assignment.assignee},
        url("item", assignment.item_id),
        pgettext("assignment", "Uppdraget är sparat."),
        lambda a: url("item", assignment.item_id),
        save=lambda f, reason: actions.update_assignment(assignment, f, request.user, reason),
        history=history_rows(assignment),
    )


@login_required
@require_http_methods(FORM)
def assignment_report(request, pk):
    """Report an assignment back: link it to the item of the meeting where it was reported."""
    assignment = _kept_assignment(request, pk)
    bodies = {assignment.report_to, assignment.item.meeting.body}
    form = ReportBackForm(
        request.POST or None, bodies=bodies, initial={"status": Assignment.Status.REPORTED}, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.report_back_assignment(
            assignment, data["reported_item"], request.user, data["status"], search_term(data["reason"])
        )
        messages.success(request, _("Återrapporteringen är sparad."))
        return redirect(url("item", assignment.item_id))
    return render(
        request,
        "followthrough/form.html",
        {
            "form": form,
            "title": _("Återrapportera uppdrag"),
            "intro": assignment.description,
            "cancel_url": url("item", assignment.item_id),
        },
        status=form_status(request, form),
    )


@login_required
@require_http_methods(FORM)
def recommendation_create(request, pk):
    item = get_followed_item_for_user(request.user, pk)
    area = item.meeting.body.area
    day = actions.item_date(item) or timezone.localdate()
    initial = {
        "title": item.title,
        "text": _clause(request, item),
        "decided_on": day,
        "deadline": day + timedelta(days=DEFAULT_ANSWER_DAYS),
        "principals": list(Principal.objects.filter(area=area)),
        "matter": item.matter,
    }
    form = RecommendationForm(request.POST or None, item=item, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        recommendation = actions.create_recommendation(item, request.user, **data)
        _report_dispatch(request, recommendation, len(data["principals"]), data.get("dispatch"))
        return redirect(url("recommendation", recommendation.pk))
    return render(
        request,
        "followthrough/form.html",
        {
            "form": form,
            "title": _("Ny rekommendation till huvudmännen"),
            "intro": f"{item.number} {item.title}",
            "warnings": _unreachable_warning(unreachable(principals_of(area).order_by("name"))),
            "cancel_url": url("item", item.pk),
        },
        status=form_status(request, form),
    )


def _unreachable_warning(principals):
    """The warning before sending that names the principals a dispatch cannot reach (or nothing)."""
    if not principals:
        return []
    names = ", ".join(p.name for p in principals)
    return [
        _(
            "Utskick kan inte göras till %(names)s: registratur och kontaktperson med e-postadress saknas. "
            "Lägg till en registratur på huvudmannens sida, eller meddela dem på annat sätt."
        )
        % {"names": names}
    ]


def _report_dispatch(request, recommendation, addressed, dispatched):
    """The message after saving: how many principals are addressed, how many get the e-mail, and who not."""
    messages.success(
        request,
        ngettext(
            "Rekommendationen är sparad för %(n)s huvudman.",
            "Rekommendationen är sparad för %(n)s huvudmän.",
            addressed,
        )
        % {"n": addressed},
    )
    if dispatched:
        report_dispatch(request, recommendation)


def report_dispatch(request, recommendation):
    """The messages after a recommendation was sent with dispatch: how many principals get the e-mail, and a
    warning naming those it cannot reach. Two queries."""
    queued = Dispatch.objects.filter(decision__recommendation=recommendation).count()
    messages.success(
        request,
        ngettext(
            "Utskick till %(n)s huvudman läggs i kön och skickas strax.",
            "Utskick till %(n)s huvudmän läggs i kön och skickas strax.",
            queued,
        )
        % {"n": queued},
    )
    missed = [d.principal for d in recommendation.decisions.filter(dispatch__isnull=True).select_related("principal")]
    for warning in _unreachable_warning(missed):
        messages.warning(request, warning)


def _sees_contact_addresses(user, area_id):
    """Contacts' e-mail addresses are shown on staff pages only to the area's coordinators (and administrators)."""
    scope = scope_of(user)
    return scope.is_admin or area_id in scope.coordinator_areas


def _sent_to(decision, sees_addresses):
    """Where the decision's dispatch went, as the page may name it: every address for a coordinator; the
    registry address and a count of contacts for anyone else. None when nothing was dispatched."""
    dispatch = getattr(decision, "dispatch", None)
    if dispatch is None:
        return None
    addresses = dispatch.address_list
    if sees_addresses:
        return ", ".join(addresses)
    registry = decision.principal.registry_address
    shown = [a for a in addresses if registry and a.lower() == registry.lower()]
    others = len(addresses) - len(shown)
    if others:
        shown.append(ngettext("%(n)s kontaktperson", "%(n)s kontaktpersoner", others) % {"n": others})
    return ", ".join(shown)


@login_required
@require_safe
def recommendation(request, pk):
    """The recommending body's view: every principal's outcome, what to record, and the report-back."""
    recommendation = get_recommendation_for_user(request.user, pk)
    body = recommendation.item.meeting.body
    follows = can_follow_up(request.user, body)
    decisions = list(recommendation.decisions.select_related("principal__area", "dispatch"))
    sees_addresses = _sees_contact_addresses(request.user, body.area_id)
    rows = [
        (d, can_record_decision(request.user, d), _sent_to(d, sees_addresses), follows and _resendable(d))
        for d in decisions
    ]
    if not follows and not any(may for _d, may, _sent, _again in rows):
        raise PermissionDenied
    summary = Summary()
    for d in decisions:
        summary.add(d.outcome)
    return render(
        request,
        "followthrough/recommendation.html",
        {
            "recommendation": recommendation,
            "body": body,
            "area": body.area,
            "rows": rows,
            "summary": summary,
            "follows": follows,
            "report_form": RecommendationReportForm(body=body, user=request.user) if follows else None,
            "reported": shown_report_back(recommendation, request.user),
            "history": history_rows(recommendation),
        },
    )


def _resendable(decision):
    """Whether the decision's dispatch may be sent again ("Skicka igen"); no query when `dispatch` is selected."""
    dispatch = getattr(decision, "dispatch", None)
    if dispatch is None:
        return False
    dispatch.decision = decision
    return may_send_again(dispatch)


@login_required
@require_http_methods(FORM)
def dispatch_again(request, pk):
    """ "Skicka igen": a page that names the principal, the addresses the dispatch will go to now and how the last
    one fared, and a POST button that sends it again (actions.send_dispatch_again). For the recommending body's
    follow-through staff: 404 for anyone who may not see the decision, 403 for anyone else who sees it. A dispatch
    that is answered, on its way or missing is not offered (the page says so; a POST is refused with a message)."""
    decision = get_decision_to_follow_up(request.user, pk)
    back = url("recommendation", decision.recommendation_id)
    if request.method == "POST":
        try:
            actions.send_dispatch_again(decision, request.user)
        except ValidationError as error:
            messages.error(request, nothing_changed(error.messages))
        else:
            messages.success(
                request, _("Rekommendationen skickas igen till %(name)s.") % {"name": decision.principal.name}
            )
        return redirect(back)
    dispatch = getattr(decision, "dispatch", None)  # one query; None when nothing was dispatched
    offered = _resendable(decision)
    sees_addresses = _sees_contact_addresses(request.user, decision.recommendation.item.meeting.body.area_id)
    return render(
        request,
        "followthrough/dispatch_again.html",
        {
            "decision": decision,
            "dispatch": dispatch,
            "offered": offered,
            "sent_to": _sent_to(decision, sees_addresses) if dispatch else None,
            "back": back,
        },
    )


@login_required
@require_http_methods(FORM)
def recommendation_edit(request, pk):
    recommendation = get_recommendation_for_user(request.user, pk, change=True)
    form = RecommendationEditForm(request.POST or None, instance=recommendation, user=request.user)
    return form_page(
        request,
        form,
        _("Ändra rekommendationen"),
        url("recommendation", recommendation.pk),
        _("Rekommendationen är sparad."),
        lambda r: url("recommendation", r.pk),
        save=lambda f, reason: actions.update_recommendation(recommendation, f, request.user, reason),
        history=history_rows(recommendation),
    )


@login_required
@require_http_methods(FORM)
def recommendation_report(request, pk):
    recommendation = get_recommendation_for_user(request.user, pk, change=True)
    body = recommendation.item.meeting.body
    form = RecommendationReportForm(request.POST or None, body=body, user=request.user)
    if request.method == "POST" and form.is_valid():
        actions.mark_recommendation_reported(recommendation, form.cleaned_data["reported_item"], request.user)
        messages.success(request, _("Rekommendationens utfall är markerat som återrapporterat."))
        return redirect(url("recommendation", recommendation.pk))
    return render(
        request,
        "followthrough/form.html",
        {
            "form": form,
            "title": _("Återrapportera utfallet"),
            "intro": recommendation.title,
            "cancel_url": url("recommendation", recommendation.pk),
        },
        status=form_status(request, form),
    )


@login_required
@require_http_methods(FORM)
def decision_record(request, pk):
    """A principal's contact (or a coordinator) records the principal's decision on a recommendation."""
    decision = get_principal_decision_for_user(request.user, pk, change=True)
    form = PrincipalDecisionForm(request.POST or None, request.FILES or None, instance=decision, user=request.user)
    recommendation = decision.recommendation
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        actions.record_principal_decision(
            decision, request.user, reason=search_term(request.POST.get("change_reason")), **fields
        )
        messages.success(request, _("Beslutet för %(principal)s är sparat.") % {"principal": decision.principal})
        return redirect(url("principal", decision.principal_id))
    return render(
        request,
        "followthrough/form.html",
        {
            "form": form,
            "title": _("Beslut i %(principal)s") % {"principal": decision.principal.name},
            "intro": recommendation.title,
            "text": recommendation.text,
            "deadline": recommendation.deadline,
            "cancel_url": url("principal", decision.principal_id),
            "reason_field": True,
            "multipart": True,
            "history": history_rows(decision),
        },
        status=form_status(request, form),
    )


@login_required
@require_safe
def principal(request, pk):
    """What a principal has been asked to decide: the contact's (and coordinator's) list to work through."""
    principal = get_principal_for_user(request.user, pk)
    if not can_record_for(request.user, principal):
        raise PermissionDenied
    decisions = recordable_decisions(request.user).filter(principal=principal)
    decisions = decisions.select_related("recommendation__item__meeting__body").order_by(
        "recommendation__deadline", "pk"
    )
    return render(
        request,
        "followthrough/principal.html",
        {
            "principal": principal,
            "pending": [d for d in decisions if d.is_pending],
            "decided": [d for d in decisions if not d.is_pending],
            "today": timezone.localdate(),
        },
    )


def _assignment_page(request, assignments, title, area=None):
    """A staff list of assignments, filtered (`AssignmentFilter`) and `STAFF_PAGE` a page by due date."""
    bodies = visible_bodies(request.user).order_by("name")
    filters = AssignmentFilter(request.GET, bodies=bodies.filter(area=area) if area else bodies.none())
    page = page_of_rows(
        request,
        filters.apply(assignments).order_by("due", "pk"),
        STAFF_PAGE,
        lambda pks: Assignment.objects.filter(pk__in=pks).select_related(*ASSIGNMENT_LIST_RELATED),
        keys_once=True,  # every key in one query, ordered by the stored due date (`Assignment.due`)
    )
    page.object_list = with_assignment_rows(present_assignments(page.object_list, request.user), staff=True)
    return render(
        request,
        "followthrough/assignments.html",
        {
            "title": title,
            "area": area,
            "filters": filters,
            "assignments": page,
            "page": page,
            "staff": True,
            "export_query": export_query(filters),
        },
    )


@login_required
@require_safe
def assignments(request, area):
    area = get_kept_area_for_user(request.user, area)
    seen = in_area(visible_assignments(request.user), request.user, area)
    return _assignment_page(request, seen, _("Uppdrag i %(area)s") % {"area": area.name}, area)


@login_required
@require_safe
def assignments_export(request, area, fmt):
    """The staff assignment list of an area as CSV/XLSX (`exports.assignment_export`): what the user may read,
    with the list's filters; 404 for an area the user does not keep."""
    area = get_kept_area_for_user(request.user, area)
    seen = in_area(visible_assignments(request.user), request.user, area)
    return assignment_export(request, seen, visible_bodies(request.user).filter(area=area).order_by("name"), area, fmt)


@login_required
@require_safe
def my_assignments(request):
    """Assignments given to me, to the bodies I sit in or keep, and to the principals I am contact for."""
    scope = scope_of(request.user)
    mine = Q(assignee_person__user=request.user)
    mine |= Q(assignee_body_id__in=scope.member_bodies | scope.secretary_bodies)
    mine |= Q(assignee_principal_id__in=scope.contact_principals)
    return _assignment_page(request, visible_assignments(request.user).filter(mine), _("Mina uppdrag"))


@login_required
@require_safe
def matters(request, area):
    """The area's matters, newest case number first, `STAFF_PAGE` a page with their item counts."""
    area = get_kept_area_for_user(request.user, area)
    page = page_of_rows(
        request,
        visible_matters(request.user).filter(area=area).order_by("-year", "-serial"),
        STAFF_PAGE,
        lambda pks: (
            Matter.objects.filter(pk__in=pks)
            .select_related("area", "body")
            .annotate(item_count=Count("items", distinct=True))
        ),
    )
    return render(request, "followthrough/matters.html", {"area": area, "matters": page, "page": page})


@login_required
@require_http_methods(FORM)
def matter_create(request, area):
    area = get_kept_area_for_user(request.user, area)
    today = timezone.localdate()
    form = NewMatterForm(
        request.POST or None, area=area, initial={"year": today.year, "raised_on": today}, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        matter = actions.create_matter(area, request.user, **data)
        messages.success(request, _("Ärendet %(case)s är skapat.") % {"case": matter.case_number})
        return redirect(url("matters", area.slug))
    return render(
        request,
        "followthrough/form.html",
        {"form": form, "title": pgettext("matter", "Nytt ärende"), "cancel_url": url("matters", area.slug)},
        status=form_status(request, form),
    )


@login_required
@require_http_methods(FORM)
def matter_edit(request, pk):
    matter = get_matter_for_user(request.user, pk, change=True)
    form = MatterForm(request.POST or None, instance=matter, area=matter.area, user=request.user)
    return form_page(
        request,
        form,
        _("Ändra ärende %(case)s") % {"case": matter.case_number},
        url("matters", matter.area.slug),
        pgettext("matter", "Ärendet är sparat."),
        lambda m: url("matters", matter.area.slug),
        save=lambda f, reason: actions.update_matter(matter, f, request.user, reason),
        history=history_rows(matter),
    )
