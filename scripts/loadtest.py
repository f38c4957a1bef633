#!/usr/bin/env python3
"""`make loadtest`: many concurrent clients against Samverkan served as `make run` serves it.

Starts `samverkan serve` (gunicorn + the worker) on a fresh SQLite database in a temporary directory with the
demo county, or uses --url. Then each client, in its own thread with its own keep-alive connection, loops for
--seconds: mostly public pages, staff pages as the logged-in secretary, and form posts (the secretary saves an
agenda item or a body: the form is fetched, every field sent back with one text changed, and the CSRF token).
Prints requests, errors and median/p95 latency per kind; exits 1 on any error (5xx, a refused post,
a failed connection). A 409 is not an error: two clients saved the same record between one's GET and POST, and
the optimistic lock refused the second save as it should (nothing overwritten); those are counted apart.
Only the standard library, so it runs anywhere the project does:

    python scripts/loadtest.py                       # 50 clients x 60 s
    python scripts/loadtest.py --clients 10 --seconds 5
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "samverkan-demo"
# Who saves which edit forms: the secretary agenda items and meetings of her body, the coordinator bodies.
EDITORS = {
    "sekreterare": re.compile(r"^/hantera/(arende|moten)/\d+/andra/$"),
    "koordinator": re.compile(r"^/hantera/organ/\d+/andra/$"),
}
# The text field each edit form gets a new value in, first found wins.
EDITED_FIELDS = ("background", "mandate", "place")
SKIPPED = re.compile(r"\.(pdf|ics|xlsx|csv|zip|docx)$|^/(admin|i18n|static|media)/|/logga-?ut|/logout|/konto/")
# The share of each kind of request in a client's loop.
MIX = (("public", 0.55), ("staff", 0.3), ("post", 0.15))


class _Page(HTMLParser):
    """Links and the post forms of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": []}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name") and tag != "option":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append([a["name"], a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form["fields"].append([a["name"], ""])
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self._form["fields"].append([self._select, a.get("value", "")])

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form:
            self._form["fields"][-1][1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


class Client:
    """One visitor: a keep-alive connection and a cookie jar."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.username = ""
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, data: dict | list | None = None, referer: str = "") -> Response:
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{referer or path}"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                raw = self.connection.getresponse()
                text = raw.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server closed while idle: reconnect once.
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if raw.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)

    def login(self, username: str) -> None:
        """Log in as a demo user; raises RuntimeError if the login page does not send us on."""
        page = self.request("GET", "/konto/login/")
        token = _csrf(page.body)
        answer = self.request(
            "POST", "/konto/login/", {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        if answer.status != 302:
            raise RuntimeError(f"login as {username} answered {answer.status}")
        self.username = username

    def save(self, url: str, text: str) -> str | None:
        """Fetch the edit form at `url`, send it back with `text` in its text field; None or what went wrong."""
        page = self.request("GET", url)
        form = edit_form(page.body) if page.status == 200 else None
        if form is None:
            return f"GET {url} {page.status}"
        answer = self.request("POST", form["action"] or url, filled(form, text), referer=url)
        if answer.status == 409:
            return CONFLICT
        return None if answer.status == 302 else f"POST {url} {answer.status}"


# What `save` answers when the optimistic lock refused a save over a newer version (HTTP 409).
CONFLICT = "conflict"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def crawl(client: Client, start: str, prefix: str, limit: int) -> tuple[list[str], set[str]]:
    """HTML pages under `prefix` that answer 200, breadth first from `start`, at most `limit`; and every link seen."""
    seen, queue, found = {start}, deque([start]), []
    while queue and len(found) < limit:
        path = queue.popleft()
        answer = client.request("GET", path)
        if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
            continue
        found.append(path)
        for href in _parse(answer.body).links:
            target = urlsplit(urljoin(path, href))
            if target.netloc and target.netloc != f"{client.host}:{client.port}":
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if link.startswith(prefix) and link not in seen and not SKIPPED.search(target.path):
                seen.add(link)
                queue.append(link)
    return found, seen


def edit_form(html: str) -> dict | None:
    """The page's post form with a CSRF token and the most fields (the edit form, not logout or language)."""
    forms = [
        form
        for form in _parse(html).forms
        if form["method"] == "post" and any(name == "csrfmiddlewaretoken" for name, _ in form["fields"])
    ]
    return max(forms, key=lambda f: len(f["fields"]), default=None)


def filled(form: dict, text: str) -> list[tuple[str, str]]:
    """The form's fields with the first of EDITED_FIELDS set to `text` and a change reason."""
    fields = [tuple(pair) for pair in form["fields"]]
    names = {name for name, _ in fields}
    edited = next((name for name in EDITED_FIELDS if name in names), None)
    out = [(n, text if n == edited else v) for n, v in fields if n != "change_reason"]
    return [*out, ("change_reason", "Belastningstest")]


@dataclass
class Tally:
    """Latencies and errors per kind of request, shared by the clients."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error == CONFLICT:
                self.conflicts += 1
            elif error:
                self.errors.append(f"{kind}: {error}")


@dataclass
class Start:
    """The starting gun: every client logs in first, then the clock starts for all at once."""

    clients: int
    seconds: float
    deadline: float = 0.0
    ready: threading.Barrier = field(init=False)
    go: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.ready = threading.Barrier(self.clients + 1)

    def fire(self) -> None:
        """Called by the main thread: wait for every client's login, then start the clock."""
        self.ready.wait()
        self.deadline = time.monotonic() + self.seconds
        self.go.set()


def run_client(number: int, base: str, plan: dict, start: Start, tally: Tally) -> None:
    """One client: log in, wait for the start, then a weighted mix of public reads, staff reads and form posts."""
    rng = random.Random(number)
    # Each client saves its own form (while there are enough), so two saves of one record rarely meet.
    username, form_url = plan["forms"][number % len(plan["forms"])]
    public, staff = Client(base), Client(base)
    began = time.monotonic()
    try:
        staff.login(username)
        tally.add("login", time.monotonic() - began)
    except Exception as error:  # noqa: BLE001  (a client that cannot start is an error, not a crash)
        tally.add("login", time.monotonic() - began, repr(error))
        return
    finally:
        start.ready.wait()
        start.go.wait()
    sent = 0
    while time.monotonic() < start.deadline:
        kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        began = time.monotonic()
        try:
            if kind == "public":
                answer = public.request("GET", rng.choice(plan["public"]))
                error = None if answer.status == 200 else f"{answer.status}"
            elif kind == "staff":
                answer = staff.request("GET", rng.choice(plan["staff"]))
                error = None if answer.status == 200 else f"{answer.status}"
            else:
                sent += 1
                error = staff.save(form_url, f"Ändrat av klient {number}, gång {sent}.")
        except Exception as exc:  # noqa: BLE001  (a broken connection is counted, and the loop goes on)
            error = repr(exc)
            public.connection = staff.connection = None
        tally.add(kind, time.monotonic() - began, error)


def discover(base: str, pages: int, wanted: int) -> dict:
    """What the clients fetch: public pages, the secretary's staff pages, and (user, edit form) pairs.

    At most `pages` pages of each kind and `wanted` forms, taken in turn from each kind (items, meetings,
    bodies). A form is kept only if saving it once answers with the redirect of a saved form (forms of locked
    minutes refuse), so the load run can count every refusal as an error.
    """
    public, _ = crawl(Client(base), "/", "/", pages)
    staff: list[str] = []
    candidates: dict[str, list[tuple[Client, str]]] = defaultdict(list)
    for username, pattern in EDITORS.items():
        scout = Client(base)
        scout.login(username)
        found, links = crawl(scout, "/hantera/", "/hantera/", pages)
        staff = staff or found
        for url in sorted(link for link in links if pattern.match(link)):
            candidates[url.split("/")[2]].append((scout, url))
    forms: list[tuple[str, str]] = []
    queues = [deque(pairs) for pairs in candidates.values()]
    while len(forms) < wanted and any(queues):
        for queue in queues:
            if queue and len(forms) < wanted:
                scout, url = queue.popleft()
                if scout.save(url, "Belastningstest: första sparandet.") is None:
                    forms.append((scout.username, url))
    return {"public": public, "staff": staff, "forms": forms}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(base: str, process: subprocess.Popen, seconds: float) -> None:
    """Wait until the server answers /, or raise RuntimeError if it died or took longer than `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"samverkan serve exited with {process.returncode}")
        try:
            if Client(base).request("GET", "/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer within {seconds} s")


def start_server(var: Path, port: int, workers: int | None, threads: int | None) -> subprocess.Popen:
    """`samverkan serve PORT` (gunicorn + worker) on a fresh SQLite database under `var`, in its own group."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")}
    env["SAMVERKAN_VAR"] = str(var)
    command = [sys.executable, "-m", "samverkan.cli", "serve", str(port)]
    command += [f"--workers={workers}"] if workers else []
    command += [f"--threads={threads}"] if threads else []
    log = open(var / "serve.log", "wb")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_server(process: subprocess.Popen) -> None:
    """Ctrl-C to the server's process group, as a terminal would; SIGKILL if it is still there after 20 s."""
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(tally: Tally, seconds: float, clients: int) -> int:
    """Print the figures; 0 without errors, 1 with."""
    timed = [v for kind, _ in MIX for v in tally.latencies.get(kind, [])]
    print(f"\n{clients} clients x {seconds:.0f} s (after every client has logged in)")
    print(f"{'kind':<8} {'requests':>9} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for kind in ("public", "staff", "post", "login"):
        values = tally.latencies.get(kind, [])
        if values:
            print(
                f"{kind:<8} {len(values):>9} {statistics.median(values) * 1000:>10.0f} "
                f"{percentile(values, 0.95) * 1000:>8.0f} {max(values) * 1000:>8.0f}"
            )
    print(
        f"{'all':<8} {len(timed):>9} {statistics.median(timed) * 1000 if timed else 0:>10.0f} "
        f"{percentile(timed, 0.95) * 1000:>8.0f}   ({len(timed) / seconds:.1f} per second; "
        "a post is the form's GET and its POST; logins before the clock)"
    )
    print(f"conflicts: {tally.conflicts} (409: the same record saved by another client in between; refused, kept)")
    print(f"errors: {len(tally.errors)}")
    for error in tally.errors[:20]:
        print(f"  {error}")
    return 1 if tally.errors or not timed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pages", type=int, default=60, help="public and staff pages to spread the reads over")
    parser.add_argument("--url", help="use a running server (with the demo county) instead of starting one")
    parser.add_argument("--workers", type=int, help="gunicorn processes of the started server")
    parser.add_argument("--threads", type=int, help="threads per gunicorn process")
    args = parser.parse_args(argv)

    var = Path(tempfile.mkdtemp(prefix="samverkan-loadtest-"))
    server = None
    code = 1
    try:
        if args.url:
            base = args.url.rstrip("/")
        else:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            print(f"Starting samverkan serve on {base} with a fresh database in {var} …", flush=True)
            server = start_server(var, port, args.workers, args.threads)
            wait_for(base, server, 180)
        plan = discover(base, args.pages, args.clients)
        public, staff, forms = plan["public"], plan["staff"], plan["forms"]
        print(f"Pages: {len(public)} public, {len(staff)} staff, {len(forms)} edit forms", flush=True)
        if not (public and staff and forms):
            print("Found too little to load (is the demo county loaded?)")
            return 1
        tally, start = Tally(), Start(args.clients, args.seconds)
        threads = [
            threading.Thread(target=run_client, args=(n, base, plan, start, tally), daemon=True)
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        start.fire()
        for thread in threads:
            thread.join()
        code = report(tally, args.seconds, args.clients)
    finally:
        if server is not None:
            stop_server(server)
            log = (var / "serve.log").read_text(errors="replace")
            if "Traceback" in log or "database is locked" in log:
                print("\nThe server logged errors:\n" + log[-4000:])
                code = 1
        shutil.rmtree(var, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
