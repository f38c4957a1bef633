"""Errors raised by the minutes importer."""


class MinutesError(Exception):
    """A document could not be imported; the message is Swedish and meant for users."""
