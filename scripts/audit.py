#!/usr/bin/env python3
"""`make audit`: pip-audit over the installed dependencies, when the vulnerability service answers.

Runs `pip-audit -f json` (PyPI's vulnerability data, through the configured index). Exit 1 when a dependency
has a known vulnerability. When the service cannot be reached, or answers for none of the dependencies (an
offline mirror without PyPI's JSON API makes pip-audit skip every one of them as "not found"), it prints that the
audit was skipped and why, and exits 0: a machine without the internet can still run the rest of CI.
"""

import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main() -> int:
    command = [str(PIP_AUDIT), "--format=json", "--progress-spinner=off", "--skip-editable", "--timeout=30"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"pip-audit SKIPPED: could not run it ({error})")
        return 0
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"pip-audit SKIPPED: the vulnerability service did not answer ({reason[:300]})")
        return 0
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        reason = dependencies[0]["skip_reason"] if dependencies else "no dependencies found"
        print(f"pip-audit SKIPPED: the service answered for none of {len(dependencies)} dependencies ({reason})")
        return 0
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in: {fixed})")
    skipped = len(dependencies) - len(audited)
    print(f"pip-audit: {len(audited)} dependencies audited, {skipped} skipped, {len(vulnerable)} vulnerable")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
