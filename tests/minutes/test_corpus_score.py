"""Run the scorer over the shared corpus and keep the score from falling."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "minutes-import"
MIN_SCORE = 0.974


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="corpus not available")
def test_corpus_score():
    command = f"{sys.executable} -m samverkan.minutes {{file}} --json"
    done = subprocess.run(
        [sys.executable, str(SHARED / "score.py"), "--cmd", command, str(SHARED / "corpus")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        check=True,
    )
    last = done.stdout.strip().splitlines()[-1]
    score = float(last.split()[1])
    assert score >= MIN_SCORE, done.stdout


def test_cli_json(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("Protokoll Testrådet\n§ 1 Öppnande\nMötet öppnades.\n§ 2 Avslut\n", encoding="utf-8")
    from samverkan.minutes.cli import main

    assert main([str(path), "--json"]) == 0
    assert main([str(tmp_path / "saknas.txt"), "--json"]) == 1
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"abc")
    assert main([str(bad)]) == 1
