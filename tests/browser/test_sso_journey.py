"""Single sign-on in the browser: the login page's button leads to the real test provider (a second process,
tests/oidc_helpers.py), its login form, and back to Samverkan logged in as the registered person whose verified
address the provider gave. axe-core on Samverkan's pages (the provider's form is not ours)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from samverkan.structure import sso
from samverkan.structure.models import Person
from tests.oidc_helpers import IDP_PASSWORD, running_provider
from tests.world import World

pytestmark = pytest.mark.browser


def test_sign_in_through_the_identity_provider(page, live_server, transactional_db, tmp_path):
    world = World.build()
    person = Person.objects.create(
        first_name="Anna", last_name="Enkel", slug="anna-enkel", employer=world.village, email="anna.sso@byn.example"
    )
    with (
        running_provider(tmp_path, [f"{live_server.url}/konto/sso/svar/"]) as provider,
        override_settings(**provider.settings()),
    ):
        page.goto(reverse("login"))
        page.axe.check(page)
        page.get_by_role("link", name="Logga in med Testleverantören").click()
        page.wait_for_page()
        assert page.url.startswith(provider.url)
        page.get_by_label("IdP-användare").fill("anna")
        page.get_by_label("IdP-lösenord").fill(IDP_PASSWORD)
        page.get_by_role("button", name="Logga in hos leverantören").click()
        page.wait_for_url(f"{live_server.url}{reverse('dashboard')}")
        page.wait_for_page()
        page.axe.check(page)
        person.refresh_from_db()
        assert person.user is not None and person.user.username == "anna.sso@byn.example"
        assert page.get_by_role("button", name="Logga ut").is_visible()

        # Logged out, the provider remembers Anna, but Samverkan refuses once her login is switched off.
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_page()
        person.user.is_active = False
        person.user.save()
        page.goto(reverse("login"))
        page.get_by_role("link", name="Logga in med Testleverantören").click()
        page.wait_for_url(f"{live_server.url}{reverse('login')}")
        page.wait_for_page()
        assert str(sso.REFUSED) in page.inner_text("main")
        page.axe.check(page)
