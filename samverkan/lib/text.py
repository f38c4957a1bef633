"""Small text helpers for input that comes from a URL or a form."""


def search_term(value: str | None, limit: int = 100) -> str:
    """A search string safe for every database: no NUL or other control characters, trimmed, bounded."""
    cleaned = "".join(ch for ch in (value or "")[: limit * 2] if ch.isprintable())
    return cleaned.strip()[:limit]
