"""Who a login is: the scopes of its roles, computed once per request and kept on the user object."""

from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class Scope:
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
        return self.is_staff or bool(self.member_bodies)


ANONYMOUS = Scope()


def scope_of(user) -> Scope:
    """The user's roles; two queries the first time per request, none after."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_samverkan_scope", None)
    if cached is not None:
        return cached
    from samverkan.accounts.models import Role
    from samverkan.structure.models import Membership

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
