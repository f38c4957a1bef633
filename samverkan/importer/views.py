"""Staff pages of the import: upload, preview and confirm one document, and a ZIP's page of per-file results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samverkan.importer import actions
from samverkan.importer.access import (
    get_batch_for_user,
    get_import_body_for_user,
    get_record_for_user,
    visible_imports,
)
from samverkan.importer.forms import BatchForm, ImportReview, UploadForm
from samverkan.importer.matching import Directory
from samverkan.importer.models import ImportBatch, ImportRecord
from samverkan.importer.plan import date_flags, prepare
from samverkan.importer.proposals import preview as followthrough_preview
from samverkan.importer.save import ImportRefused, find_earlier, save_import
from samverkan.importer.upload import UploadError
from samverkan.lib.methods import FORM
from samverkan.lib.paging import page_of
from samverkan.minutes import MinutesError

LIST_PAGE = 50  # imports a page on a body's import page


@login_required
@require_http_methods(FORM)
def body_imports(request, pk):
    """Upload minutes for a body; below, the body's imports, newest first, `LIST_PAGE` a page."""
    body = get_import_body_for_user(request.user, pk)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            result = actions.upload(body, request.user, form.cleaned_data["file"])
        except (UploadError, MinutesError) as error:
            form.add_error("file", str(error))
        else:
            if isinstance(result, ImportBatch):
                return redirect("importer:batch", result.pk)
            return redirect("importer:preview", result.pk)
    records = (
        visible_imports(request.user, body)
        .select_related("user", "batch")
        .annotate(meeting_day=Min("meeting__days__date"))
        .order_by("-created_at", "-pk")
    )
    page = page_of(request, records, LIST_PAGE)
    return render(
        request,
        "importer/body.html",
        {"body": body, "form": form, "records": page, "page": page},
        status=400 if posted else 200,
    )


def _review(request, record, data=None, files=None):
    """The preview's form for `record`, built from its parse for the user asking."""
    plan = prepare(record.parsed, Directory(record.body, request.user))
    return ImportReview(data, files=files, user=request.user, plan=plan, parsed=record.parsed, area=record.body.area)


def _preview(request, record, review=None, problem="", status=200):
    directory = Directory(record.body, request.user)
    review = review or _review(request, record)
    plan, form = review.plan, review.main
    dates = form.days() if form.is_bound and form.is_valid() else plan.dates
    earlier = find_earlier(record.body, record.sha256, dates)
    # The suggestions as parsed, so each row keeps the number of its checkbox whatever the form says.
    followthrough = followthrough_preview(
        record.parsed,
        prepare(record.parsed, directory),
        directory,
        dates,
        earlier.meeting if earlier and not earlier.locked else None,
    )
    ticked = {
        "assignments": {str(v) for v in form["assignments"].value() or []},
        "recommendations": {str(v) for v in form["recommendations"].value() or []},
    }
    people = list(zip(review.rows, review.people, strict=True))
    items = list(zip(plan.items, review.items, strict=True))
    context = {"record": record, "body": record.body, "plan": plan, "form": form, "earlier": earlier}
    context.update(problem=problem, followthrough=followthrough, review=review, people=people, items=items)
    # A posted form shows why its days look wrong even when it has other errors (the days are cleaned by then).
    flags = form.date_flags() if form.is_bound and form.errors is not None else []
    context.update(ticked=ticked, date_flags=flags)
    if not form.is_bound:
        context["date_flags"] = date_flags(plan.dates, plan.other_dates, timezone.localdate())
    return render(request, "importer/preview.html", context, status=status)


@login_required
@require_safe
def preview(request, pk):
    record = get_record_for_user(request.user, pk)
    if not record.is_pending:
        return render(request, "importer/result.html", {"record": record, "body": record.body})
    return _preview(request, record)


@login_required
@require_POST
def confirm(request, pk):
    record = get_record_for_user(request.user, pk, change=True, pending=True)
    review = _review(request, record, request.POST, request.FILES)
    if not review.is_valid():
        return _preview(request, record, review, status=400)
    try:
        meeting = save_import(record, request.user, review.choices(), update=request.POST.get("action") == "update")
    except ImportRefused as error:
        return _preview(request, record, review, problem=str(error), status=400)
    except (ValidationError, MinutesError) as error:
        why = " ".join(getattr(error, "messages", [str(error)]))
        problem = _("Protokollet kunde inte sparas: %(why)s Inget har sparats.") % {"why": why}
        return _preview(request, record, review, problem=problem, status=400)
    messages.success(request, _("Protokollet är importerat som utkast. Granska det innan det justeras."))
    record.refresh_from_db(fields=["followthrough_note"])
    if record.followthrough_note:
        messages.warning(request, record.followthrough_note)
    return redirect("meetings:meeting", meeting.pk)


@login_required
@require_POST
def discard(request, pk):
    record = get_record_for_user(request.user, pk, change=True)
    body, batch = record.body, record.batch
    actions.discard(record)
    messages.success(request, _("Uppladdningen är borttagen. Inget importerades från den."))
    if batch and ImportBatch.objects.filter(pk=batch.pk).exists():
        return redirect("importer:batch", batch.pk)
    return redirect("importer:body", body.pk)


def _batch_rows(batch):
    """Each file of a ZIP with what became of it, or what stands in its way."""
    rows = []
    for record in batch.records.select_related("meeting").annotate(meeting_day=Min("meeting__days__date")):
        earlier = None
        if record.is_pending:
            parsed = record.parsed or {}
            try:
                dates = actions.batch_choices(parsed, None, "public").dates
            except ImportRefused:
                dates = []
            earlier = find_earlier(batch.body, record.sha256, dates)
        rows.append({"record": record, "earlier": earlier})
    return rows


@login_required
@require_http_methods(FORM)
def batch(request, pk):
    batch = get_batch_for_user(request.user, pk)
    form = BatchForm(request.POST if request.method == "POST" else None, initial={"visibility": "public"})
    if request.method == "POST" and form.is_valid():
        done = actions.import_batch(
            batch, request.user, start=form.cleaned_data["start"], visibility=form.cleaned_data["visibility"]
        )
        messages.success(request, _("%(n)s protokoll importerades som utkast.") % {"n": done})
        return redirect("importer:batch", batch.pk)
    rows = _batch_rows(batch)
    counts = batch.records.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status__in=[ImportRecord.Status.IMPORTED, ImportRecord.Status.UPDATED])),
        pending=Count("pk", filter=Q(status=ImportRecord.Status.PENDING)),
        failed=Count("pk", filter=Q(status=ImportRecord.Status.FAILED)),
    )
    return render(
        request,
        "importer/batch.html",
        {"batch": batch, "body": batch.body, "rows": rows, "counts": counts, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def batch_discard(request, pk):
    batch = get_batch_for_user(request.user, pk)
    body = batch.body
    actions.discard_batch(batch)
    messages.success(request, _("Filerna som inte importerades är borttagna."))
    return redirect("importer:body", body.pk)
