"""Who may see and keep agreements. An agreement is as closed as the stricter of itself and its owner body: the
visibility rule of `structure.access.readable_rule` with the owner as the body."""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from samverkan.agreements.models import Agreement, AgreementQuerySet, AgreementVersion, FollowUp
from samverkan.lib.visibility import Visibility
from samverkan.structure.access import can_manage_area, editable_bodies, readable_rule, visible_bodies
from samverkan.structure.models import Area, Body
from samverkan.structure.roles import scope_of

if TYPE_CHECKING:
    from samverkan.structure.roles import Viewer


def public_agreements() -> AgreementQuerySet:
    """Agreements anyone may read: public, of a public owner body."""
    return Agreement.objects.filter(visibility=Visibility.PUBLIC, owner__visibility=Visibility.PUBLIC)


def visible_agreements(user: "Viewer") -> AgreementQuerySet:
    """Public agreements; internal ones (or those of an internal body) for those who read the owner body's
    internal records (`READERS`: administrators, the area's coordinators, the body's secretaries and members)."""
    if scope_of(user).is_admin:
        return Agreement.objects.all()
    return Agreement.objects.filter(readable_rule(user, body="owner__"), owner__in=visible_bodies(user))


def can_keep_agreement(user: "Viewer", agreement: Agreement) -> bool:
    """The area's coordinators, administrators and the owner body's secretaries change an agreement. No query
    beyond the user's scope."""
    return can_manage_area(user, agreement.area) or agreement.owner_id in scope_of(user).secretary_bodies


def owner_bodies(user: "Viewer", area: Area) -> QuerySet[Body]:
    """The bodies of `area` whose agreements `user` may keep, so may choose as an owner."""
    return editable_bodies(user).filter(area=area, pk__in=visible_bodies(user).values("pk")).order_by("name")


def can_add_agreement(user: "Viewer", area: Area) -> bool:
    """Whether `user` keeps any body of `area` (and so may register an agreement there)."""
    return owner_bodies(user, area).exists()


def get_agreement_for_user(user: "Viewer", pk: object, *, change: bool = False) -> Agreement:
    """The agreement `pk` with its area and owner, annotated with its state (`with_state`).

    Http404 when it does not exist or the user may not read it; PermissionDenied when `change=True` and the user
    may read it but not keep it (`can_keep_agreement`). One query, plus the user's scope."""
    agreement = get_object_or_404(
        visible_agreements(user).with_state().select_related("area", "owner", "replaces", "adoption"), pk=pk
    )
    if change and not can_keep_agreement(user, agreement):
        raise PermissionDenied
    return agreement


def get_version_for_user(user: "Viewer", agreement_pk: object, pk: object) -> AgreementVersion:
    """A version of an agreement the user may read (else Http404). One query."""
    return get_object_or_404(
        AgreementVersion.objects.filter(agreement__in=visible_agreements(user)), agreement_id=agreement_pk, pk=pk
    )


def get_follow_up_for_user(user: "Viewer", agreement_pk: object, pk: object) -> FollowUp:
    """A follow-up of an agreement the user may read (else Http404). One query."""
    return get_object_or_404(
        FollowUp.objects.filter(agreement__in=visible_agreements(user)), agreement_id=agreement_pk, pk=pk
    )


def kept_agreements(user: "Viewer", area: Area) -> AgreementQuerySet:
    """The agreements of `area` the user keeps (coordinator: all the area's; secretary: their bodies')."""
    rows = visible_agreements(user).filter(area=area)
    if can_manage_area(user, area):
        return rows
    return rows.filter(Q(owner_id__in=scope_of(user).secretary_bodies))
