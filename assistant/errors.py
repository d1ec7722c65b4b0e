"""Errors a user can act on. Each message says what went wrong and what to do about it."""


class AssistantError(Exception):
    """Base class: the CLI, UI and API show these messages to the user as they are."""


class InvalidQuestionError(AssistantError, ValueError):
    pass


class EmptyCorpusError(AssistantError):
    pass


class NothingIndexedError(AssistantError):
    pass


class StoreUnavailableError(AssistantError):
    pass


class UnknownModelError(AssistantError, ValueError):
    pass
