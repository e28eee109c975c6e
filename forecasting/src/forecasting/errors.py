"""Exceptions the command line turns into one-line messages."""


class InputError(ValueError):
    """Bad user input: a file, a column, a time window or a region that cannot be used."""
