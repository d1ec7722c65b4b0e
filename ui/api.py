"""The HTTP API: ask (whole or streamed as server-sent events), list articles, health, and the admin upload."""

from __future__ import annotations

import functools
import json
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse, ServerSentEvent

from assistant import (
    Answer,
    Assistant,
    AssistantError,
    Citation,
    Evidence,
    InvalidQuestionError,
    Message,
    NothingIndexedError,
    Settings,
    StoreUnavailableError,
    UnknownModelError,
    UnreadableFileError,
    read_article,
)
from assistant.feedback import RecentAnswers
from ui.limits import SlidingWindow, bucket

MAX_QUESTION_CHARS = 4000
MAX_HISTORY_TURNS = 40


class AskRequest(BaseModel):
    question: str = Field(
        min_length=1, max_length=MAX_QUESTION_CHARS, examples=["What does Russia supply to Mongolia?"]
    )
    history: list[Message] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS)


class AskResponse(BaseModel):
    answer: str = Field(description="The short answer: 1-3 sentences, each with `[n]` markers naming citations.")
    refused: bool
    evidence: list[Citation] = Field(
        default_factory=list,
        description="The verbatim evidence sentences, to show before the answer; empty for a refusal.",
    )
    citations: list[Citation] = Field(description="Every numbered passage the evidence or the answer refers to.")
    notices: list[str] = Field(default_factory=list)
    model: str
    answer_id: str | None = Field(
        default=None, description="This answer's id on this server, for POST /api/feedback and POST /api/export."
    )

    @classmethod
    def of(cls, answer: Answer, answer_id: str | None = None) -> AskResponse:
        return cls(
            answer_id=answer_id,
            answer=answer.text,
            refused=answer.refused,
            evidence=answer.evidence,
            citations=answer.citations,
            notices=answer.notices,
            model=answer.model,
        )


class ArticleOut(BaseModel):
    article_id: str
    title: str
    author: str
    publisher: str
    date: str


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    articles: int
    model: str


class NewArticle(BaseModel):
    """An article added by the operator: its text verbatim and the metadata readers see."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$", description="Becomes the article id: upload/<slug>.")
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1)
    author: str = Field(default="Unknown author", max_length=300)
    publisher: str = Field(default="Unknown publisher", max_length=300)
    date: str = Field(default="Undated", max_length=40)


class SkippedFile(BaseModel):
    file: str
    reason: str


class IngestOut(BaseModel):
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    removed: list[str] = Field(default_factory=list)
    skipped: list[SkippedFile] = Field(default_factory=list)


STREAM_EXAMPLE = (
    'event: evidence\ndata: {"citations": [{"number": 1, "article_id": "mongolia-delicate-balancing-act", '
    '"title": "...", "author": "...", "publisher": "Asia Times", "date": "2024-09", "quote": "...", '
    '"start": 5879, "end": 5966, "kind": "text"}]}\n\n'
    'event: delta\ndata: {"text": "And China is the destination for 90 % of Mongolia\'s exports, primarily coal '
    'and copper. [1]"}\n\n'
    'event: answer\ndata: {"answer": "...", "refused": false, "evidence": [...], "citations": [...], ...}\n\n'
)
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "`evidence` (the citations of the verbatim evidence), `delta` events, then `answer`.",
        "content": {"text/event-stream": {"schema": {"type": "string"}, "example": STREAM_EXAMPLE}},
    }
}

ERROR_STATUS: list[tuple[type[AssistantError], int]] = [
    (InvalidQuestionError, 422),
    (UnknownModelError, 400),
    (NothingIndexedError, 503),
    (StoreUnavailableError, 503),
]


def status_for(error: AssistantError) -> int:
    return next((status for kind, status in ERROR_STATUS if isinstance(error, kind)), 400)


def add_error_handlers(app: FastAPI) -> None:
    async def on_assistant_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, AssistantError)
        return JSONResponse({"detail": str(error)}, status_code=status_for(error))

    async def on_invalid_request(request: Request, error: Exception) -> JSONResponse:
        """FastAPI's own answer, made safe to encode: it echoes the input, which may hold anything."""
        assert isinstance(error, RequestValidationError)
        detail = json.loads(json.dumps(jsonable_encoder(error.errors()), ensure_ascii=True, default=str))
        return JSONResponse({"detail": detail}, status_code=422)

    app.add_exception_handler(AssistantError, on_assistant_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)


