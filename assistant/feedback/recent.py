"""The answers this process gave lately, by a random id, so a reader can rate or export them.

Kept in memory, not in the database: only answers a reader rates are ever written down (a question
nobody rated leaves no trace once it falls out), and answering never waits on, or fails with, the
database. The price: an id is known only to the process that answered and is forgotten after
`capacity` newer answers or a restart; behind a load balancer, route a reader to one process.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from assistant.schema import Answer, Message
from assistant.settings import Settings

CAPACITY = 5000  # an answer without its retrieved passages is a few kB: about 20 MB at most
# The knobs that shape an answer, recorded with each one (never paths, addresses, keys or tokens).
ANSWER_SETTINGS = (
    "retrieval_k",
    "candidate_k",
    "rrf_k",
    "chunk_tokens",
    "chunk_overlap_tokens",
    "evidence_sentences",
    "max_answer_sentences",
    "max_question_tokens",
    "max_history_tokens",
    "llm_answer_tokens",
    "llm_evidence_tokens",
    "llm_check_unsure",
    "unverified_sentences",
)


class AnsweredTurn(BaseModel):
    """One question and its answer, as the reader saw them, with what produced it."""

    answer_id: str
    question: str
    history: list[Message] = Field(default_factory=list)
    answer: Answer
    settings: dict[str, Any] = Field(default_factory=dict)
    at: datetime


def answer_settings(settings: Settings) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in ANSWER_SETTINGS}


class RecentAnswers:
    """A bounded, thread-safe map from answer id to `AnsweredTurn`; the oldest is forgotten first."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._turns: OrderedDict[str, AnsweredTurn] = OrderedDict()
        self._lock = threading.Lock()

    def remember(
        self, question: str, history: Sequence[Message | Mapping[str, str]], answer: Answer, settings: Settings
    ) -> str:
        """Keep the answer (without its retrieved passages, the bulk of it) and return its new id.

        The id is 128 random bits: it is the only key to the question, so it must not be guessable."""
        answer_id = secrets.token_urlsafe(16)
        light = answer.model_copy(update={"thoughts": answer.thoughts.model_copy(update={"passages": []})})
        turn = AnsweredTurn(
            answer_id=answer_id,
            question=question,
            history=[Message.model_validate(m) for m in history],
            answer=light,
            settings=answer_settings(settings),
            at=datetime.now(UTC),
        )
        with self._lock:
            self._turns[answer_id] = turn
            while len(self._turns) > self.capacity:
                self._turns.popitem(last=False)
        return answer_id

    def get(self, answer_id: str) -> AnsweredTurn | None:
        with self._lock:
            return self._turns.get(answer_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._turns)
