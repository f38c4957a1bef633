"""Every change to the structure goes through here, so history and invariants live in one place.

The create/update functions take a validated staff form (structure/forms.py) and save it in one
transaction through `lib.forms.save_record`, so the history row names the user and the reason. Each
checks that the form's record belongs where the caller says (the area or body the page is about) and
raises ValueError if not: a programming error, never a user's. The rules that span rows (one chair per
period, no seat twice, no cycle of bodies reporting to each other) are checked again under a row lock on
the body (memberships) or the area (bodies), so two saves at once cannot both pass them; a breach raises
ValidationError and nothing is saved.
"""

from datetime import date
from typing import TYPE_CHECKING

from django.db import models, transaction

from samverkan.lib.forms import check_bound, save_record
from samverkan.lib.history import attribute
from samverkan.lib.locks import locked
from samverkan.structure.models import Area, Body, Membership, Person, Principal

if TYPE_CHECKING:  # only for mypy: ModelForm takes no type arguments at run time
    from django.forms import ModelForm

    from samverkan.lib.history import Changer


def _lock_and_validate(model: type[Area] | type[Body], pk: int, record: models.Model) -> None:
    """Take the row lock on `model` row `pk`, then validate `record` again (the form did it before the lock)."""
    locked(model.objects.all()).filter(pk=pk).first()
    record.full_clean()


def _belongs(record: models.Model, **owners: models.Model) -> None:
    """ValueError unless `record.<name>_id` is the primary key of each `name=owner` given."""
    for name, owner in owners.items():
        if getattr(record, f"{name}_id") != owner.pk:
            raise ValueError(f"{type(record).__name__} does not belong to this {name}")


@transaction.atomic
def create_body(area: Area, form: "ModelForm[Body]", user: "Changer") -> Body:
    """A new body in `area` from a valid BodyForm. Returns the body; one insert and its history row."""
    _belongs(form.instance, area=area)
    _lock_and_validate(Area, area.pk, form.instance)
    return save_record(form, user)


@transaction.atomic
def update_body(body: Body, form: "ModelForm[Body]", user: "Changer", reason: str = "") -> Body:
    """Save a valid BodyForm bound to `body`; the history row carries `reason`. Returns the body."""
    check_bound(form, body)
    _belongs(form.instance, area=body.area)
    _lock_and_validate(Area, body.area_id, form.instance)
    return save_record(form, user, reason)


@transaction.atomic
def create_principal(area: Area, form: "ModelForm[Principal]", user: "Changer") -> Principal:
    """A new principal in `area` from a valid PrincipalForm. Returns the principal."""
    _belongs(form.instance, area=area)
    return save_record(form, user)


@transaction.atomic
def update_principal(
    principal: Principal, form: "ModelForm[Principal]", user: "Changer", reason: str = ""
) -> Principal:
    """Save a valid PrincipalForm bound to `principal`; the history row carries `reason`."""
    check_bound(form, principal)
    _belongs(form.instance, area=principal.area)
    return save_record(form, user, reason)


@transaction.atomic
def create_person(area: Area, form: "ModelForm[Person]", user: "Changer") -> Person:
    """A new person from a valid PersonForm offered in `area` (the employer, if any, is of that area)."""
    employer = form.instance.employer
    if employer is not None:
        _belongs(employer, area=area)
    return save_record(form, user)


@transaction.atomic
def update_person(person: Person, form: "ModelForm[Person]", user: "Changer", reason: str = "") -> Person:
    """Save a valid PersonForm bound to `person`; the history row carries `reason`."""
    check_bound(form, person)
    return save_record(form, user, reason)


@transaction.atomic
def create_membership(body: Body, form: "ModelForm[Membership]", user: "Changer") -> Membership:
    """A new seat in `body` from a valid MembershipForm. Returns the membership."""
    _belongs(form.instance, body=body)
    _lock_and_validate(Body, body.pk, form.instance)
    return save_record(form, user)


@transaction.atomic
def update_membership(
    membership: Membership, form: "ModelForm[Membership]", user: "Changer", reason: str = ""
) -> Membership:
    """Save a valid MembershipForm bound to `membership` (it stays in its body); the history row carries `reason`."""
    check_bound(form, membership)
    _belongs(form.instance, body=membership.body)
    _lock_and_validate(Body, membership.body_id, form.instance)
    return save_record(form, user, reason)


@transaction.atomic
def end_membership(membership: Membership, end: date, user: "Changer", reason: str = "") -> Membership:
    """End a seat on `end` (validated: not before its start). Raises ValidationError; nothing saved then."""
    membership.end = end
    _lock_and_validate(Body, membership.body_id, membership)
    attribute(membership, user, reason).save()
    return membership
