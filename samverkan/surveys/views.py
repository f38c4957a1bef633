"""Staff pages of surveys under /hantera/enkater/: an area's surveys, a survey's page (questions, audience, how
many have answered), the forms to build and send it, the one-button steps (remind, close, remove a question), and
its results. Only the survey's keepers reach any of them (`access.get_survey_for_user`: 404 for anyone else)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverkan.lib.forms import create_page, edit_page, form_page, nothing_changed
from samverkan.lib.history import history_rows
from samverkan.lib.methods import FORM
from samverkan.lib.paging import page_of
from samverkan.structure.access import get_area_for_user
from samverkan.surveys import actions
from samverkan.surveys.access import can_add_survey, get_question_for_user, get_survey_for_user, kept_surveys
from samverkan.surveys.forms import QuestionForm, SendForm, SurveyForm
from samverkan.surveys.public import texts_page
from samverkan.surveys.results import survey_results

SHOWN = 50  # surveys a page
UNSENT_SHOWN = 20  # recipients whose mail failed, named on the survey page


def url(name, *args):
    return reverse(f"surveys:{name}", args=args)


@require_safe
@login_required
def area(request, area):
    """The area's surveys the user keeps, newest first, paged. 403 for a user who keeps none of its bodies. Four
    queries beyond the session (area, may add, count, page)."""
    area = get_area_for_user(request.user, area)
    if not can_add_survey(request.user, area):
        raise PermissionDenied
    surveys = kept_surveys(request.user).filter(area=area).select_related("owner").order_by("-pk")
    return render(request, "surveys/area.html", {"area": area, "page": page_of(request, surveys, SHOWN)})


@require_http_methods(FORM)
@login_required
def create(request, area):
    area = get_area_for_user(request.user, area)
    if not can_add_survey(request.user, area):
        raise PermissionDenied
    return create_page(
        request,
        SurveyForm,
        area,
        _("Ny enkät"),
        url("area", area.slug),
        _("Enkäten är skapad. Lägg till frågorna."),
        lambda s: url("survey", s.pk),
        actions.create_survey,
    )


@require_safe
@login_required
def survey(request, pk):
    """A survey as its keepers work on it: the questions, the audience, how many answered (never who), the mails a
    server refused (by name, so they can be sent again), the steps open now, and the history."""
    survey = get_survey_for_user(request.user, pk)
    counts = survey.recipients.aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(answered=True)), failed=Count("pk", filter=~Q(error=""))
    )
    failed = survey.recipients.exclude(error="").select_related("person", "user").order_by("address")
    return render(
        request,
        "surveys/survey.html",
        {
            "survey": survey,
            "questions": survey.questions.all(),
            "counts": counts,
            "failed": failed[:UNSENT_SHOWN],
            "bodies": survey.bodies.order_by("name"),
            "principals": survey.principals.order_by("name"),
            "history": history_rows(survey),
        },
    )


@require_http_methods(FORM)
@login_required
def edit(request, pk):
    survey = get_survey_for_user(request.user, pk)
    return edit_page(
        request, SurveyForm, survey, _("Ändra enkäten"), lambda s: url("survey", s.pk), actions.update_survey
    )


def _question_page(request, survey, question=None):
    if not survey.is_draft:
        messages.error(request, _("Enkäten är redan skickad; frågorna kan inte ändras."))
        return redirect(url("survey", survey.pk))
    initial = {}
    if question is None:
        initial["position"] = survey.questions.count() + 1
    form = QuestionForm(request.POST or None, instance=question, initial=initial, user=request.user)
    return form_page(
        request,
        form,
        _("Ny fråga") if question is None else _("Ändra frågan"),
        url("survey", survey.pk),
        _("Frågan är sparad."),
        lambda q: url("survey", survey.pk),
        save=lambda f, reason: actions.save_question(survey, f, request.user, reason),
        history=history_rows(question) if question else None,
    )


@require_http_methods(FORM)
@login_required
def question_create(request, pk):
    return _question_page(request, get_survey_for_user(request.user, pk))


@require_http_methods(FORM)
@login_required
def question_edit(request, pk, question):
    survey = get_survey_for_user(request.user, pk)
    return _question_page(request, survey, get_question_for_user(request.user, survey, question))


def _step(request, survey, do, done):
    """Run a one-button step; its refusal becomes the page's error message, nothing changed."""
    try:
        result = do()
    except ValidationError as error:
        messages.error(request, nothing_changed(error.messages))
    else:
        messages.success(request, done(result))
    return redirect(url("survey", survey.pk))


@require_POST
@login_required
def question_delete(request, pk, question):
    survey = get_survey_for_user(request.user, pk)
    question = get_question_for_user(request.user, survey, question)
    return _step(
        request,
        survey,
        lambda: actions.delete_question(survey, question, request.user),
        lambda _r: _("Frågan är borttagen."),
    )


@require_http_methods(FORM)
@login_required
def send(request, pk):
    """Choose the audience and send: each recipient gets a personal anonymous link by e-mail (the worker)."""
    survey = get_survey_for_user(request.user, pk)
    if not survey.is_draft:
        messages.error(request, _("Enkäten är redan skickad."))
        return redirect(url("survey", survey.pk))
    form = SendForm(request.POST if request.method == "POST" else None, instance=survey, user=request.user)
    return form_page(
        request,
        form,
        _("Skicka enkäten"),
        url("survey", survey.pk),
        _("Enkäten är skickad. Var och en får sin egen länk med e-post."),
        lambda s: url("survey", s.pk),
        save=lambda f, reason: actions.send_survey(
            survey, request.user, f.cleaned_data["bodies"], f.cleaned_data["principals"]
        ),
    )


@require_POST
@login_required
def remind(request, pk):
    survey = get_survey_for_user(request.user, pk)
    return _step(
        request,
        survey,
        lambda: actions.remind(survey, request.user),
        lambda n: _("Påminnelse skickas till %(count)s som inte har svarat.") % {"count": n},
    )


@require_POST
@login_required
def close(request, pk):
    survey = get_survey_for_user(request.user, pk)
    return _step(
        request, survey, lambda: actions.close_survey(survey, request.user), lambda _r: _("Enkäten är stängd.")
    )


@require_safe
@login_required
def results(request, pk):
    """Every question's results (counts and shares, hidden below the survey's minimum). Four queries beyond the
    session and gate: counts, the questions, the answers counted by question and value."""
    survey = get_survey_for_user(request.user, pk)
    answered = survey.recipients.filter(answered=True).count()
    return render(
        request,
        "surveys/results.html",
        {"survey": survey, "results": survey_results(survey), "answered": answered, "public": False},
    )


@require_safe
@login_required
def texts(request, pk, question):
    """A free-text question's answers, sorted by their text, paged; none below the survey's minimum."""
    survey = get_survey_for_user(request.user, pk)
    return texts_page(request, survey, get_question_for_user(request.user, survey, question), public=False)
