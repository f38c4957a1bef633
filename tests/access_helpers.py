"""Who may open what: the named actors of tests/world.py and one check of the answer each of them gets."""

from django.urls import reverse

ACTORS = ["anonymous", "outsider", "contact", "member", "secretary", "coordinator", "admin"]


def assert_access(response, actor, allowed, *, ok=200, denied=403, what=None):
    """Asserts the answer `actor` (a name from ACTORS) got to one request, by a table row `allowed` (a set of
    actor names): allowed actors get `ok`; an anonymous visitor who is not allowed is sent to the login page; any
    other actor gets `denied` (403 "Ingen behörighet" by default; pass 404 for what the actor may not even
    see, or a set of statuses). `what` names the page in the failure message. No queries."""
    where = (what, actor, response.status_code)
    if actor in allowed:
        assert response.status_code == ok, where
    elif actor == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), where
    else:
        assert response.status_code in (denied if isinstance(denied, set) else {denied}), where
        if response.status_code == 403 and response.get("Content-Type", "").startswith("text/html"):
            assert "Ingen behörighet" in response.content.decode(), where
