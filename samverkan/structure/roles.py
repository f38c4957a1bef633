"""Who a login is: the scopes of its roles (computed once per request and kept on the user object), and
granting and revoking roles. The `Role` model is in structure/models.py; every app's access rules start here."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from samverkan.structure.models import Membership, Role


@dataclass(frozen=True)
class Scope:
    """What one login may do: administrator, and the ids of the areas, bodies and principals its roles and
    current memberships reach. Immutable; build it with `scope_of`."""

    is_admin: bool = False
    coordinator_areas: frozenset = field(default_factory=frozenset)
    secretary_bodies: frozenset = field(default_factory=frozenset)
    member_bodies: frozenset = field(default_factory=frozenset)
    contact_principals: frozenset = field(default_factory=frozenset)

    @property
    def is_staff(self):
        """Has any role that opens the staff pages."""
        return bool(self.is_admin or self.coordinator_areas or self.secretary_bodies or self.contact_principals)

    @property
    def is_anyone(self):
        """Has any role or a current seat: more than an anonymous visitor."""
        return self.is_staff or bool(self.member_bodies)


ANONYMOUS = Scope()


def scope_of(user) -> Scope:
    """The user's roles; two queries the first time per request, none after."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_samverkan_scope", None)
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
    user._samverkan_scope = scope
    return scope


@transaction.atomic
def grant_role(user, kind, scope, by):
    """Give `user` the role `kind` (a `Role.Kind`) in `scope` (an Area, Body or Principal as the kind needs).

    Raises ValidationError if the role is incomplete or a duplicate. The history row names `by`. Two queries.
    """
    role = Role(user=user, kind=kind, **{Role.SCOPE_FIELD[kind]: scope})
    role.full_clean()
    role._history_user = by
    role.save()
    return role


@transaction.atomic
def revoke_role(role, by):
    """Remove `role`; the history row names `by`. Two queries."""
    role._history_user = by
    role.delete()
