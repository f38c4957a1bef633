"""Who a login is: the scopes of its roles (computed once per request and kept on the user object), and
granting and revoking roles. The `Role` model is in structure/models.py; every app's access rules start here."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils import timezone

from samverkan.lib.history import attribute
from samverkan.structure.models import Membership, Role

if TYPE_CHECKING:  # only for mypy: the auth models need the app registry
    from django.contrib.auth.models import AnonymousUser, User

    # Who asks a gate: a login, an anonymous visitor, or None (the system: imports, the worker, the demo).
    Viewer = User | AnonymousUser | None


@dataclass(frozen=True)
class Scope:
    """What one login may do: administrator, and the ids of the areas, bodies and principals its roles and
    current memberships reach. Immutable; build it with `scope_of`."""

    is_admin: bool = False
    coordinator_areas: frozenset[int] = field(default_factory=frozenset)
    secretary_bodies: frozenset[int] = field(default_factory=frozenset)
    member_bodies: frozenset[int] = field(default_factory=frozenset)
    contact_principals: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        """Has any role that opens the staff pages."""
        return bool(self.is_admin or self.coordinator_areas or self.secretary_bodies or self.contact_principals)

    @property
    def is_anyone(self) -> bool:
        """Has any role or a current seat: more than an anonymous visitor."""
        return self.is_staff or bool(self.member_bodies)


ANONYMOUS = Scope()


def scope_of(user: "Viewer") -> Scope:
    """The user's roles; two queries the first time per request, none after."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached: Scope | None = getattr(user, "_samverkan_scope", None)
    if cached is not None:
        return cached
    roles = list(Role.objects.filter(user=user).values_list("kind", "area_id", "body_id", "principal_id"))
    members = Membership.objects.current(timezone.localdate()).filter(person__user=user)
    scope = Scope(
        is_admin=user.is_superuser,
        coordinator_areas=frozenset(a for k, a, _b, _p in roles if k == Role.Kind.COORDINATOR),
        secretary_bodies=frozenset(b for k, _a, b, _p in roles if k == Role.Kind.SECRETARY),
        member_bodies=frozenset(members.values_list("body_id", flat=True)),
        contact_principals=frozenset(p for k, _a, _b, p in roles if k == Role.Kind.CONTACT),
    )
    user._samverkan_scope = scope  # type: ignore[attr-defined]  # the per-request cache rides on the user object
    return scope


@transaction.atomic
def grant_role(user: "User", kind: Role.Kind, scope: models.Model, by: "Viewer") -> Role:
    """Give `user` the role `kind` (a `Role.Kind`) in `scope` (an Area, Body or Principal as the kind needs).

    Raises ValidationError if the role is incomplete or a duplicate. The history row names `by`. Two queries.
    """
    role = Role(user=user, kind=kind, **{Role.SCOPE_FIELD[kind]: scope})
    role.full_clean()
    attribute(role, by).save()
    return role


@transaction.atomic
def revoke_role(role: Role, by: "Viewer") -> None:
    """Remove `role`; the history row names `by`. Two queries."""
    attribute(role, by).delete()
