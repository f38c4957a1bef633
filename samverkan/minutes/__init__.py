"""Minutes import: parse Swedish minutes (text, DOCX, PDF) into a plain JSON object."""

from .errors import MinutesError
from .files import parse_file
from .parser import parse_text
from .validate import validate

__all__ = ["MinutesError", "parse_file", "parse_text", "validate"]
