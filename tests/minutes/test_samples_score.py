"""Run the scorer over the made-up samples of conventions outside the shared corpus."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCORER = REPO.parent / "shared" / "minutes-import" / "score.py"
SAMPLES = Path(__file__).resolve().parent / "samples"
MIN_SCORE = 1.000 - 0.02


@pytest.mark.skipif(not SCORER.is_file(), reason="scorer not available")
def test_samples_score():
    command = f"{sys.executable} -m samverkan.minutes {{file}} --json"
    done = subprocess.run(
        [sys.executable, str(SCORER), "--cmd", command, str(SAMPLES)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        check=True,
    )
    score = float(done.stdout.strip().splitlines()[-1].split()[1])
    assert score >= MIN_SCORE, done.stdout
