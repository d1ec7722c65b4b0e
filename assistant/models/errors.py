"""Errors of the model backends that a user can act on."""

from assistant.errors import AssistantError


class ModelUnavailableError(AssistantError):
    """The chosen model cannot be loaded (not installed, or its file fails the checksum)."""
