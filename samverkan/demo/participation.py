"""The demo's people who must act get a way to act (issue 12): the forum's (KRF's) chair and the adjuster of its
minutes awaiting signature get the demo logins `ordforande` and `justerare`, so those minutes can be adjusted in
the demo; every other chair of a public body and every other signer of minutes awaiting signature who has an
e-mail address is invited to a login by the coordinator, as a coordinator would from the person's page
(`structure.logins.invite`: the invitation e-mails go to the worker once the demo is committed)."""

from django.db.models import Q

from samverkan.lib.visibility import Visibility
from samverkan.meetings.models import Meeting, Signatory
from samverkan.structure import logins
from samverkan.structure.models import Area, Membership, Person

# The demo logins this module adds (username, description), appended to county.DEMO_LOGINS.
SIGNER_LOGINS = [
    ("ordforande", "Ordförande i Kommun- och regionledningsforum (KRF), justerar dess senaste protokoll"),
    ("justerare", "Justerare av KRF:s senaste protokoll (när det inte är ledamot)"),
]


def add_participation(area: Area, coordinator, make_login) -> list[int]:
    """Give KRF's signers of its minutes awaiting signature the logins `ordforande`/`justerare` (through
    `make_login(username, person)`), and invite every other chair of a public body and signer of drafted minutes
    of `area` who has an address and no login. Returns the ids of the people invited."""
    waiting = (
        Signatory.objects.filter(
            meeting__body__area=area, meeting__status=Meeting.Status.DRAFTED, signed_at=None, person__user=None
        )
        .select_related("person", "meeting__body")
        .order_by("meeting__body__abbreviation", "role", "pk")
    )
    usernames = dict(SIGNER_LOGINS)
    for signatory in waiting:
        if signatory.meeting.body.abbreviation != "KRF":
            continue
        username = "ordforande" if signatory.role == Signatory.Role.CHAIR else "justerare"
        if username in usernames and signatory.person.user_id is None:
            make_login(username, signatory.person)
            usernames.pop(username)
    signers = Signatory.objects.filter(
        meeting__body__area=area, meeting__status=Meeting.Status.DRAFTED, signed_at=None
    ).values("person_id")
    chairs = (
        Membership.objects.current()
        .filter(body__area=area, body__visibility=Visibility.PUBLIC, role=Membership.Role.CHAIR)
        .values("person_id")
    )
    people = Person.objects.filter(Q(pk__in=signers) | Q(pk__in=chairs), user=None).exclude(email="")
    invited = []
    for person in people.order_by("pk"):
        if logins.invite_problem(person) is None:
            logins.invite(person, coordinator)
            invited.append(person.pk)
    return invited
