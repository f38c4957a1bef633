"""What a visitor may watch: only what the public sees. A body, matter or principal the public may not see answers
404 (`get_*_target`), and a target read back by the worker that is no longer public resolves to None.

A `Target` is what a subscription watches, with its key (`Subscription.target`) and a label for pages and mails.
A saved search is the /sok/ page's query and filters, normalised into one query string."""

from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from samverkan.alerts.models import Subscription
from samverkan.followthrough.access import public_matters
from samverkan.lib.text import is_digits, search_term
from samverkan.meetings.matters import Matter
from samverkan.search.models import SearchEntry
from samverkan.search.query import Filters
from samverkan.search.text import parse
from samverkan.search.views import PARAMS, filters_from
from samverkan.structure.access import visible_bodies
from samverkan.structure.models import Area, Body, Principal

Kind = Subscription.Kind


@dataclass(frozen=True)
class Target:
    """What a subscription watches: its kind, key, a label to show, the page it is about (a path), and the record
    (body, matter or principal) or the search's query and filters."""

    kind: str
    key: str
    label: str
    path: str
    body: Body | None = None
    matter: Matter | None = None
    principal: Principal | None = None
    search: str = ""
    query: str = ""
    filters: Filters = Filters()


def public_bodies() -> QuerySet[Body]:
    """The bodies anyone may see (`visible_bodies` of an anonymous visitor)."""
    return visible_bodies(None)


def body_target(body: Body) -> Target:
    return Target(Kind.BODY, f"body:{body.pk}", body.name, body.get_absolute_url(), body=body)


def matter_target(matter: Matter) -> Target:
    label = f"{matter.year}/{matter.serial} {matter.title}"  # not case_number: its prefix names the body
    return Target(Kind.MATTER, f"matter:{matter.pk}", label, matter.get_absolute_url(), matter=matter)


def principal_target(principal: Principal) -> Target:
    path = reverse("followthrough_public:principal", args=[principal.area.slug, principal.slug])
    return Target(Kind.PRINCIPAL, f"principal:{principal.pk}", principal.name, path, principal=principal)


def get_body_target(pk: object) -> Target:
    """The target of the public body `pk`; Http404 for an unknown or internal body."""
    body = public_bodies().select_related("area").filter(pk=_id(pk)).first()
    if body is None:
        raise Http404
    return body_target(body)


def get_matter_target(pk: object) -> Target:
    """The target of the public matter `pk`; Http404 for an unknown or internal matter."""
    matter = public_matters().select_related("area").filter(pk=_id(pk)).first()
    if matter is None:
        raise Http404
    return matter_target(matter)


def get_principal_target(pk: object) -> Target:
    """The target of principal `pk` (principals are public); Http404 for an unknown one."""
    principal = Principal.objects.select_related("area").filter(pk=_id(pk)).first()
    if principal is None:
        raise Http404
    return principal_target(principal)


def _id(pk: object) -> int:
    text = str(pk)
    return int(text) if is_digits(text) and len(text) < 12 else 0


def search_target(params: dict[str, str]) -> Target | None:
    """The saved search of the /sok/ parameters `params` (q and the facets omrade, typ, organ, huvudman, ar): the query
    and the filters the page would apply, in one normalised query string; None when the query has no words (the
    page finds nothing then). A body filter the public may not see is dropped. One query per body, principal or
    area filter, for its name."""
    query = search_term(params.get("q"), limit=200)
    if not parse(query):
        return None
    cleaned = {name: search_term(params.get(name), limit=20) for name in PARAMS}
    filters = filters_from(cleaned)
    names: list[str] = []
    if filters.body is not None:
        body = public_bodies().filter(pk=filters.body).first()
        filters = replace(filters, body=body.pk if body else None)
        names += [body.name] if body else []
    if filters.principal is not None:
        principal = Principal.objects.filter(pk=filters.principal).first()
        filters = replace(filters, principal=principal.pk if principal else None)
        names += [principal.name] if principal else []
    if filters.area is not None:
        area = Area.objects.filter(pk=filters.area).first()
        filters = replace(filters, area=area.pk if area else None)
        names += [area.name] if area else []
    if filters.kind:
        names.insert(0, str(SearchEntry.Kind(filters.kind).label))
    if filters.year is not None:
        names.append(str(filters.year))
    wanted = {"q": query}
    for name, attr in PARAMS.items():
        value = getattr(filters, attr)
        if value not in ("", None):
            wanted[name] = str(value)
    search = urlencode(wanted)
    label = f"”{query}”" + (f" ({', '.join(names)})" if names else "")
    path = reverse("search:search") + "?" + search
    return Target(Kind.SEARCH, f"search:{search}", label, path, search=search, query=query, filters=filters)


def target_of(subscription: Subscription) -> Target | None:
    """What `subscription` watches, as the public sees it now; None when it is gone or no longer public. At most
    one query (the subscription's record, when not loaded)."""
    if subscription.kind == Kind.SEARCH:
        return search_target(dict(parse_qsl(subscription.search)))
    try:
        if subscription.kind == Kind.BODY and subscription.body_id:
            return get_body_target(subscription.body_id)
        if subscription.kind == Kind.MATTER and subscription.matter_id:
            return get_matter_target(subscription.matter_id)
        if subscription.kind == Kind.PRINCIPAL and subscription.principal_id:
            return get_principal_target(subscription.principal_id)
    except Http404:
        return None
    return None


def target_by_key(key: str) -> Target | None:
    """The target a key (`Target.key`, as the subscribe form hands it to the worker) stands for, if still
    public; None otherwise."""
    kind, _sep, rest = key.partition(":")
    probe = Subscription(kind=kind, search=rest if kind == Kind.SEARCH else "")
    if kind in (Kind.BODY, Kind.MATTER, Kind.PRINCIPAL):
        setattr(probe, f"{kind}_id", _id(rest) or None)
    return target_of(probe)


def kind_label(target: Target) -> str:
    """What the target is, in words: "organet Ledningsforum", "sökningen ”…”" …"""
    labels = {
        Kind.BODY: _("organet %(name)s"),
        Kind.MATTER: _("ärendet %(name)s"),
        Kind.PRINCIPAL: _("besluten i %(name)s"),
        Kind.SEARCH: _("sökningen %(name)s"),
    }
    return labels[Kind(target.kind)] % {"name": target.label}
