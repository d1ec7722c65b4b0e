"""Answering strategies by name. A new backend registers here; nothing else changes.

A chat model joins through `register_chat_model`, the door the built-in backends (local, openai, ollama) use
too: its name then picks it everywhere (`--model`, `ASSISTANT_MODEL`, the API's `model`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from assistant.answer.base import Answerer
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.llm import LLMAnswerer
from assistant.errors import UnknownModelError
from assistant.models import BACKENDS, ChatModelFactory, local_model_installed
from assistant.retrieve import HybridRetriever
from assistant.settings import Settings

AnswererFactory = Callable[[Settings, HybridRetriever], Answerer]

ANSWERERS: dict[str, AnswererFactory] = {"extractive": ExtractiveAnswerer}


def register(name: str, factory: AnswererFactory) -> None:
    ANSWERERS[name] = factory


def register_chat_model(name: str, factory: ChatModelFactory) -> None:
    """A LangChain chat model by name, answering through `LLMAnswerer` (its sentences verified, then cited)."""
    BACKENDS[name] = factory
    register(name, partial(LLMAnswerer, backend=name))


def unregister(name: str) -> None:
    """Forget a registered answerer or chat model (tests register their own and clean up)."""
    ANSWERERS.pop(name, None)
    BACKENDS.pop(name, None)


for _backend, _factory in list(BACKENDS.items()):
    register_chat_model(_backend, _factory)


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
