"""Chat-model backends chosen by name, each a LangChain chat model.

`local` runs Qwen2.5-Coder-1.5B-Instruct on the user's CPU through xllamacpp; `openai` talks to
any OpenAI-compatible server; `ollama` to an Ollama server. A new backend adds one entry to
`BACKENDS`; the answering chain (`assistant/answer/llm.py`) does not change.
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.language_models import BaseChatModel

from assistant.models.backends import local_chat_model, ollama_chat_model, openai_chat_model
from assistant.models.errors import ModelUnavailableError
from assistant.models.gguf import local_model_installed
from assistant.settings import Settings

ChatModelFactory = Callable[[Settings], BaseChatModel]

BACKENDS: dict[str, ChatModelFactory] = {
    "local": local_chat_model,
    "openai": openai_chat_model,
    "ollama": ollama_chat_model,
}


def chat_model(name: str, settings: Settings) -> BaseChatModel:
    return BACKENDS[name](settings)


__all__ = ["BACKENDS", "ChatModelFactory", "ModelUnavailableError", "chat_model", "local_model_installed"]
