"""`POST /v1/chat/completions` and `GET /v1/models`: any OpenAI client (the SDKs, LangChain's `ChatOpenAI`,
Open WebUI, LibreChat) can ask the articles and keep the sources.

A thin adapter over `Assistant.stream`: the last user message is the question, earlier user and assistant
turns the history (checked and cut by the assistant's own budgets), system messages are dropped (the
articles are the only instructions). Clients that know nothing of citations still show them, since the
content ends with a plain "Sources" list; the full citations travel in an additive `citations` field.
Rate and size limits are the gate's (ui/guards.py), as for /api/ask; errors are OpenAI's error object.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.responses import Response

from assistant import (
    Answer,
    Assistant,
    AssistantError,
    Citation,
    Evidence,
    Message,
    NothingIndexedError,
    Settings,
    StoreUnavailableError,
    count_tokens,
)
from assistant.feedback import RecentAnswers
from ui.limits import SlidingWindow, bucket
from ui.openai_wire import (
    AnswerMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatMessage,
    ChatRequest,
    Choice,
    ChunkChoice,
    Delta,
    ErrorBody,
    ModelCard,
    ModelList,
    Usage,
    error_body,
)

log = logging.getLogger(__name__)

SOURCES_HEADING = "\n\nSources:\n"
ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorBody} for status in (400, 401, 404, 413, 429, 503)}


class OpenAIError(Exception):
    """An error to send in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`."""

    def __init__(
        self, status: int, message: str, param: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.param, self.headers = status, message, param, headers

    def response(self) -> Response:
        body = error_body(self.status, self.message, self.param)
        return Response(body, self.status, headers=self.headers, media_type="application/json")


class OpenAIRoute(APIRoute):
    """Routes whose every error, body validation included, is an OpenAI error object, not FastAPI's `detail`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except OpenAIError as error:
                return error.response()
            except RequestValidationError as error:
                first = error.errors()[0] if error.errors() else {"loc": (), "msg": "malformed request"}
                where = ".".join(str(part) for part in first["loc"] if part != "body")
                message = f"Invalid request at {where or 'body'}: {first['msg']}."
                return OpenAIError(400, message, where or None).response()
            except AssistantError as error:
                status = 503 if isinstance(error, NothingIndexedError | StoreUnavailableError) else 400
                return OpenAIError(status, str(error)).response()
            except HTTPException as error:
                return OpenAIError(error.status_code, str(error.detail)).response()

        return route


def openai_router(bot: Assistant, settings: Settings, answers: RecentAnswers) -> APIRouter:
    """`answers` is the app's memory of recent answers: a `/v1` answer can be rated and exported by its
    `answer_id` like any other."""
    router = APIRouter(route_class=OpenAIRoute, dependencies=[Depends(_api_key(settings))], tags=["openai"])

    @router.get("/v1/models", response_model=ModelList, responses=ERRORS)
    def models() -> ModelList:
        """The answering models a request may name in `model`; omitted, the server's default answers."""
        return ModelList(data=[ModelCard(id=name) for name in Assistant.models()])

    @router.post("/v1/chat/completions", response_model=ChatCompletion, responses=ERRORS)
    async def chat_completions(body: ChatRequest) -> Response:
        """OpenAI's chat completions. `stream: true` sends `chat.completion.chunk` events and `data: [DONE]`;
        the last chunk with a choice carries `citations` (article id, quote, start, end, title, author, date)."""
        question, history = conversation(body.messages)
        model = _model(bot, body.model)
        items = bot.stream(question, history, model=model)
        first = await run_in_threadpool(next, items)  # bad input fails here, before a status is sent
        turns = [*history, Message(role="user", content=question)]
        remember = functools.partial(answers.remember, question, history, settings=bot.settings)
        prompt_tokens = sum(count_tokens(t.content, settings.tokenizer) for t in turns)
        reply = Reply(model or bot.model, prompt_tokens, settings, remember)
        if body.stream:
            usage = body.stream_options is not None and body.stream_options.include_usage
            return EventSourceResponse(reply.chunks(first, items, usage), ping=15)
        answer = await run_in_threadpool(_last, first, items)
        return Response(reply.completion(answer).model_dump_json(), media_type="application/json")

    return router


def conversation(messages: list[ChatMessage]) -> tuple[str, list[Message]]:
    """The question (the last message, which must be the user's) and the user/assistant turns before it."""
    last = messages[-1]
    if last.role != "user":
        raise OpenAIError(400, f"The last message must be the user's question, not {last.role!r}.", "messages")
    history = [
        Message(role=m.role, content=_without_sources(text))
        for index, m in enumerate(messages[:-1])
        if m.role in ("user", "assistant") and (text := _text(m, index))
    ]
    question = _text(last, len(messages) - 1)
    if not question.strip():
        raise OpenAIError(400, "The last user message is empty. Ask something about the articles.", "messages")
    return question, history


def content(answer: Answer) -> str:
    """The answer with its `[n]` markers, its notices, then a plain list of the sources any client can show."""
    text = answer.text + "".join(f"\n\nNote: {notice}" for notice in answer.notices)
    return text + sources(answer.citations)


def sources(citations: list[Citation]) -> str:
    if not citations:
        return ""
    lines = [f'[{c.number}] {c.title} ({c.publisher}, {c.date}): "{c.quote}"' for c in citations]
    return SOURCES_HEADING + "\n".join(lines)


class Reply:
    """One answer in OpenAI's shapes, whole or as chunks, with usage counted by the project's tokenizer."""

    def __init__(self, model: str, prompt_tokens: int, settings: Settings, remember: Callable[[Answer], str]) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())
        self.model, self.prompt_tokens, self.tokenizer = model, prompt_tokens, settings.tokenizer
        self.remember = remember  # keeps the finished answer and names it

    def usage(self, text: str) -> Usage:
        completion = count_tokens(text, self.tokenizer)
        return Usage(
            prompt_tokens=self.prompt_tokens, completion_tokens=completion, total_tokens=self.prompt_tokens + completion
        )

    def completion(self, answer: Answer) -> ChatCompletion:
        text = content(answer)
        message = AnswerMessage(
            content=text, citations=answer.citations, notices=answer.notices, answer_id=self.remember(answer)
        )
        return ChatCompletion(
            id=self.id,
            created=self.created,
            model=answer.model,
            choices=[Choice(message=message)],
            usage=self.usage(text),
        )

    def chunks(
        self, first: str | Evidence | Answer, rest: Iterator[str | Evidence | Answer], include_usage: bool
    ) -> Iterator[ServerSentEvent]:
        """Role first, then the answer's increments, then the notes and sources with `citations`, then [DONE].
        An error after the stream started is a last `{"error": ...}` event, as OpenAI's own streams send it."""
        sent = ""
        yield self._event(Delta(role="assistant", content=""))
        item = first
        while not isinstance(item, Answer):
            if isinstance(item, str):
                sent += item
                yield self._event(Delta(content=item))
            try:
                item = next(rest)
            except AssistantError as error:
                yield ServerSentEvent(error_body(500, str(error)).decode())
                return
        text = content(item)
        tail = text[len(sent) :] if text.startswith(sent) else text[len(item.text) :]
        final = ChatCompletionChunk(
            id=self.id,
            created=self.created,
            model=item.model,
            choices=[ChunkChoice(delta=Delta(content=tail, citations=item.citations), finish_reason="stop")],
            citations=item.citations,
            answer_id=self.remember(item),
        )
        yield ServerSentEvent(final.model_dump_json(exclude_none=True))
        if include_usage:
            usage = ChatCompletionChunk(
                id=self.id, created=self.created, model=item.model, choices=[], usage=self.usage(text)
            )
            yield ServerSentEvent(usage.model_dump_json(exclude_none=True))
        yield ServerSentEvent("[DONE]")

    def _event(self, delta: Delta) -> ServerSentEvent:
        choices = [ChunkChoice(delta=delta)]
        chunk = ChatCompletionChunk(id=self.id, created=self.created, model=self.model, choices=choices)
        return ServerSentEvent(chunk.model_dump_json(exclude_none=True))


def _model(bot: Assistant, name: str | None) -> str | None:
    """The model a request names, if this server offers it; None (or `auto`): the server's default."""
    if name in (None, "", "auto"):
        return None
    if name not in Assistant.models():
        known = ", ".join(Assistant.models())
        raise OpenAIError(404, f"The model {name!r} does not exist here. Choose one of: {known}.", "model")
    return name


def _text(message: ChatMessage, index: int) -> str:
    """A message's text: a string, or the text parts of a content array; other parts are refused by name."""
    if message.content is None or isinstance(message.content, str):
        return message.content or ""
    others = sorted({part.type for part in message.content if part.type != "text"})
    if others:
        raise OpenAIError(
            400, f"Only text can be asked about the articles; messages[{index}] holds {', '.join(others)}.", "messages"
        )
    return "\n".join(part.text or "" for part in message.content)


def _without_sources(text: str) -> str:
    """An earlier answer of ours without its Sources list: the quotes would crowd the follow-up's budget."""
    return text.split(SOURCES_HEADING, 1)[0]


def _last(first: str | Evidence | Answer, rest: Iterator[str | Evidence | Answer]) -> Answer:
    if isinstance(first, Answer):
        return first
    for item in rest:
        if isinstance(item, Answer):
            return item
    raise RuntimeError("the answerer ended without an answer")


def _api_key(settings: Settings) -> Callable[..., None]:
    """The key check, when the operator set keys: `Authorization: Bearer <key>` (scheme in any case).

    Wrong keys are throttled per client, as admin tokens are: `GET /v1/models` is not counted by the
    gate, so without this it would let anyone guess keys at full speed."""
    keys = [key.get_secret_value().encode() for key in settings.api_keys]
    failures = SlidingWindow(settings.admin_attempts_per_minute)

    def check(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
        if not keys:
            return
        client = bucket(request.client.host if request.client else "unknown")
        wait = failures.retry_after(client, count=False)
        if wait:
            retry = {"Retry-After": str(max(1, round(wait)))}
            raise OpenAIError(429, f"Too many wrong API keys: try again in {wait:.0f} s.", headers=retry)
        scheme, _, given = (authorization or "").strip().partition(" ")
        token = given.strip().encode()
        # compare with every key, always: the time taken does not say which key came close
        matches = [secrets.compare_digest(token, key) for key in keys]
        if scheme.lower() != "bearer" or not any(matches):
            failures.retry_after(client)
            raise OpenAIError(401, "Incorrect API key provided: send Authorization: Bearer <key>.")

    return check
