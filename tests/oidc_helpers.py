"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit in the tiny project
`tests/oidc_provider/`, started in a second process on a free loopback port with an RS256 key made here, and the
settings that point Samverkan at it. Nothing is mocked: Samverkan's backend fetches the token, the JWKS and the
userinfo from this process over HTTP."""

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[1]
CLIENT_ID = "samverkan-test"
CLIENT_SECRET = "test-secret-only-for-this-provider"
IDP_PASSWORD = "idp-lösenord-1"
# The provider's users: (username, e-mail, whether the provider vouches for the address).
IDP_USERS = [
    ("anna", "anna.sso@byn.example", True),
    ("olle", "olle.sso@byn.example", False),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rsa_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class Provider:
    url: str

    def settings(self) -> dict:
        """Samverkan's OIDC_* settings for this provider (as `override_settings` takes them)."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/o/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/o/token/",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/o/userinfo/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/o/.well-known/jwks.json",
            "OIDC_LABEL": "Logga in med Testleverantören",
        }


@contextmanager
def running_provider(tmp_path: Path, redirect_uris: list[str]):
    """Start the provider (its own SQLite file under `tmp_path`) and stop it afterwards. Waits at most 60 s for
    it to answer."""
    port = free_port()
    env = {
        **os.environ,
        "IDP_DATABASE": str(tmp_path / "idp.sqlite3"),
        "IDP_RSA_KEY": rsa_key(),
        "IDP_PORT": str(port),
        "IDP_CLIENT_ID": CLIENT_ID,
        "IDP_CLIENT_SECRET": CLIENT_SECRET,
        "IDP_REDIRECT_URIS": " ".join(redirect_uris),
        "IDP_USERS": json.dumps(
            [{"username": u, "email": e, "verified": v, "password": IDP_PASSWORD} for u, e, v in IDP_USERS]
        ),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = open(tmp_path / "idp.log", "w")  # noqa: SIM115 (closed below, after the process)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/o/.well-known/jwks.json", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the test provider did not start:\n" + (tmp_path / "idp.log").read_text())
            time.sleep(0.2)
        yield Provider(url)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def sign_in_at_provider(authorize_url: str, username: str, password: str = IDP_PASSWORD) -> str:
    """Go through the provider as a browser would: its authorization page sends to its login form, the form is
    posted, and the provider answers with a redirect back to Samverkan. Returns that address (with code and
    state). Redirects to the provider are followed; the one back to Samverkan is not."""
    idp = requests.Session()
    answer = idp.get(authorize_url, allow_redirects=True, timeout=10)
    assert answer.status_code == 200 and "csrfmiddlewaretoken" in answer.text, answer.text[:500]
    token = answer.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    next_url = parse_qs(urlparse(answer.url).query)["next"][0]
    answer = idp.post(
        answer.url,
        data={"csrfmiddlewaretoken": token, "username": username, "password": password, "next": next_url},
        headers={"Referer": answer.url},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    answer = idp.get(urljoin(answer.url, answer.headers["Location"]), allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]
