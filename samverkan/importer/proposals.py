"""Assignments and recommendations read from imported minutes: proposals until follow-through records them.

The importer shows them in the preview as proposals ("förslag") and keeps them in ImportRecord.parsed.
`apply_proposals` is the one place that will turn them into follow-through records (Assignment,
Recommendation and its PrincipalDecisions); it is called inside the import's transaction with the saved
meeting and its items by number, so whatever it creates is saved, or rolled back, with the meeting.
"""


def proposals_of(parsed: dict) -> tuple[list[dict], list[dict]]:
    """(assignments, recommendations) of a parse, as FORMAT.md writes them."""
    return list(parsed.get("assignments") or []), list(parsed.get("recommendations") or [])


def apply_proposals(parsed: dict, meeting, items_by_number: dict, user) -> list:
    """Create follow-through records from the parse's proposals; return what was created.

    Today this creates nothing: the proposals stay in the ImportRecord for the follow-through app to take
    up. For each assignment, `items_by_number[assignment["item"]]` is the AgendaItem it was given at;
    `assignee`, `task`, `due` (ISO date, or "XXXX-MM-DD" when the year is unknown) and `report_to` are text.
    For each recommendation: `item`, `text` and `addressees` (principals as written, e.g. "länets kommuner").
    """
    return []
