"""Every change to agreements, their versions and follow-ups goes through here.

Sending an agreement for adoption makes a follow-through Recommendation to its parties
(`followthrough.actions.create_recommendation`): the one mechanism for asking principals to decide."""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from samverkan.agreements import tasks
from samverkan.agreements.models import Agreement, AgreementVersion, FollowUp, add_months
from samverkan.followthrough import actions as followthrough
from samverkan.lib.forms import check_bound, save_record
from samverkan.lib.history import save_with_history
from samverkan.lib.locks import locked
from samverkan.meetings.extract import original_name
from samverkan.meetings.models import AgendaItem
from samverkan.structure.models import Body

if TYPE_CHECKING:  # only for mypy: ModelForm takes no type arguments at run time
    from django.forms import ModelForm

    from samverkan.lib.history import Changer


@transaction.atomic
def create_agreement(form: "ModelForm[Agreement]", user: "Changer") -> Agreement:
    """Save a valid new AgreementForm (its area set on the instance), with its parties."""
    return save_record(form, user)


@transaction.atomic
def update_agreement(
    agreement: Agreement, form: "ModelForm[Agreement]", user: "Changer", reason: str = ""
) -> Agreement:
    """Save a valid AgreementForm bound to `agreement`. Raises ValidationError when the parties would change
    after it was sent for adoption: each party's decision is asked for in the adoption recommendation, so a party
    added later would never be asked."""
    check_bound(form, agreement)
    if agreement.adoption_id and "parties" in form.changed_data:
        raise ValidationError(_("Parterna kan inte ändras efter att överenskommelsen skickats för antagande."))
    return save_record(form, user, reason)


@transaction.atomic
def send_for_adoption(agreement: Agreement, item: AgendaItem, user: "Changer", **fields: Any) -> Agreement:
    """ "Skicka för antagande": a recommendation decided at `item` to every party (one pending PrincipalDecision
    each), linked as the agreement's adoption. `fields` are the Recommendation's title, text, decided_on and
    deadline, and `dispatch=True` to send each reachable party the recommendation with its personal link after
    commit (followthrough/dispatch.py; the party's adoption recorded through the link shows here). Raises
    ValidationError (nothing saved) when it was sent already, has no parties, or the item is of another area."""
    agreement = locked(Agreement.objects.all()).get(pk=agreement.pk)
    if agreement.adoption_id:
        raise ValidationError(_("Överenskommelsen är redan skickad för antagande."))
    parties = list(agreement.parties.all())
    if not parties:
        raise ValidationError(_("Ange överenskommelsens parter innan den skickas för antagande."))
    if item.meeting.body.area_id != agreement.area_id:
        raise ValidationError(_("Ärendet måste höra till samma samverkansområde."))
    recommendation = followthrough.create_recommendation(item, user, principals=parties, **fields)
    agreement.adoption = recommendation
    return save_with_history(agreement, user, _("Skickad för antagande"))


def _stored_name(upload: UploadedFile) -> str:
    return original_name(upload.name)[:255]


@transaction.atomic
def add_version(
    agreement: Agreement, user: "Changer", *, file: UploadedFile, dated: date, note: str = ""
) -> AgreementVersion:
    """A new version with the next number; the file was checked by the form (`forms.checked_document`). Its text
    is read for search by the worker once the transaction commits (`tasks.extract_version_text`)."""
    locked(Agreement.objects.all()).filter(pk=agreement.pk).first()  # two versions at once cannot share a number
    last = agreement.versions.aggregate(last=Max("number"))["last"] or 0
    version = AgreementVersion(
        agreement=agreement, number=last + 1, dated=dated, note=note, original_name=_stored_name(file)
    )
    version.file.save(f"v{last + 1}.{version.original_name.rsplit('.', 1)[-1].lower()}", file, save=False)
    saved = save_with_history(version, user)
    tasks.queue_version_text(saved)  # its text, for search, is read by the worker after commit
    return saved


def next_follow_up_after(agreement: Agreement, held_on: date) -> date | None:
    """The next follow-up date once a follow-up was held on `held_on`: the current next date moved on by the
    interval until it lies after `held_on` (so the rhythm stays, and a late follow-up does not leave a past date);
    `held_on` plus the interval when none was set; unchanged without an interval."""
    months = agreement.follow_up_months
    if not months:
        return agreement.next_follow_up
    upcoming = agreement.next_follow_up or held_on
    while upcoming <= held_on:
        upcoming = add_months(upcoming, months)
    return upcoming


@transaction.atomic
def record_follow_up(
    agreement: Agreement,
    user: "Changer",
    *,
    held_on: date,
    finding: str,
    body: Body | None = None,
    document: UploadedFile | None = None,
) -> FollowUp:
    """Record a follow-up of `agreement` (a document already checked by `forms.checked_document`) and move its
    next follow-up date on (`next_follow_up_after`); both history rows name the user. Raises ValidationError
    (nothing saved) for a date in the future or a body of another area."""
    agreement = locked(Agreement.objects.all()).get(pk=agreement.pk)
    follow_up = FollowUp(agreement=agreement, held_on=held_on, finding=finding, body=body)
    if document:
        follow_up.original_name = _stored_name(document)
        follow_up.document = document
    save_with_history(follow_up, user)
    moved = next_follow_up_after(agreement, held_on)
    if moved != agreement.next_follow_up:
        agreement.next_follow_up = moved
        save_with_history(agreement, user, _("Uppföljd %(day)s") % {"day": held_on.isoformat()}, clean=False)
    return follow_up
