"""Errors raised by the minutes importer."""

from samverkan.uploads import Refused


class MinutesError(Refused):
    """A document could not be imported; the message is Swedish and meant for users. A kind of the upload
    reader's Refused, so it crosses back from the upload sandbox's child process whole."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
