"""Run the expensive reading of one file in a fresh child process under resource limits, so one bad file can cost
at most `SandboxLimits`: address space (RLIMIT_AS), CPU seconds (RLIMIT_CPU) and wall-clock seconds (the parent
kills the child). POSIX only (the `resource` module).

The child is `python -m samverkan.uploads.sandbox`: it reads one JSON line (the target "module:function", its
keyword options and the limits) and then the file's bytes from stdin, sets its limits before it imports any file
library, calls `function(data, **options)` and writes one JSON object to stdout. The target must be plain Python
(no Django: the child does not set Django up) and return JSON-able data. `Refused` (and its subclasses, such as
the minutes parser's MinutesError) crosses back with its msgid and params; anything else becomes one of the
messages below.
"""

import importlib
import json
import logging
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samverkan.uploads.reader import Refused, gettext_noop

log = logging.getLogger(__name__)
# The folder that holds the samverkan package, so the child imports the same code as its parent.
ROOT = str(Path(__file__).resolve().parents[2])

TOO_SLOW = gettext_noop("Filen tog för lång tid att läsa (mer än %(seconds)s sekunder) och lästes inte.")
TOO_BIG = gettext_noop("Filen krävde för mycket minne att läsa (mer än %(mb)s MB) och lästes inte.")
CRASHED = gettext_noop("Filen är skadad och kunde inte läsas.")


@dataclass(frozen=True)
class SandboxLimits:
    """What one child may use: `memory_mb` of address space (the interpreter and libraries count: about 100 MB
    of it), `cpu_seconds` of CPU time and `wall_seconds` of real time."""

    memory_mb: int = 512
    cpu_seconds: int = 20
    wall_seconds: float = 30.0


def run_limited(target: str, data: bytes, options: dict[str, Any], limits: SandboxLimits) -> Any:
    """Return `target(data, **options)` computed in a child process within `limits`.

    Raises Refused: the target's own (msgid and params kept), TOO_SLOW when the wall clock or the CPU limit ran
    out, TOO_BIG when memory did, CRASHED when the child died or failed any other way."""
    header = {"target": target, "options": options, "memory_mb": limits.memory_mb, "cpu": limits.cpu_seconds}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "samverkan.uploads.sandbox"],
            input=json.dumps(header).encode() + b"\n" + data,
            capture_output=True,
            timeout=limits.wall_seconds,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Refused(TOO_SLOW, seconds=int(limits.wall_seconds)) from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = {}
    if "peak_kb" in answer:
        log.info("%s in the sandbox: %.2f s CPU, %d MB peak", target, answer["cpu"], answer["peak_kb"] // 1024)
    if "ok" in answer:
        return answer["ok"]
    if "refused" in answer:
        raise Refused(answer["refused"], **answer.get("params", {}))
    if answer.get("limit") == "memory" or b"MemoryError" in done.stderr:
        raise Refused(TOO_BIG, mb=limits.memory_mb)
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise Refused(TOO_SLOW, seconds=limits.cpu_seconds)
    raise Refused(CRASHED)


def _child() -> int:
    stdin = sys.stdin.buffer
    job = json.loads(stdin.readline())
    memory = int(job["memory_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (int(job["cpu"]), int(job["cpu"]) + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    data = stdin.read()
    module, function = job["target"].split(":")
    try:
        result = {"ok": getattr(importlib.import_module(module), function)(data, **job["options"])}
    except Refused as error:
        result = {"refused": error.msgid, "params": error.params}
    except MemoryError:
        result = {"limit": "memory"}
    except RecursionError:
        result = {"crash": "RecursionError"}
    except Exception as error:  # whatever a library raises on a hostile file: the parent says "damaged"
        result = {"crash": type(error).__name__}
    result["cpu"] = time.process_time()
    try:  # the child's own resident high-water mark (Linux); ru_maxrss would count its parent's pages too
        with open("/proc/self/status") as status:
            result["peak_kb"] = int(status.read().split("VmHWM:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        pass
    sys.stdout.buffer.write(json.dumps(result).encode())
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child())
