"""Feedback and export over HTTP: rate an answer, download a conversation, and the operator's export.

Answers are named by the `answer_id` that `/api/ask`, `/api/ask/stream` and the chat pages give out
(kept in `RecentAnswers`). The two POSTs go through the gate like every other non-read request
(`ui/doors.py`: counted against the client's questions per minute, body bounded); the operator's
export is a read, behind the admin token with its throttled failures.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from markupsafe import Markup
from pydantic import BaseModel, Field

from assistant import Settings
from assistant.export import conversation_json_text, conversation_markdown
from assistant.feedback import AnsweredTurn, FeedbackRecord, FeedbackStore, FeedbackUnavailableError, RecentAnswers
from assistant.feedback import Rating as RatingValue
from ui.api import _admin

MAX_EXPORT_ANSWERS = 200
UNKNOWN_ANSWER = (
    "No answer with the id {!r} is known to this server: answers are kept for a while after they are given, "
    "and not across restarts. Ask again to rate or export a new answer."
)


def answer_tools_html(answer_id: str, *, feedback: bool, comment_chars: int = 2000) -> str:
    """The place under an answer where the page's script puts its rating buttons (none when feedback is off);
    it also marks the answer for export. All of it in class names: the chat's HTML sanitiser drops data-*
    attributes but keeps classes, and an answer id (URL-safe base64) is a valid class name."""
    classes = f"answer-tools answer-id-{answer_id} feedback-{'on' if feedback else 'off'} comment-max-{comment_chars}"
    return str(Markup('<div class="{}"></div>').format(classes))


class FeedbackIn(BaseModel):
    answer_id: str = Field(min_length=1, max_length=64, description="From the answer: `answer_id`.")
    rating: RatingValue = Field(description="`up` (helpful) or `down` (not helpful).")
    comment: str | None = Field(default=None, description="Optional, as typed by the reader (length: see settings).")


class FeedbackOut(BaseModel):
    saved: Literal[True] = True
    answer_id: str
    rating: RatingValue
    comment: str | None = None


class ExportIn(BaseModel):
    answer_ids: list[str] = Field(min_length=1, max_length=MAX_EXPORT_ANSWERS, description="In conversation order.")
    format: Literal["markdown", "json"] = "markdown"


EXPORT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/markdown": {"schema": {"type": "string"}}, "application/json": {}}},
    404: {"description": "An answer id this server does not know (or no longer keeps)."},
}


def checked_comment(comment: str | None, limit: int) -> str | None:
    """The comment as stored: trimmed, None when empty; a longer one than the operator allows is a 422."""
    comment = (comment or "").strip() or None
    if comment and len(comment) > limit:
        raise HTTPException(422, f"Comments are at most {limit} characters; this one has {len(comment)}.")
    return comment


def conversation_file(turns: list[AnsweredTurn], format: Literal["markdown", "json"]) -> Response:
    """The exported conversation as a download, in the format asked for."""
    if format == "json":
        content, media, suffix = conversation_json_text(turns), "application/json", "json"
    else:
        content, media, suffix = conversation_markdown(turns), "text/markdown; charset=utf-8", "md"
    disposition = f'attachment; filename="conversation.{suffix}"'
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})


def feedback_router(answers: RecentAnswers, store: FeedbackStore | None, settings: Settings) -> APIRouter:
    """`store` is None when feedback is off (`ASSISTANT_FEEDBACK=false`): the feedback routes answer 404."""
    router = APIRouter()

    def known(answer_id: str) -> AnsweredTurn:
        turn = answers.get(answer_id)
        if turn is None:
            raise HTTPException(404, UNKNOWN_ANSWER.format(answer_id[:64]))
        return turn

    def feedback_on() -> FeedbackStore:
        if store is None:
            raise HTTPException(404, "Feedback is off on this server (the operator set ASSISTANT_FEEDBACK=false).")
        return store

    @router.post(
        "/api/feedback",
        response_model=FeedbackOut,
        status_code=201,
        tags=["feedback"],
        responses={
            404: {"description": "Unknown answer id, or feedback is off."},
            503: {"description": "The feedback database cannot be reached; nothing was saved."},
        },
    )
    async def rate(body: FeedbackIn) -> FeedbackOut:
        """Thumbs up or down on one answer, with an optional comment. Stored with the question, its history,
        the answer, its citations (article ids and offsets), the model and its settings; nothing about the
        reader but what they typed. Rating the same answer again replaces the earlier vote."""
        target = feedback_on()
        comment = checked_comment(body.comment, settings.feedback_comment_chars)
        turn = known(body.answer_id)
        try:
            await run_in_threadpool(target.save, turn, body.rating, comment)
        except FeedbackUnavailableError as error:
            raise HTTPException(503, str(error), headers={"Retry-After": "30"}) from None
        return FeedbackOut(answer_id=turn.answer_id, rating=body.rating, comment=comment)

    @router.post("/api/export", tags=["export"], response_class=Response, responses=EXPORT_RESPONSES)
    def export(body: ExportIn) -> Response:
        """A conversation as a file: each answer with its question, its history and every citation (quote,
        title, outlet, date, offsets). `markdown` to read (untrusted text escaped), `json` for programs."""
        return conversation_file([known(answer_id) for answer_id in body.answer_ids], body.format)

    @router.get(
        "/api/admin/feedback",
        response_model=list[FeedbackRecord],
        tags=["admin"],
        dependencies=[Depends(_admin(settings, "Exporting feedback over HTTP"))],
    )
    async def export_feedback() -> list[FeedbackRecord]:
        """Operator only (`Authorization: Bearer <ASSISTANT_ADMIN_TOKEN>`): every stored verdict, oldest first."""
        target = feedback_on()
        try:
            return await run_in_threadpool(target.records)
        except FeedbackUnavailableError as error:
            raise HTTPException(503, str(error)) from None

    return router
