"""Check that an object follows the output format of FORMAT.md."""

import re
from collections.abc import Callable
from typing import Any

# A JSON object as json.loads gives it; validate() checks what it holds.
JsonObject = dict[str, Any]

DATE = re.compile(r"^(?:\d{4}|XXXX)-\d\d-\d\d$")
TIME = re.compile(r"^\d\d:\d\d$")
KINDS = {"protokoll", "anteckningar", "other"}
GROUPS = {"ledamot", "ersattare", "ovriga", "sekreterare", "narvarande"}
STATUSES = {"present", "absent"}
OUTCOMES = {"handled", "deferred", "struck"}
TOP_KEYS = {
    "body",
    "document_kind",
    "dates",
    "start_time",
    "end_time",
    "location",
    "paragraphs",
    "chair",
    "secretary",
    "adjusters",
    "attendance",
    "items",
    "attachments",
    "assignments",
    "recommendations",
    "next_meeting",
}


def optional_text(value: object, where: str) -> list[str]:
    """A string that is not empty, or None."""
    if value is None:
        return []
    if not isinstance(value, str) or not value.strip():
        return [f"{where}: ska vara text eller null"]
    return []


def text_list(value: object, where: str) -> list[str]:
    """A list of non-empty strings."""
    if not isinstance(value, list):
        return [f"{where}: ska vara en lista"]
    return [f"{where}[{i}]: ska vara text" for i, v in enumerate(value) if not isinstance(v, str) or not v.strip()]


def optional_pattern(value: object, pattern: re.Pattern[str], where: str) -> list[str]:
    """None or a string matching the pattern."""
    if value is None or (isinstance(value, str) and pattern.match(value)):
        return []
    return [f"{where}: felaktigt format ({value!r})"]


def validate(obj: object) -> list[str]:
    """Problems with an importer output; an empty list means it is valid."""
    if not isinstance(obj, dict):
        return ["resultatet ska vara ett objekt"]
    problems = [f"nyckel saknas: {k}" for k in sorted(TOP_KEYS - obj.keys())]
    problems += [f"okänd nyckel: {k}" for k in sorted(obj.keys() - TOP_KEYS)]
    if problems:
        return problems
    for key in ("body", "location", "chair", "secretary"):
        problems += optional_text(obj[key], key)
    if obj["document_kind"] not in KINDS:
        problems.append("document_kind: okänt värde")
    problems += text_list(obj["dates"], "dates")
    problems += [f"dates: {d!r}" for d in obj["dates"] if isinstance(d, str) and not DATE.match(d)]
    for key in ("start_time", "end_time"):
        problems += optional_pattern(obj[key], TIME, key)
    problems += optional_pattern(obj["next_meeting"], DATE, "next_meeting")
    problems += check_paragraphs(obj["paragraphs"])
    problems += text_list(obj["adjusters"], "adjusters") + text_list(obj["attachments"], "attachments")
    problems += check_list(obj["attendance"], "attendance", check_person)
    problems += check_list(obj["items"], "items", check_item)
    problems += check_list(obj["assignments"], "assignments", check_assignment)
    problems += check_list(obj["recommendations"], "recommendations", check_recommendation)
    return problems


def check_paragraphs(value: object) -> list[str]:
    """None or {'first': int, 'last': int}."""
    if value is None:
        return []
    if not isinstance(value, dict) or set(value) != {"first", "last"}:
        return ["paragraphs: ska vara {first, last} eller null"]
    if not all(isinstance(value[k], int) and not isinstance(value[k], bool) for k in value):
        return ["paragraphs: first och last ska vara heltal"]
    return []


def check_list(value: object, where: str, check: Callable[[JsonObject, str], list[str]]) -> list[str]:
    """A list of objects checked one by one."""
    if not isinstance(value, list):
        return [f"{where}: ska vara en lista"]
    problems = []
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            problems.append(f"{where}[{index}]: ska vara ett objekt")
        else:
            problems += check(entry, f"{where}[{index}]")
    return problems


def check_keys(entry: JsonObject, keys: set[str], where: str) -> list[str]:
    """Exactly the expected keys."""
    if set(entry) != keys:
        return [f"{where}: nycklar {sorted(entry)} ska vara {sorted(keys)}"]
    return []


def check_person(entry: JsonObject, where: str) -> list[str]:
    """One attendance entry."""
    keys = {"name", "principal", "party", "group", "status", "substitute_for", "note"}
    problems = check_keys(entry, keys, where)
    if problems:
        return problems
    if not isinstance(entry["name"], str) or not entry["name"].strip():
        problems.append(f"{where}.name: saknas")
    for key in ("principal", "substitute_for", "note"):
        problems += optional_text(entry[key], f"{where}.{key}")
    party = entry["party"]
    if party is not None and (not isinstance(party, str) or party != party.upper() or not party.strip()):
        problems.append(f"{where}.party: ska vara versaler eller null")
    if entry["group"] not in GROUPS:
        problems.append(f"{where}.group: okänt värde")
    if entry["status"] not in STATUSES:
        problems.append(f"{where}.status: okänt värde")
    return problems


def check_item(entry: JsonObject, where: str) -> list[str]:
    """One agenda item."""
    keys = {"number", "title", "presenters", "outcome", "decisions", "attachments"}
    problems = check_keys(entry, keys, where)
    if problems:
        return problems
    problems += optional_text(entry["number"], f"{where}.number")
    problems += optional_text(entry["title"], f"{where}.title")
    if entry["outcome"] not in OUTCOMES:
        problems.append(f"{where}.outcome: okänt värde")
    for key in ("presenters", "decisions", "attachments"):
        problems += text_list(entry[key], f"{where}.{key}")
    return problems


def check_assignment(entry: JsonObject, where: str) -> list[str]:
    """One assignment."""
    problems = check_keys(entry, {"item", "assignee", "task", "due", "report_to"}, where)
    if problems:
        return problems
    for key in ("item", "assignee", "task", "report_to"):
        problems += optional_text(entry[key], f"{where}.{key}")
    return problems + optional_pattern(entry["due"], DATE, f"{where}.due")


def check_recommendation(entry: JsonObject, where: str) -> list[str]:
    """One recommendation to the principals."""
    problems = check_keys(entry, {"item", "text", "addressees"}, where)
    if problems:
        return problems
    for key in ("item", "text", "addressees"):
        problems += optional_text(entry[key], f"{where}.{key}")
    return problems
