"""Logins from the person register: a coordinator (for their area) or a secretary (for their body's people) invites a
registered person, who chooses a password through a one-time link in an e-mail; the login is created then and
linked to the person. No administrator is needed. A coordinator can switch a login off (and on again); the person,
their history and what they signed stay.

The link carries `django.core.signing` of the invitation's id and a random nonce (salted for this one purpose, so
no other signed value of the site opens it). It is valid only while the invitation is the person's newest, unused,
unexpired (`LOGIN_INVITATION_DAYS`, 5) and the person still has no login and the same address; every other case —
tampered, expired, used, superseded — answers the same 404 page, with no hint which."""

import secrets
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.lib.history import save_with_history
from samverkan.lib.locks import locked
from samverkan.lib.mail_queue import send_claimed
from samverkan.structure.models import LoginInvitation, Membership, Person, Role
from samverkan.structure.roles import scope_of

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from django.contrib.auth.models import User

    from samverkan.lib.history import Changer
    from samverkan.structure.roles import Viewer

SALT = "samverkan.structure.logins.invitation"


def invitation_days() -> int:
    """How many days an invitation's link is valid (`LOGIN_INVITATION_DAYS`, default 5)."""
    return int(getattr(settings, "LOGIN_INVITATION_DAYS", 5))


def invitable_rule(user: "Viewer") -> Q | None:
    """Q over Person for whom `user` may invite to a login: everyone for an administrator (None = no limit),
    the people of a coordinator's areas (employed by its principals or seated in its bodies), the people with a
    current seat in a body the user is secretary of. `Q(pk__in=[])` for anyone else (a contact, a member)."""
    scope = scope_of(user)
    if scope.is_admin:
        return None
    rule = Q(pk__in=[])
    if scope.coordinator_areas:
        rule |= Q(employer__area_id__in=scope.coordinator_areas)
        rule |= Q(pk__in=Membership.objects.filter(body__area_id__in=scope.coordinator_areas).values("person_id"))
    if scope.secretary_bodies:
        seats = Membership.objects.current().filter(body_id__in=scope.secretary_bodies)
        rule |= Q(pk__in=seats.values("person_id"))
    return rule


def invitable_ids(user: "Viewer", people: "Iterable[Person]") -> set[int]:
    """The ids among `people` that `user` may invite (one query; none for a user without a staff role)."""
    ids = [p.pk for p in people]
    rule = invitable_rule(user)
    if not ids:
        return set()
    if rule is None:
        return set(ids)
    return set(Person.objects.filter(rule, pk__in=ids).values_list("pk", flat=True))


def may_invite(user: "Viewer", person: Person) -> bool:
    """Whether `user` may invite `person` to a login (`invitable_rule`). One query."""
    return person.pk in invitable_ids(user, [person])


def may_switch(user: "Viewer", person: Person) -> bool:
    """Whether `user` may switch `person`'s login off or on: an administrator, or a coordinator of an area the
    person belongs to (a secretary invites, but does not close logins), and never a login with rights the
    coordinator lacks: an administrator's (superuser or staff: a coordinator switched off the deployment's only
    administrator) or a coordinator's of another area. Three queries at most."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if not scope.coordinator_areas:
        return False
    if person.user_id is not None:
        login = get_user_model().objects.filter(pk=person.user_id).values("is_superuser", "is_staff").first()
        if login is not None and (login["is_superuser"] or login["is_staff"]):
            return False
        coordinates = Role.objects.filter(user_id=person.user_id, kind=Role.Kind.COORDINATOR)
        if coordinates.exclude(area_id__in=scope.coordinator_areas).exists():
            return False
    return may_invite(user, person)


def username_for(address: str) -> str:
    """The login's username: the e-mail address in lower case (what the person types at login)."""
    return address.strip().lower()


