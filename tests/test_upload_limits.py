"""Hostile uploads, through the real views, the real CLI, the real sandbox and the real worker: a bomb is refused
within a few seconds and a bounded amount of memory, with a Swedish message, and nothing is kept; a file that
costs too much to read is stored and marked "text not extracted" with the reason. Time and peak memory are
measured in the test (tracemalloc for the request, getrusage of the children for the CLI and the sandbox)."""

import functools
import os
import subprocess
import sys
import time
import tracemalloc
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from samverkan.importer.models import ImportRecord
from samverkan.meetings.models import Document
from samverkan.uploads import Refused, SandboxLimits, run_limited
from tests import bombs, sample_files
from tests.importer_helpers import upload as import_upload
from tests.meetings_helpers import make_meeting

MB = 1024 * 1024
SECONDS = 5
REQUEST_MEMORY = 200 * MB

# The bombs take a few seconds of zlib to build: once per run.
zero_bomb = functools.cache(bombs.zero_bomb_docx)
big_xml = functools.cache(bombs.big_document_xml_docx)
ratio_bomb = functools.cache(functools.partial(bombs.zero_bomb_docx, 60))
zip_bomb = functools.cache(functools.partial(bombs.zip_of_bombs, 1, 150))

BOMBS = [
    ("zeros", zero_bomb, "packar upp sig till orimligt mycket data"),
    ("xml", big_xml, "packar upp sig till orimligt mycket data"),
    ("ratio", ratio_bomb, "packad orimligt hårt"),
    ("deep", bombs.deep_docx, "nästlad djupare än 200 nivåer"),
    ("laughs", bombs.laughs_docx, "egna definitioner (DTD eller entiteter)"),
    ("members", bombs.many_members_docx, "fler än 2000 delar"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def measured(request):
    """Run `request()`; its response, the CPU seconds this process spent on it (wall time is printed too: on a
    shared machine it measures the neighbours as well) and the peak bytes Python allocated meanwhile."""
    tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        response = request()
        seconds = time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"{seconds:.2f} s CPU, {time.perf_counter() - started:.2f} s wall, peak {peak / MB:.1f} MB")
    return response, seconds, peak


def _stored(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize("name, make, message", BOMBS, ids=[b[0] for b in BOMBS])
def test_a_bomb_uploaded_as_a_meeting_document_is_refused_quickly(client, world, media, name, make, message):
    meeting = make_meeting(world.group, date(2026, 3, 1))
    client.force_login(world.secretary)
    data = make()
    assert len(data) < 2 * MB
    url = reverse("meetings:document_create", args=[meeting.pk])
    post = {"visibility": "public", "file": SimpleUploadedFile("plan.docx", data)}
    response, seconds, peak = measured(lambda: client.post(url, post))
    assert response.status_code == 400
    assert message in response.content.decode() and "Inget har sparats" in response.content.decode()
    assert seconds < SECONDS and peak < REQUEST_MEMORY
    assert not Document.objects.exists() and _stored(media) == []


@pytest.mark.parametrize(
    "filename, make, message",
    [
        ("protokoll.docx", zero_bomb, "packar upp sig till orimligt mycket data"),
        ("protokoll.docx", bombs.deep_docx, "nästlad djupare"),
        ("protokoll.docx", bombs.laughs_docx, "egna definitioner"),
        ("protokoll.zip", zip_bomb, "MB uppackad"),
    ],
)
def test_a_bomb_uploaded_to_the_importer_is_refused_quickly(client, world, media, filename, make, message):
    client.force_login(world.secretary)
    data = make()
    response, seconds, peak = measured(lambda: import_upload(client, world.group, filename, data))
    assert response.status_code == 400 and message in response.content.decode()
    assert seconds < SECONDS and peak < REQUEST_MEMORY
    assert not ImportRecord.objects.exists() and _stored(media) == []


def test_a_zip_of_documents_with_a_bomb_keeps_the_good_ones(client, world, media):
    from tests.importer_helpers import zip_of

    good = (
        "Protokoll fört vid sammanträde med Samverkansgruppen 2026-03-05\n\n§ 1 Mötets öppnande\nOrdföranden öppnade."
    )
    client.force_login(world.secretary)
    data = zip_of([("a.txt", good.encode()), ("b.docx", ratio_bomb())])
    response, seconds, peak = measured(lambda: import_upload(client, world.group, "två.zip", data))
    assert response.status_code == 302 and seconds < SECONDS and peak < REQUEST_MEMORY
    bad = ImportRecord.objects.get(original_name="b.docx")
    assert bad.status == "failed" and "packad orimligt hårt" in bad.error
    assert ImportRecord.objects.get(original_name="a.txt").status == "pending"


def test_a_bomb_as_a_principals_decision_document_is_refused(client, world):
    from samverkan.followthrough.models import PrincipalDecision
    from tests.followthrough_helpers import decision_item, recommend
    from tests.test_followthrough import _decision_post, followed  # noqa: F401 - the fixture

    recommendation = recommend(decision_item(world.forum))
    decision = recommendation.decisions.get(principal=world.town)
    client.force_login(world.contact)
    url = reverse("followthrough:decision_record", args=[decision.pk])
    post = {**_decision_post(), "document": SimpleUploadedFile("beslut.docx", zero_bomb())}
    response, seconds, peak = measured(lambda: client.post(url, post))
    assert response.status_code == 400 and "packar upp sig" in response.content.decode()
    assert seconds < SECONDS and peak < REQUEST_MEMORY
    assert PrincipalDecision.objects.get(pk=decision.pk).outcome == "pending"


# The command line

# `samverkan import-minutes` (samverkan.cli.main, as the console script calls it) in a process that then notes its
# own resident high-water mark: ru_maxrss of a child also counts the parent's pages it started from.
CLI = """import sys
from samverkan.cli import main
try:
    code = main(sys.argv[1:])
finally:
    status = open("/proc/self/status").read()
    open({high_water!r}, "w").write(status.split("VmHWM:")[1].split()[0])
sys.exit(code)
"""


@pytest.mark.parametrize("make", [bombs.deep_docx, zero_bomb, bombs.laughs_docx, lambda: b"PK\x03\x04trasig"])
def test_the_cli_says_one_line_and_exits_1_on_a_hostile_docx(tmp_path, make):
    path = tmp_path / "protokoll.docx"
    path.write_bytes(make())
    started = time.perf_counter()
    high_water = tmp_path / "vmhwm"
    child = subprocess.Popen(
        [sys.executable, "-c", CLI.format(high_water=str(high_water)), "import-minutes", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stdout, stderr = child.stdout.read(), child.stderr.read().decode()  # one line each at most: no pipe fills
    _pid, status, usage = os.wait4(child.pid, 0)
    child.stdout.close(), child.stderr.close()
    seconds = usage.ru_utime + usage.ru_stime  # this child's own CPU
    peak = int(high_water.read_text().split()[0]) * 1024  # its own resident high-water mark, kB in /proc
    print(f"{seconds:.2f} s CPU, {time.perf_counter() - started:.2f} s wall, {peak / MB:.0f} MB: {stderr.strip()}")
    assert os.waitstatus_to_exitcode(status) == 1 and stdout == b""
    assert stderr.startswith("Fel / Error: ") and stderr.count("\n") == 1 and "Traceback" not in stderr
    assert seconds < SECONDS and peak < REQUEST_MEMORY


# The sandbox itself: real child processes, real limits


def test_the_sandbox_returns_what_its_target_returns():
    assert run_limited("tests.sandbox_targets:echo", b"hej", {"suffix": "!"}, SandboxLimits()) == "hej!"


@pytest.mark.parametrize(
    "target, limits, message",
    [
        ("spin", SandboxLimits(memory_mb=200, cpu_seconds=1, wall_seconds=20), "mer än 1 sekunder"),
        ("hog", SandboxLimits(memory_mb=200, cpu_seconds=10, wall_seconds=20), "för mycket minne att läsa (mer än 200"),
        ("sleep", SandboxLimits(memory_mb=200, cpu_seconds=10, wall_seconds=2), "mer än 2 sekunder"),
    ],
)
def test_the_sandbox_stops_a_child_at_its_limits(target, limits, message):
    target = f"tests.sandbox_targets:{target}"
    started = time.perf_counter()
    with pytest.raises(Refused) as refused:
        run_limited(target, b"", {}, limits)
    seconds = time.perf_counter() - started
    print(f"{target}: stopped after {seconds:.2f} s wall")
    assert message in str(refused.value)
    assert seconds < limits.wall_seconds + 1.5


# The worker: the request only checks and stores; the worker reads the text in the sandbox


worker = pytest.mark.django_db(transaction=True)


def sandbox_peaks(caplog):
    """The sandbox children's own peak memory in bytes, as each reported it (samverkan.uploads.sandbox logs it)."""
    return [
        int(r.getMessage().rsplit(", ", 1)[1].split()[0]) * MB for r in caplog.records if "sandbox:" in r.getMessage()
    ]


@worker
def test_the_worker_reads_text_in_the_sandbox_and_marks_what_it_could_not(
    client, world, media, settings, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level("INFO", logger="samverkan.uploads.sandbox")
    settings.UPLOAD_SANDBOX_MEMORY_MB = 300
    settings.UPLOAD_SANDBOX_CPU_SECONDS = 2
    settings.UPLOAD_SANDBOX_WALL_SECONDS = 4
    meeting = make_meeting(world.group, date(2026, 3, 1))
    client.force_login(world.secretary)
    url = reverse("meetings:document_create", args=[meeting.pk])
    slow = bombs.slow_pdf(pages=2, mb_per_page=20)
    for name, data in [("dyr.pdf", slow), ("plan.docx", sample_files.docx())]:
        with django_capture_on_commit_callbacks(execute=True):
            response, seconds, peak = measured(
                lambda: client.post(url, {"visibility": "public", "file": SimpleUploadedFile(name, data)})  # noqa: B023
            )
        assert response.status_code == 302 and seconds < SECONDS and peak < REQUEST_MEMORY
    assert set(Document.objects.values_list("text_state", flat=True)) == {"waiting"}

    started = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)
    seconds = time.perf_counter() - started
    peaks = sandbox_peaks(caplog)  # the docx's child; the PDF's was killed at its limit before it could say
    print(f"worker: {seconds:.2f} s wall for both; children that answered: {[p // MB for p in peaks]} MB")

    costly = Document.objects.get(original_name="dyr.pdf")
    assert costly.text_state == "failed" and costly.text == ""
    assert "tog för lång tid att läsa" in costly.text_problem
    plain = Document.objects.get(original_name="plan.docx")
    assert plain.text_state == "read" and "Handlingsplan för äldreomsorgen" in plain.text
    assert seconds < settings.UPLOAD_SANDBOX_WALL_SECONDS + 2 * SECONDS
    assert peaks and all(peak < settings.UPLOAD_SANDBOX_MEMORY_MB * MB for peak in peaks)

    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Texten inte utläst" in page and costly.text_problem in page


@worker  # a management command run from the command line closes the database connection when it is done
def test_the_cli_import_into_a_body_refuses_a_bomb_in_one_line(world, tmp_path, capsys):
    """`samverkan import-minutes FILE --body ID --user NAME` goes through the importer, so through the same reader."""
    from samverkan.cli import main

    path = tmp_path / "protokoll.docx"
    path.write_bytes(zero_bomb())
    with pytest.raises(SystemExit) as exit:
        main(["import-minutes", str(path), "--body", str(world.group.pk), "--user", world.secretary.username])
    err = capsys.readouterr().err
    assert exit.value.code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "packar upp sig till orimligt mycket data" in err and not ImportRecord.objects.exists()
