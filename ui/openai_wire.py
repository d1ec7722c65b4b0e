"""OpenAI's chat-completions wire format, as pydantic models: what `/v1/chat/completions` reads and writes.

Only the fields an OpenAI client needs are modelled; unknown request fields (temperature, tools, ...) are
ignored rather than refused, since every SDK sends some. Our additions (`citations`, `notices`) are extra
fields, which the official clients keep (`model_extra`) and the rest skip.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant import Citation

MAX_MESSAGES = 200


class TextPart(BaseModel):
    """A content part (`[{"type": "text", "text": ...}]`); other types are refused by name in the route."""

    model_config = ConfigDict(extra="ignore")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[TextPart] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")

    include_usage: bool = False


class ChatRequest(BaseModel):
    """A chat completion request; `model` may be omitted (the server's default answers)."""

    model_config = ConfigDict(extra="ignore")

    model: str | None = Field(default=None, examples=["extractive"])
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int = Field(default=1, ge=1, le=1, description="One answer per question: the articles say one thing.")


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class AnswerMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: None = Field(default=None, description="Always null: a refusal here is a normal answer saying so.")
    citations: list[Citation] = Field(default_factory=list, description="Every numbered passage, with offsets.")
    notices: list[str] = Field(default_factory=list)
    answer_id: str | None = Field(default=None, description="For `POST /api/feedback` and `POST /api/export`.")


class Choice(BaseModel):
    index: int = 0
    message: AnswerMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    system_fingerprint: None = None


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None
    citations: list[Citation] | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    """One streamed event; the last one with a choice carries `citations` (on itself and on its delta) and
    the `answer_id` that rates or exports the answer."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    citations: list[Citation] | None = None
    answer_id: str | None = None
    usage: Usage | None = None
    system_fingerprint: None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "news-assistant"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class ErrorObject(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorBody(BaseModel):
    error: ErrorObject


# What OpenAI's own API sends for each status, so clients that branch on `type`/`code` behave.
ERROR_KINDS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    404: ("invalid_request_error", "model_not_found"),
    408: ("invalid_request_error", "request_timeout"),
    413: ("invalid_request_error", "request_too_large"),
    422: ("invalid_request_error", "invalid_text"),
    429: ("requests", "rate_limit_exceeded"),
    503: ("server_error", "service_unavailable"),
}


def error_body(status: int, message: str, param: str | None = None) -> bytes:
    """The OpenAI error object for a status: the gate (ui/guards.py) and the routes both answer with it."""
    kind, code = ERROR_KINDS.get(status, ("server_error" if status >= 500 else "invalid_request_error", None))
    body = ErrorBody(error=ErrorObject(message=message, type=kind, param=param, code=code))
    return json.dumps(body.model_dump(), ensure_ascii=True).encode()
