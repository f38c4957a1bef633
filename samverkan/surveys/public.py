"""The public side of surveys: the answer page behind a recipient's personal link (`/enkat/svar/<token>/`, no
login), and the results of surveys marked public once closed (`/omrade/<area>/enkater/`). Work without
JavaScript."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from samverkan.lib.forms import form_status
from samverkan.lib.methods import FORM
from samverkan.lib.paging import page_of
from samverkan.structure.models import Area
from samverkan.surveys import actions
from samverkan.surveys.access import get_public_survey, public_surveys
from samverkan.surveys.forms import AnswerForm
from samverkan.surveys.links import recipient_by_link
from samverkan.surveys.models import Question
from samverkan.surveys.results import survey_results, text_answers

PUBLIC_PAGE = 25  # surveys a page of the public list
TEXTS_PAGE = 50  # free-text answers a page


@never_cache  # a personal page behind a link: never kept by a cache
@require_http_methods(FORM)
def answer(request, token):
    """GET: the survey's questions; POST: record the answers once and thank. Every link that does not work now
    (tampered, used, replaced by a reminder, survey closed) answers the site's 404 page, with no hint why."""
    recipient = recipient_by_link(token)
    if recipient is None:
        raise Http404
    survey = recipient.survey
    form = AnswerForm(request.POST or None, questions=survey.questions.all())
    if request.method == "POST" and form.is_valid():
        if not actions.record_response(recipient, form.answers()):
            raise Http404  # answered, replaced or closed meanwhile
        return render(request, "surveys/answered.html", {"survey": survey})
    return render(request, "surveys/answer.html", {"survey": survey, "form": form}, status=form_status(request, form))


def _crumbs(area, *rest):
    return [(area.get_absolute_url(), area.name), *rest]


@require_safe
def register(request, area):
    """The area's surveys with public results, newest first, paged. Three queries (area, count, page)."""
    area = get_object_or_404(Area, slug=area)
    surveys = public_surveys().filter(area=area).select_related("owner").order_by("-closed_on", "-pk")
    return render(
        request,
        "surveys/public/register.html",
        {"area": area, "page": page_of(request, surveys, PUBLIC_PAGE), "crumbs": _crumbs(area, (None, _("Enkäter")))},
    )


@require_safe
def results(request, area, pk):
    """A public survey's results. Three queries (survey, questions, counted answers) and the answered count."""
    survey = get_public_survey(area, pk)
    answered = survey.recipients.filter(answered=True).count()
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "results": survey_results(survey),
            "answered": answered,
            "public": True,
            "crumbs": _crumbs(survey.area, (None, survey.title)),
        },
    )


@require_safe
def texts(request, area, pk, question):
    survey = get_public_survey(area, pk)
    return texts_page(request, survey, get_object_or_404(Question.objects.filter(survey=survey), pk=question))


def texts_page(request, survey, question, *, public=True):
    """A free-text question's answers, sorted by their text, `TEXTS_PAGE` a page; none below the survey's
    minimum. Http404 for a question that is not free text."""
    if question.kind != Question.Kind.TEXT:
        raise Http404
    shown = question.answers.count() >= survey.minimum_respondents
    page = page_of(request, text_answers(question), TEXTS_PAGE) if shown else None
    return render(
        request,
        "surveys/texts.html",
        {"survey": survey, "question": question, "page": page, "shown": shown, "public": public},
    )