def api_router(bot: Assistant, settings: Settings, answers: RecentAnswers | None = None) -> APIRouter:
    """`answers` keeps each answer by id (for feedback and export); a private store if not given."""
    router = APIRouter()
    recent = answers if answers is not None else RecentAnswers()

    @router.post("/api/ask", response_model=AskResponse, tags=["ask"])
    def ask(body: AskRequest) -> AskResponse:
        """Answer a question from the articles; every sentence carries `[n]` citations to exact passages."""
        answer = bot.ask(body.question, body.history)
        return AskResponse.of(answer, recent.remember(body.question, body.history, answer, bot.settings))

    @router.post("/api/ask/stream", tags=["ask"], response_class=EventSourceResponse, responses=STREAM_RESPONSES)
    async def ask_stream(body: AskRequest) -> EventSourceResponse:
        """Server-sent events: first one `evidence` event (`{"citations": [...]}`, the verbatim evidence, sent at
        once), then `delta` events with `{"text"}` increments of the answer, then one `answer` event (as /api/ask).
        An error after the response started comes as a last `error` event with `{"detail"}`."""
        items = bot.stream(body.question, body.history)
        # The first item is computed before the response starts, so bad input still gets a 4xx status.
        first = await run_in_threadpool(next, items)
        remember = functools.partial(recent.remember, body.question, body.history, settings=bot.settings)
        return EventSourceResponse(_events(first, items, remember))

    @router.get("/api/articles", response_model=list[ArticleOut], tags=["articles"])
    def articles() -> list[ArticleOut]:
        """The articles the assistant answers from."""
        return [ArticleOut(**meta.model_dump()) for meta in bot.articles()]

    @router.get("/healthz", response_model=Health, tags=["health"])
    def healthz() -> Health:
        return Health(articles=len(bot.articles()), model=bot.model)

    admin_only = [Depends(_admin(settings))]
    uploading = threading.Lock()  # one upload at a time: each re-syncs the whole uploads folder

    @router.post(
        "/api/admin/articles",
        response_model=IngestOut,
        tags=["admin"],
        dependencies=admin_only,
        responses={422: {"description": "The text cannot be indexed; nothing stored was changed."}},
    )
    def add_article(article: NewArticle) -> IngestOut:
        """Operator only (`Authorization: Bearer <ASSISTANT_ADMIN_TOKEN>`): add or replace an uploaded article.

        The article is read as ingest would read it before anything is written: text ingest would skip
        (NUL bytes, no text) is a 422 naming why, and the article already stored under that slug stays."""
        folder = bot.settings.data_dir / "uploads"
        with uploading:
            _check_readable(article)
            _write_article(folder / "upload", article)  # ids "upload/<slug>" never collide with the corpus
            report = bot.ingest(folder, show_progress=False)
        return IngestOut(
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
            removed=report.removed,
            skipped=[SkippedFile(file=Path(file).name, reason=reason) for file, reason in report.skipped_files],
        )

    return router


def _events(
    first: str | Evidence | Answer, rest: Iterator[str | Evidence | Answer], remember: Callable[[Answer], str]
) -> Iterator[ServerSentEvent]:
    item = first
    while True:
        if isinstance(item, Answer):
            yield ServerSentEvent(AskResponse.of(item, remember(item)).model_dump_json(), event="answer")
            return
        if isinstance(item, Evidence):
            yield ServerSentEvent(item.model_dump_json(), event="evidence")
        else:
            yield ServerSentEvent(json.dumps({"text": item}), event="delta")
        try:
            item = next(rest)
        except AssistantError as error:  # the response already said 200: the error becomes the last event
            yield ServerSentEvent(json.dumps({"detail": str(error)}), event="error")
            return


def _admin(settings: Settings, what: str = "Adding articles over HTTP") -> Callable[..., None]:
    """The admin check: a Bearer token (scheme in any case, RFC 9110), failed tries throttled per client."""
    failures = SlidingWindow(settings.admin_attempts_per_minute)

    def check(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
        token = settings.admin_token
        if token is None:
            raise HTTPException(404, f"{what} is off: the operator sets ASSISTANT_ADMIN_TOKEN.")
        client = bucket(request.client.host if request.client else "unknown")
        wait = failures.retry_after(client, count=False)
        if wait:
            raise HTTPException(
                429,
                f"Too many wrong admin tokens: try again in {wait:.0f} s.",
                headers={"Retry-After": str(max(1, round(wait)))},
            )
        scheme, _, given = (authorization or "").strip().partition(" ")
        expected = token.get_secret_value().encode()
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), expected):
            failures.retry_after(client)  # counts this failure
            raise HTTPException(401, "A valid admin token is required: Authorization: Bearer <token>.")

    return check


def _check_readable(article: NewArticle) -> None:
    """Read the article exactly as ingest will, in a scratch folder: what ingest would skip is refused here."""
    with tempfile.TemporaryDirectory(prefix="upload-check-") as scratch:
        folder = Path(scratch)
        try:
            _write_article(folder, article)
            read_article(folder / f"{article.slug}.txt", f"upload/{article.slug}")
        except UnicodeEncodeError:
            raise HTTPException(422, "The article holds characters UTF-8 cannot store. Nothing was changed.") from None
        except UnreadableFileError as error:
            message = f"The article's text cannot be indexed: it {error}. Nothing was changed."
            raise HTTPException(422, message) from None


def _write_article(folder: Path, article: NewArticle) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{article.slug}.txt").write_text(article.text, encoding="utf-8")
    meta = article.model_dump(include={"title", "author", "publisher", "date"}) | {"source": "Added by the operator"}
    (folder / f"{article.slug}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
