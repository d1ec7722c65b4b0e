"""A chat model's streamed text, retried until its first token arrives; a failure after that ends it.

Apart from `llm.py` so that the answerer reads as its steps; this is how any model is called.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from assistant.errors import AssistantError

log = logging.getLogger(__name__)

BACKOFF_SECONDS = 0.5


class ModelFault(Exception):
    """The model server failed: unreachable, too slow, an HTTP error or a broken stream."""


def stream_text(model: BaseChatModel, messages: list[BaseMessage], retries: int, name: str) -> Iterator[str]:
    """The model's text increments. Retries with backoff until the first token arrives; after that
    a failure ends the stream, since what was shown cannot be taken back. LangChain's own retry
    wrapper does not cover streaming, so this is done here."""
    for attempt in range(retries + 1):
        try:
            chunks = model.stream(messages)
            first = next(chunks, None)
            break
        except AssistantError:
            raise
        except Exception as error:
            log.warning("%s model, attempt %d: %s", name, attempt + 1, error)
            if attempt == retries or not _transient(error):
                raise ModelFault(_describe(error)) from error
            time.sleep(BACKOFF_SECONDS * 2**attempt)
    if first is None:
        return
    try:
        yield _text(first.content)
        for chunk in chunks:
            yield _text(chunk.content)
    except Exception as error:
        raise ModelFault(_describe(error)) from error


def _text(content: object) -> str:
    """A chunk's text; some servers send a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in content if p)
    return ""


def _transient(error: Exception) -> bool:
    """Worth another try: no answer, a timeout, rate limiting or a server error; not a rejected request."""
    status = getattr(error, "status_code", None)
    return status is None or status == 429 or status >= 500


def _describe(error: Exception) -> str:
    """One plain line for the reader: what failed, without a traceback."""
    name = type(error).__name__
    if "Timeout" in name:
        return "it did not answer in time"
    if "Connect" in name or isinstance(error, ConnectionError):
        return "its server cannot be reached"
    status = getattr(error, "status_code", None)
    return f"its server answered with HTTP {status}" if status else f"{name}: {str(error)[:120]}"
