"""Answering strategies by name. A new backend registers here; nothing else changes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from assistant.answer.base import Answerer
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.llm import LLMAnswerer
from assistant.errors import UnknownModelError
from assistant.models import BACKENDS, local_model_installed
from assistant.retrieve import HybridRetriever
from assistant.settings import Settings

AnswererFactory = Callable[[Settings, HybridRetriever], Answerer]

ANSWERERS: dict[str, AnswererFactory] = {
    "extractive": ExtractiveAnswerer,
    **{backend: partial(LLMAnswerer, backend=backend) for backend in BACKENDS},
}


def register(name: str, factory: AnswererFactory) -> None:
    ANSWERERS[name] = factory


def resolve(name: str) -> str:
    """`auto` is the local model when its packages are installed, else the extractive answerer."""
    if name != "auto":
        return name
    return "local" if local_model_installed() else "extractive"


def create_answerer(name: str, settings: Settings, retriever: HybridRetriever) -> Answerer:
    name = resolve(name)
    try:
        factory = ANSWERERS[name]
    except KeyError:
        known = ", ".join(sorted(ANSWERERS))
        raise UnknownModelError(f"Unknown model {name!r}. Choose one of: auto, {known}.") from None
    return factory(settings, retriever)
