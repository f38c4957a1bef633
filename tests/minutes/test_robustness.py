"""Property-based robustness tests: the parser never crashes and output stays valid."""

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samverkan.minutes import MinutesError, parse_text, validate

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "minutes-import" / "corpus"
SAMPLES = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))] if CORPUS.is_dir() else []
SNIPPET = "Protokoll Testrådet\nBeslutande\nAda Prov (S), Norrby\n§ 1 Öppnande\nBeslut: Att godkänna.\n§ 2 Slut\n"
WORDS = st.sampled_from(
    [
        "§",
        "1.",
        "2.1",
        "Beslut:",
        "att",
        "Bilagor:",
        "Närvarande",
        "(S)",
        "Ada",
        "Prov",
        "\n",
        "\t",
        "Punkt 3-4",
        "får i uppdrag att",
        "Sida 1 av 2",
        "Ordförande",
        ",",
        "(",
    ]
)


def check(text: str) -> None:
    result = parse_text(text, strict=False)
    assert validate(result) == []
    try:
        parse_text(text)
    except MinutesError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_random_text(text):
    check(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, max_size=300).map(" ".join))
def test_minutes_like_tokens(text):
    check(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mangled_corpus(data):
    source = data.draw(st.sampled_from(SAMPLES or [SNIPPET]))
    start = data.draw(st.integers(0, len(source)))
    end = data.draw(st.integers(start, len(source)))
    noise = data.draw(st.text(max_size=50))
    mode = data.draw(st.sampled_from(["cut", "flatten", "insert", "upper"]))
    if mode == "cut":
        text = source[:start] + source[end:]
    elif mode == "flatten":
        text = source.replace("\n", " ")
    elif mode == "insert":
        text = source[:start] + noise + source[start:]
    else:
        text = source.upper()
    check(text)


def _cpu_seconds(text, tries=2):
    """CPU time of the parse (not wall time, which other processes on a loaded machine inflate), best of tries."""
    best, result = None, None
    for _ in range(tries):
        started = time.process_time()
        result = parse_text(text, strict=False)
        spent = time.process_time() - started
        best = spent if best is None else min(best, spent)
        if best < 2.0:
            break
    return best, result


def test_one_megabyte_under_two_seconds():
    base = SAMPLES[-1] if SAMPLES else SNIPPET * 20
    text = (base * (1_000_000 // len(base) + 1))[:1_000_000]
    seconds, result = _cpu_seconds(text)
    assert seconds < 2.0
    assert validate(result) == []


def test_one_megabyte_flattened_under_two_seconds():
    base = (SAMPLES[0] if SAMPLES else SNIPPET).replace("\n", " ")
    text = (base * (1_000_000 // len(base) + 1))[:1_000_000]
    seconds, _result = _cpu_seconds(text)
    assert seconds < 2.0
