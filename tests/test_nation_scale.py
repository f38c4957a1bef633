"""Nation scale on PostgreSQL (issue 11): the visibility rules are bounded by the area's own rows (no IN over
every visible meeting of the nation)."""

import re

import pytest
from django.utils import timezone

from samverkan.meetings.access import readable_items_rule, visible_meetings
from samverkan.meetings.models import AgendaItem, Meeting
from samverkan.structure.access import may_read, visible_bodies
from tests.access_helpers import ACTORS
from tests.meetings_helpers import make_meeting


@pytest.mark.parametrize("actor", ACTORS)
def test_the_item_and_meeting_rules_list_no_meetings_of_the_nation(world, actor):
    user = getattr(world, actor, None)  # anonymous: None
    for sql in (
        str(AgendaItem.objects.filter(readable_items_rule(user)).query),
        str(visible_meetings(user).query),
    ):
        # The meeting's and its body's visibility are checked on the joined rows; an IN over a subquery of
        # meetings or bodies made PostgreSQL build that list for the whole nation before narrowing to the area.
        assert not re.search(r'IN \(SELECT [^()]* FROM "(meetings_meeting|structure_body)"', sql), sql


@pytest.mark.parametrize("actor", ACTORS)
def test_visible_meetings_are_those_of_visible_bodies_the_user_may_read(world, actor):
    user = getattr(world, actor, None)  # anonymous: None
    make_meeting(world.secret, timezone.localdate(), visibility="internal")
    make_meeting(world.forum, timezone.localdate(), visibility="internal")
    make_meeting(world.forum, timezone.localdate())
    bodies = set(visible_bodies(user).values_list("pk", flat=True))
    shown = set(visible_meetings(user).values_list("pk", flat=True))
    for meeting in Meeting.objects.select_related("body"):
        readable = may_read(user, meeting.visibility, meeting.body)
        assert (meeting.pk in shown) == (meeting.body_id in bodies and readable), (actor, meeting)
