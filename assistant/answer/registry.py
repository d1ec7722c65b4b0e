"""Answering strategies by name. A new backend registers here; nothing else changes."""

from __future__ import annotations

from collections.abc import Callable

from assistant.answer.base import Answerer
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.errors import UnknownModelError
from assistant.retrieve import HybridRetriever
from assistant.settings import Settings

AnswererFactory = Callable[[Settings, HybridRetriever], Answerer]

ANSWERERS: dict[str, AnswererFactory] = {
    "extractive": ExtractiveAnswerer,
}


def register(name: str, factory: AnswererFactory) -> None:
    ANSWERERS[name] = factory


def create_answerer(name: str, settings: Settings, retriever: HybridRetriever) -> Answerer:
    try:
        factory = ANSWERERS[name]
    except KeyError:
        known = ", ".join(sorted(ANSWERERS))
        raise UnknownModelError(f"Unknown model {name!r}. Choose one of: {known}.") from None
    return factory(settings, retriever)