def invite_problem(person: Person) -> str | None:
    """Why `person` cannot be invited now (in Swedish), or None: they have a login, no e-mail address, or the
    address is another login's username. One query."""
    if person.user_id is not None:
        return _("%(name)s har redan en inloggning.") % {"name": person}
    if not person.email:
        return _("%(name)s saknar e-postadress. Lägg till en adress först.") % {"name": person}
    if get_user_model().objects.filter(username__iexact=username_for(person.email)).exists():
        return _("Adressen %(address)s används redan av en annan inloggning.") % {"address": person.email}
    return None


@transaction.atomic
def invite(person: Person, user: "Changer") -> LoginInvitation:
    """Record an invitation for `person` (under the person's row lock) and queue its e-mail for the task worker
    once this commits; any earlier link of the person stops working. Raises ValidationError (Swedish) with
    `invite_problem`'s reason. The caller checks `may_invite`."""
    person = locked(Person.objects.all()).get(pk=person.pk)
    problem = invite_problem(person)
    if problem:
        raise ValidationError(problem)
    now = timezone.now()
    invitation = LoginInvitation.objects.create(
        person=person,
        address=person.email,
        nonce=secrets.token_urlsafe(32),
        created_at=now,
        created_by_id=getattr(user, "pk", None),
        expires_at=now + timedelta(days=invitation_days()),
        queued_at=now,
    )
    save_with_history(person, user, _("Inbjuden att skaffa inloggning"), clean=False)
    from samverkan.structure.tasks import send_login_invitation  # the task module imports this one

    transaction.on_commit(partial(send_login_invitation.enqueue, invitation.pk))
    return invitation


def token_for(invitation: LoginInvitation) -> str:
    """The signed token of the invitation's link."""
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT)


def valid_invitation(token: str, *, lock: bool = False) -> LoginInvitation | None:
    """The invitation `token` opens, or None when it is tampered with, expired, used, superseded by a newer
    invitation, or the person has got a login or another address since. `lock=True` takes the row lock (inside a
    transaction). Two queries."""
    try:
        data = signing.loads(token, salt=SALT)
        pk, nonce = int(data["i"]), str(data["n"])
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        return None
    rows = LoginInvitation.objects.select_related("person")
    found = (locked(rows) if lock else rows).filter(pk=pk).first()
    if found is None or not secrets.compare_digest(found.nonce, nonce):
        return None
    person = found.person
    newest = LoginInvitation.objects.filter(person=person).order_by("-created_at", "-pk").values_list("pk", flat=True)
    if (
        found.used_at is not None
        or found.expires_at <= timezone.now()
        or newest.first() != found.pk
        or person.user_id is not None
        or person.email.strip().lower() != found.address.strip().lower()
    ):
        return None
    return found


class InvitationSpent(Exception):
    """The link stopped being valid between showing the form and saving it."""


@transaction.atomic
def accept(token: str, password: str) -> "User":
    """Create the login of the invitation `token` opens, with `password` (already validated by the form), link it
    to the person and spend the link. Raises InvitationSpent when the link is no longer valid (used meanwhile,
    expired, superseded) or the address has become another login's username."""
    invitation = valid_invitation(token, lock=True)
    if invitation is None:
        raise InvitationSpent
    person = locked(Person.objects.all()).get(pk=invitation.person_id)
    if person.user_id is not None or invite_problem(person):
        raise InvitationSpent
    user = get_user_model()(
        username=username_for(person.email),
        email=person.email,
        first_name=person.first_name[:150],
        last_name=person.last_name[:150],
    )
    user.set_password(password)
    user.save()
    person.user = user
    save_with_history(person, user, _("Inloggningen skapad"), clean=False)
    LoginInvitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now())
    return user


def unsaved_user(invitation: LoginInvitation) -> "User":
    """The login the invitation would create, unsaved: for the password validators (not like the name)."""
    person = invitation.person
    return get_user_model()(
        username=username_for(person.email),
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
    )


