"""Benchmark: parse every document of a corpus N times and print documents per second."""

import argparse
import sys
import time
from pathlib import Path

from .errors import MinutesError
from .files import read_text
from .parser import parse_text

SUFFIXES = (".txt", ".docx", ".pdf")


def bench_main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    parser = argparse.ArgumentParser(prog="samverkan bench-minutes", description="Mät tolkningshastighet.")
    parser.add_argument("directory", nargs="?", default="../shared/minutes-import/corpus")
    parser.add_argument("-n", "--repeat", type=int, default=20, help="antal varv (standard 20)")
    args = parser.parse_args(argv)
    folder = Path(args.directory)
    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in SUFFIXES)
    if not files:
        print(f"Inga dokument i {folder}", file=sys.stderr)
        return 2
    texts = []
    for path in files:
        try:
            texts.append(read_text(path))
        except MinutesError as error:
            print(f"{path.name}: {error}", file=sys.stderr)
    started = time.perf_counter()
    for _ in range(args.repeat):
        for text in texts:
            parse_text(text, strict=False)
    elapsed = time.perf_counter() - started
    count = len(texts) * args.repeat
    print(f"{count} dokument på {elapsed:.2f} s: {count / elapsed:.0f} dokument/s")
    return 0


if __name__ == "__main__":
    sys.exit(bench_main(sys.argv[1:]))
