"""Errors the user can cause. The CLI turns each into a one-line message, never a traceback."""


class VaultkitError(Exception):
    """Base class: its message is shown to the user as is."""

    exit_code = 2


class VaultError(VaultkitError):
    """The vault cannot be found or its config cannot be read."""


class UsageError(VaultkitError):
    """A command was given something it cannot work with (an unknown note, say)."""