@transaction.atomic
def switch_login(person: Person, active: bool, user: "Changer") -> bool:
    """Switch the person's login off (`active=False`: they can no longer log in, and their sessions end, as the
    auth backends refuse inactive logins) or on again. The person, the login and every record they signed or
    changed stay. Returns False when the person has no login. The caller checks `may_switch`."""
    person = locked(Person.objects.all()).get(pk=person.pk)  # no join: PostgreSQL locks no outer join's null side
    if person.user_id is None:
        return False
    get_user_model().objects.filter(pk=person.user_id).update(is_active=active)
    reason = _("Inloggningen öppnad igen") if active else _("Inloggningen avstängd")
    save_with_history(person, user, reason, clean=False)
    return True


class LoginState(NamedTuple):
    """A person's login as lists show it: `kind` is "active", "inactive", "invited", "failed" (the invitation's
    e-mail could not be sent), "expired" or "none"; `invitation` the newest invitation (or None)."""

    kind: str
    invitation: LoginInvitation | None


def login_states(people: "Iterable[Person]") -> dict[int, LoginState]:
    """Each person's `LoginState`, by id. People need `user` selected (or None); one query for the invitations."""
    people = list(people)
    newest: dict[int, LoginInvitation] = {}
    rows = LoginInvitation.objects.filter(person_id__in=[p.pk for p in people]).order_by("-created_at", "-pk")
    for row in rows.only("person_id", "created_at", "expires_at", "sent_at", "error", "used_at", "claimed_at"):
        newest.setdefault(row.person_id, row)
    now = timezone.now()
    states = {}
    for person in people:
        invitation = newest.get(person.pk)
        if person.user is not None:
            kind = "active" if person.user.is_active else "inactive"
        elif invitation is None:
            kind = "none"
        elif invitation.expires_at <= now or invitation.used_at:
            kind = "expired"
        elif invitation.sent_at is None and invitation.error:
            kind = "failed"
        else:
            kind = "invited"
        states[person.pk] = LoginState(kind, invitation)
    return states


def send_queued(pk: int) -> bool:
    """Send the e-mail of LoginInvitation `pk` unless it was sent or is being sent; True when sent. Claims the row
    first (committed), gives the claim back with the error when sending fails and re-raises (as the meetings'
    e-mails do, `lib.mail_queue.send_claimed`). An invitation already spent or superseded is not sent."""

    def send(invitation: LoginInvitation) -> None:
        context = {
            "person": invitation.person,
            "username": username_for(invitation.address),
            "url": settings.SITE_URL + reverse("login_accept", args=[token_for(invitation)]),
            "expires": timezone.localtime(invitation.expires_at),
            "site": settings.SITE_NAME,
        }
        EmailMessage(
            subject=" ".join(render_to_string("structure/email/login_invitation_subject.txt", context).split()),
            body=render_to_string("structure/email/login_invitation.txt", context),
            to=[invitation.address],
        ).send()

    return send_claimed(LoginInvitation.objects.select_related("person", "created_by"), pk, send, used_at=None)


def requeue_unsent(older_than: "datetime") -> int:
    """Queue again the invitations whose e-mail failed or whose claim is older than `older_than` (a killed
    worker), while their link is still valid. Returns how many."""
    from samverkan.structure.tasks import send_login_invitation

    with transaction.atomic():
        rows = LoginInvitation.objects.filter(sent_at=None, used_at=None, expires_at__gt=timezone.now())
        stale = list(rows.filter(Q(claimed_at__lt=older_than) | Q(claimed_at=None, error__gt="")))
        LoginInvitation.objects.filter(pk__in=[r.pk for r in stale]).update(claimed_at=None)
        for row in stale:
            transaction.on_commit(partial(send_login_invitation.enqueue, row.pk))
    return len(stale)


def to_invite(people: "Iterable[Person]", states: dict[int, LoginState], invitable: set[int]) -> list[Person]:
    """Those among `people` that "Bjud in alla" invites: no login, an address, invitable by the user, and no
    invitation still waiting to be used (each person once)."""
    chosen: dict[int, Person] = {}
    for person in people:
        state = states.get(person.pk)
        if (
            person.pk in invitable
            and person.email
            and state is not None
            and state.kind in ("none", "expired", "failed")
        ):
            chosen.setdefault(person.pk, person)
    return list(chosen.values())
