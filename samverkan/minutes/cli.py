"""Command line: `samverkan import-minutes FILE [--json]`."""

import argparse
import json
import sys
from typing import TextIO

from .errors import MinutesError
from .files import parse_file
from .shapes import Minutes


def build_parser() -> argparse.ArgumentParser:
    """Arguments of import-minutes."""
    parser = argparse.ArgumentParser(prog="samverkan import-minutes", description="Läs in ett protokoll.")
    parser.add_argument("file", help="protokollet (.txt, .docx eller .pdf)")
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    return parser


def summary(result: Minutes) -> str:
    """A short Swedish summary of a parsed document."""
    lines = [
        f"Organ: {result['body'] or 'okänt'}",
        f"Datum: {', '.join(result['dates']) or 'okänt'}",
        f"Närvarolista: {len(result['attendance'])} personer",
        f"Ärenden: {len(result['items'])}",
        f"Uppdrag: {len(result['assignments'])}",
        f"Rekommendationer: {len(result['recommendations'])}",
    ]
    for item in result["items"]:
        lines.append(f"  {item['number'] or '-'} {item['title'] or ''}")
    return "\n".join(lines)


def write(stream: TextIO, text: str) -> None:
    """Write UTF-8 text whatever the stream's own encoding."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        stream.write(text)


def main(argv: list[str] | None = None) -> int:
    """Run import-minutes; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        result = parse_file(args.file)
    except MinutesError as error:
        write(sys.stderr, f"Fel / Error: {error}\n")
        return 1
    except Exception as error:  # never a traceback: one line, whatever a library raised
        write(
            sys.stderr, f"Fel / Error: filen kunde inte läsas / the file could not be read ({type(error).__name__}).\n"
        )
        return 1
    if args.json:
        write(sys.stdout, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    else:
        write(sys.stdout, summary(result) + "\n")
    return 0
