"""The one reader for every upload: plain Python (no Django, no other part of Samverkan), so the minutes parser
and every app use the same checks. `reader` says what a file is and refuses bombs while reading; `sandbox` runs
the expensive part (a library reading the whole file) in a child process under memory, CPU and time limits."""

from samverkan.uploads.reader import (
    DOCX,
    JPEG,
    KINDS,
    ODT,
    PDF,
    PNG,
    TXT,
    XLSX,
    Kind,
    Limits,
    Refused,
    check,
    extract_text,
    open_zip,
)
from samverkan.uploads.sandbox import SandboxLimits, run_limited

__all__ = [
    "DOCX",
    "JPEG",
    "KINDS",
    "ODT",
    "PDF",
    "PNG",
    "TXT",
    "XLSX",
    "Kind",
    "Limits",
    "Refused",
    "SandboxLimits",
    "check",
    "extract_text",
    "open_zip",
    "run_limited",
]
