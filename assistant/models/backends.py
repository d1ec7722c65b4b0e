"""One factory per backend: Settings in, a LangChain chat model out, with greedy decoding.

Retries are left to the answerer (`assistant/answer/llm.py`), which retries only until the first
token arrives: a streamed answer cannot be taken back once shown. So each client has none.
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from assistant.models.errors import ModelUnavailableError
from assistant.models.gguf import MODEL_FILE, ensure_local_model
from assistant.models.server import shared_server
from assistant.settings import Settings


def local_chat_model(settings: Settings) -> BaseChatModel:
    """Qwen2.5-Coder-1.5B-Instruct on this machine's CPU (see `assistant/models/gguf.py` for its provenance)."""
    path = ensure_local_model(settings.data_dir / "models")
    server = shared_server(path, context_tokens=settings.llm_context_tokens, threads=settings.local_threads)
    return _openai_client(server.base_url, MODEL_FILE, SecretStr("local"), settings)


def openai_chat_model(settings: Settings) -> BaseChatModel:
    """Any OpenAI-compatible server: OpenAI itself, or llama.cpp, vLLM, LM Studio... on a base URL."""
    if settings.openai_base_url is None and settings.openai_api_key is None:
        raise ModelUnavailableError(
            "The openai model needs a server: set ASSISTANT_OPENAI_BASE_URL (and ASSISTANT_OPENAI_MODEL), "
            "or OPENAI_API_KEY for OpenAI's own API."
        )
    key = settings.openai_api_key or SecretStr("none")  # local servers accept any key
    return _openai_client(settings.openai_base_url, settings.openai_model, key, settings)


def ollama_chat_model(settings: Settings) -> BaseChatModel:
    return ChatOllama(
        base_url=settings.ollama_base_url,
        model=settings.ollama_model,
        temperature=0,
        num_predict=settings.llm_answer_tokens,
        num_ctx=settings.llm_context_tokens,
        client_kwargs={"timeout": settings.llm_timeout},
    )


def _openai_client(base_url: str | None, model: str, key: SecretStr, settings: Settings) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=base_url,
        model=model,
        api_key=key,
        temperature=0,
        max_tokens=settings.llm_answer_tokens,
        timeout=settings.llm_timeout,
        max_retries=0,
    )
